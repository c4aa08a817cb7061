"""Uploads: received under names the client does not choose, and served only from views that have
already checked who may see them."""

import tempfile

from django.conf import settings
from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, TemporaryFileUploadHandler
from django.http import FileResponse, Http404, multipartparser

# Django reads the headers of each part of a multipart body in at most 1 024 bytes and answers a longer
# one with a bare 400 before any view or form sees the request: a file name of 1 000 characters does it
# (browsers send the name as it is; macOS allows 255 characters of up to 4 bytes each). 8 KiB holds any
# name a file system allows. The name is then shortened (Django keeps 255 characters, the views keep
# 150 for display) and is never part of a name on disk. Set here because Django imports this module
# (FILE_UPLOAD_HANDLERS) before it parses any upload; tests/creativelabs/test_upload_names.py checks it.
PART_HEADERS_MAX_BYTES = 8 * 1024
multipartparser.MAX_TOTAL_HEADER_SIZE = PART_HEADERS_MAX_BYTES


class _NamelessTemporaryUploadedFile(TemporaryUploadedFile):
    """Django's temporary upload file, without the client's extension in its name on disk (a long one made
    the name too long for the file system)."""

    def __init__(self, name, content_type, size, charset, content_type_extra=None):
        file = tempfile.NamedTemporaryFile(suffix=".upload", dir=settings.FILE_UPLOAD_TEMP_DIR)  # noqa: SIM115
        UploadedFile.__init__(self, file, name, content_type, size, charset, content_type_extra)


class SafeTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Large uploads go to a temporary file whose name has no part the client chose."""

    def new_file(self, *args, **kwargs):
        FileUploadHandler.new_file(self, *args, **kwargs)
        self.file = _NamelessTemporaryUploadedFile(
            self.file_name, self.content_type, 0, self.charset, self.content_type_extra
        )


def uploaded_file_response(field, *, content_type: str, download_name: str | None = None):
    try:
        handle = field.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(
        handle, content_type=content_type, as_attachment=download_name is not None, filename=download_name or ""
    )
    # Uploaded content is never executed by the browser, whatever it claims to be.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
