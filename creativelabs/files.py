"""Serving stored uploads: only from views that have already checked who may see them."""

from django.http import FileResponse, Http404


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
