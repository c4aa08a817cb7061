"""Upload safety for portfolio items and company logos: what is accepted, and in what form it is stored.

Plain Python, no models: the views call these functions and store what they return.

* The type is decided by the bytes (magic numbers, a walk over the file's structure, then Pillow's or
  pikepdf's own reading), never by the file name or the browser's content type. Accepted: JPEG, PNG, WebP, PDF.
  SVG is refused (it is a document that can carry scripts), as is everything else.
* Byte limits are checked against the declared size before the body is read, and the read itself is capped.
* Image dimensions are read from the header and checked before anything is decoded; Pillow's decompression
  bomb error and warning become validation errors too.
* A PNG, JPEG or WebP with data after the end of the image (an HTML/PDF/ZIP "polyglot") is refused.
* Images are decoded and re-encoded: EXIF orientation applied, then all metadata dropped (EXIF incl. GPS,
  XMP, comments, text chunks). An embedded ICC profile is used to convert the pixels to sRGB and then
  dropped, so colours survive and no profile is stored. Animated images keep their first frame only.
  Images larger than IMAGE_MAX_SIDE_STORED are downscaled. A WebP thumbnail (keeps transparency) is fitted
  inside THUMBNAIL_SIZE without cropping or upscaling.
* PDFs need the PDF header, an object right after it (no HTML or anything else in between) and the end
  marker; then pikepdf walks every object (`companies/pdfs.py`, rules in `companies/pdf_inspector.py`) and
  they are refused when they carry active content (scripts, actions that run by themselves or start
  programs, forms that send data, embedded files or media), need a password, are damaged or are too
  complex to check. They are stored as they are and must be served as attachments (`as_attachment`).
* Stored names come from `generated_name`, never from the user's file name.
* `check_quota` enforces the per-company storage quota; the caller supplies the bytes already in use.

Every refusal is a `django.core.exceptions.ValidationError` with a translatable message and a `code`;
nothing else escapes for any input bytes.
"""

from __future__ import annotations

import contextlib
import functools
import io
import re
import struct
import warnings
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar
from uuid import uuid4

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from .pdfs import screen_pdf

try:  # Pillow's wheels ship LittleCMS; without it ICC profiles are dropped rather than applied.
    from PIL import ImageCms
except ImportError:  # pragma: no cover
    ImageCms = None

MB = 1024 * 1024

MAX_IMAGE_BYTES = 10 * MB
MAX_PDF_BYTES = 20 * MB
MAX_IMAGE_PIXELS = 40_000_000
MAX_IMAGE_SIDE = 12_000
THUMBNAIL_SIZE = (480, 360)
IMAGE_MAX_SIDE_STORED = 2400
JPEG_QUALITY = 85
WEBP_QUALITY = 85
THUMBNAIL_QUALITY = 80
THUMBNAIL_EXTENSION = "webp"
THUMBNAIL_CONTENT_TYPE = "image/webp"
COMPANY_STORAGE_QUOTA_BYTES = 200 * MB

# Bytes read before the type is known: enough for every magic number and for spotting an SVG.
SNIFF_BYTES = 4096
# "%%EOF" must appear within this many bytes of the end of a PDF.
PDF_EOF_WINDOW = 1024

IMAGE_KINDS = ("jpeg", "png", "webp")
_STORED_AS = {  # sniffed kind -> (extension, content type, Pillow save format)
    "jpeg": ("jpg", "image/jpeg", "JPEG"),
    "png": ("png", "image/png", "PNG"),
    "webp": ("webp", "image/webp", "WEBP"),
}
_PILLOW_FORMATS = {"jpeg": ("JPEG", "MPO"), "png": ("PNG",), "webp": ("WEBP",)}
_STORED_EXTENSIONS = frozenset({"jpg", "png", "webp", "pdf"})

# What Pillow (and the C decoders behind it) raise on hostile or broken input.
_DECODE_ERRORS = (
    OSError,  # includes UnidentifiedImageError and "image file is truncated"
    SyntaxError,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    EOFError,
    struct.error,
    ZeroDivisionError,
    OverflowError,
    RecursionError,
)
_BOMB_ERRORS = (Image.DecompressionBombError, Image.DecompressionBombWarning)

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SOI = b"\xff\xd8\xff"
_JPEG_SOF_MARKERS = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})

# PDF: the header, then only comment lines (the "binary" marker) and white space before the first object.
_PDF_HEADER_RE = re.compile(rb"%PDF-[12]\.\d")
# Possessive quantifiers: a long run of "%" or blanks cannot make the match backtrack.
_PDF_FIRST_OBJECT_RE = re.compile(
    rb"%PDF-[12]\.\d[^\r\n]{0,64}(?:[\t\n\x0c\r\x00 ]++|%[^\r\n]*+)*+\d+[\t\n\x0c\r\x00 ]+\d+[\t\n\x0c\r\x00 ]+obj"
)


# --- Results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CleanImage:
    """A re-encoded image without metadata, ready to store under `generated_name(extension)`."""

    content: bytes
    thumbnail: bytes
    extension: str
    content_type: str
    width: int
    height: int

    as_attachment: ClassVar[bool] = False
    thumbnail_extension: ClassVar[str] = THUMBNAIL_EXTENSION
    thumbnail_content_type: ClassVar[str] = THUMBNAIL_CONTENT_TYPE

    @property
    def total_bytes(self) -> int:
        return len(self.content) + len(self.thumbnail)


@dataclass(frozen=True)
class CleanPdf:
    """A checked PDF, stored as uploaded; serve it with Content-Disposition: attachment."""

    content: bytes
    pages: int | None = None

    extension: ClassVar[str] = "pdf"
    content_type: ClassVar[str] = "application/pdf"
    as_attachment: ClassVar[bool] = True

    @property
    def total_bytes(self) -> int:
        return len(self.content)


# --- Public API ---------------------------------------------------------------------------------


def clean_upload(upload, *, allow: Iterable[str] = ("image", "pdf")) -> CleanImage | CleanPdf:
    """Check and clean an upload of any accepted kind, chosen by its content. `allow`: "image", "pdf"."""
    allow = tuple(allow)
    if not allow or set(allow) - {"image", "pdf"}:
        raise ValueError(f"allow must name 'image' and/or 'pdf', not {allow!r}")
    head = _start(upload)
    kind = _sniff(head)
    if kind == "svg":
        raise _svg_error()
    if kind == "pdf" and "pdf" in allow:
        return _clean_pdf(upload, head)
    if kind in IMAGE_KINDS and "image" in allow:
        return _clean_image(upload, head, kind)
    if kind is None and "pdf" in allow and _claims_pdf(upload):
        raise _not_a_pdf_error()
    raise _not_allowed_error(allow)


def clean_image(upload) -> CleanImage:
    """Check a JPEG, PNG or WebP upload and return it re-encoded without metadata, with a thumbnail."""
    head = _start(upload)
    kind = _sniff(head)
    if kind == "svg":
        raise _svg_error()
    if kind not in IMAGE_KINDS:
        raise _not_allowed_error(("image",))
    return _clean_image(upload, head, kind)


def clean_pdf(upload) -> CleanPdf:
    """Check a PDF upload: a real PDF, complete, within the size limit and without active content."""
    head = _start(upload)
    kind = _sniff(head)
    if kind == "svg":
        raise _svg_error()
    if kind != "pdf":
        raise _not_a_pdf_error()
    return _clean_pdf(upload, head)


def generated_name(extension: str) -> str:
    """A fresh random storage name; nothing of the user's file name ends up in it."""
    if extension not in _STORED_EXTENSIONS:
        raise ValueError(f"not a stored extension: {extension!r}")
    return f"{uuid4().hex}.{extension}"


def check_quota(used_bytes: int, incoming_bytes: int, *, quota: int = COMPANY_STORAGE_QUOTA_BYTES) -> None:
    """Refuse an upload that would take a company's stored files past its quota."""
    if used_bytes + incoming_bytes > quota:
        raise ValidationError(
            _(
                "This upload (%(size)s MB) would take your company past its storage limit of %(quota)s MB; "
                "%(used)s MB is already in use. Remove some files and try again."
            ),
            code="quota_exceeded",
            params={"size": _mb(incoming_bytes), "quota": _whole_mb(quota), "used": _mb(used_bytes)},
        )


# --- Reading and sniffing -----------------------------------------------------------------------


def _start(upload) -> bytes:
    """Rewind the upload if it can be rewound, read the first bytes and refuse an empty file."""
    seek = getattr(upload, "seek", None)
    if callable(seek):
        with contextlib.suppress(OSError, ValueError):
            seek(0)
    head = _read_up_to(upload, SNIFF_BYTES)
    if not head:
        raise ValidationError(_("The file is empty."), code="empty")
    return head


def _read_up_to(upload, count: int) -> bytes:
    chunks = []
    remaining = count
    while remaining > 0:
        chunk = upload.read(remaining)
        if not chunk:
            break
        chunks.append(bytes(chunk))
        remaining -= len(chunk)
    return b"".join(chunks)


def _declared_size(upload) -> int | None:
    size = getattr(upload, "size", None)
    if isinstance(size, int) and not isinstance(size, bool) and size >= 0:
        return size
    return None


def _read_all(upload, head: bytes, limit: int, *, pdf: bool) -> bytes:
    """The whole upload, refusing it by its declared size first and by the bytes actually read after."""
    declared = _declared_size(upload)
    if declared is not None and declared > limit:
        raise _too_large_error(declared, limit, pdf=pdf)
    data = (head + _read_up_to(upload, limit + 1 - len(head))) if len(head) <= limit else head
    if len(data) > limit:
        raise _too_large_error(None, limit, pdf=pdf)
    return data


def _sniff(head: bytes) -> str | None:
    if head.startswith(_PNG_SIGNATURE):
        return "png"
    if head.startswith(_JPEG_SOI):
        return "jpeg"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if _looks_like_svg(head):
        return "svg"
    return None


def _looks_like_svg(head: bytes) -> bool:
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            text = head[len(bom) :].decode(encoding, errors="ignore")
            break
    else:
        text = head.decode("latin-1")
    text = text.lstrip().lower()
    return text.startswith("<") and "<svg" in text


def _claims_pdf(upload) -> bool:
    """Only to word the refusal: whether the user presents the file as a PDF."""
    name = getattr(upload, "name", None)
    content_type = getattr(upload, "content_type", None)
    return (isinstance(name, str) and name.lower().endswith(".pdf")) or content_type == "application/pdf"


# --- Images -------------------------------------------------------------------------------------


def _clean_image(upload, head: bytes, kind: str) -> CleanImage:
    data = _read_all(upload, head, MAX_IMAGE_BYTES, pdf=False)
    for width, height in _STRUCTURE_WALKERS[kind](data):
        _check_dimensions(width, height)
    extension, content_type, save_format = _STORED_AS[kind]
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.")  # "Corrupt EXIF data" etc.
        try:
            image = Image.open(io.BytesIO(data), formats=_PILLOW_FORMATS[kind])
            if image.format not in _PILLOW_FORMATS[kind]:
                raise _corrupt_error()
            _check_dimensions(*image.size)
            image.load()  # the first frame only, for animated images
            content, width, height, thumbnail = _re_encode(image, save_format)
        except _BOMB_ERRORS as error:
            raise ValidationError(
                _("This image has too many pixels to be processed safely."), code="too_many_pixels"
            ) from error
        except _DECODE_ERRORS as error:
            raise _corrupt_error() from error
    return CleanImage(
        content=content,
        thumbnail=thumbnail,
        extension=extension,
        content_type=content_type,
        width=width,
        height=height,
    )


def _check_dimensions(width: int, height: int) -> None:
    if width <= 0 or height <= 0:
        raise _corrupt_error()
    if width * height > MAX_IMAGE_PIXELS:
        raise ValidationError(
            _(
                "This image is %(width)s × %(height)s pixels (%(megapixels)s megapixels); "
                "the limit is %(limit)s megapixels."
            ),
            code="too_many_pixels",
            params={
                "width": width,
                "height": height,
                "megapixels": number_format(width * height / 1_000_000, 1),
                "limit": MAX_IMAGE_PIXELS // 1_000_000,
            },
        )
    if max(width, height) > MAX_IMAGE_SIDE:
        raise ValidationError(
            _("This image is %(width)s × %(height)s pixels; neither side may be longer than %(limit)s pixels."),
            code="too_many_pixels",
            params={"width": width, "height": height, "limit": MAX_IMAGE_SIDE},
        )


def _re_encode(image: Image.Image, save_format: str) -> tuple[bytes, int, int, bytes]:
    """Orient, normalise the mode and colours, downscale, and save without metadata; plus the thumbnail."""
    icc_profile = image.info.get("icc_profile")
    has_alpha = save_format != "JPEG" and image.has_transparency_data
    try:
        oriented = ImageOps.exif_transpose(image)
    except _DECODE_ERRORS:
        oriented = image  # unreadable EXIF: keep the pixels as they are; the EXIF is dropped below anyway
    working = _normalise_mode(oriented, has_alpha=has_alpha)
    if max(working.size) > IMAGE_MAX_SIDE_STORED:
        working.thumbnail((IMAGE_MAX_SIDE_STORED, IMAGE_MAX_SIDE_STORED), Image.Resampling.LANCZOS)
    working = _to_srgb(working, icc_profile)
    working.info = {}  # EXIF, GPS, XMP, ICC, comments, text chunks, stale transparency: none of it is saved

    content = io.BytesIO()
    if save_format == "JPEG":
        working.save(content, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    elif save_format == "PNG":
        working.save(content, "PNG")
    else:
        working.save(content, "WEBP", quality=WEBP_QUALITY)

    thumbnail_image = working.convert("RGBA" if working.mode == "RGBA" else "RGB")
    thumbnail_image.thumbnail(THUMBNAIL_SIZE, Image.Resampling.LANCZOS)
    thumbnail_image.info = {}
    thumbnail = io.BytesIO()
    thumbnail_image.save(thumbnail, "WEBP", quality=THUMBNAIL_QUALITY)
    return content.getvalue(), working.width, working.height, thumbnail.getvalue()


def _normalise_mode(image: Image.Image, *, has_alpha: bool) -> Image.Image:
    """L, RGB or RGBA (CMYK stays CMYK until `_to_srgb`); always a copy we own."""
    mode = image.mode
    if mode.startswith("I;16") or mode == "I":
        # 16-bit grey: scale to 8 bits rather than let the conversion clip everything above 255 to white.
        return image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if mode == "F":
        return image.convert("L")
    if has_alpha:
        return image.convert("RGBA")
    if mode in ("L", "1"):
        return image.convert("L")
    if mode == "CMYK":
        return image.copy()
    return image.convert("RGB")


def _to_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Apply an embedded ICC profile (converting to sRGB); CMYK without one is converted naively."""
    if icc_profile and ImageCms is not None and image.mode in ("RGB", "RGBA", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            alpha = image.getchannel("A") if image.mode == "RGBA" else None
            base = image.convert("RGB") if alpha is not None else image
            converted = ImageCms.profileToProfile(base, source, _srgb_profile(), outputMode="RGB")
            if converted is not None:
                if alpha is not None:
                    converted.putalpha(alpha)
                return converted
        except (ImageCms.PyCMSError, *_DECODE_ERRORS):
            pass  # a broken or mismatched profile: fall back to the pixel values as they are
    if image.mode == "CMYK":
        return image.convert("RGB")
    return image


@functools.cache
def _srgb_profile():
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


# --- Structure walks: dimensions before decoding, and nothing after the end ----------------------


def _walk_png(data: bytes) -> list[tuple[int, int]]:
    """Every chunk with a valid CRC, IHDR first, IEND last, nothing after IEND."""
    view = memoryview(data)
    size = len(data)
    position = len(_PNG_SIGNATURE)
    dimensions = None
    while True:
        if position + 12 > size:
            raise _corrupt_error()
        length, chunk_type = struct.unpack(">I4s", data[position : position + 8])
        end = position + 12 + length
        if length > 0x7FFFFFFF or not chunk_type.isalpha() or end > size:
            raise _corrupt_error()
        (crc,) = struct.unpack(">I", data[end - 4 : end])
        if zlib.crc32(view[position + 4 : end - 4]) != crc:
            raise _corrupt_error()
        if dimensions is None:
            if chunk_type != b"IHDR" or length != 13:
                raise _corrupt_error()
            dimensions = struct.unpack(">II", data[position + 8 : position + 16])
        if chunk_type == b"IEND":
            _refuse_trailing(data, end)
            return [dimensions]
        position = end


def _walk_jpeg(data: bytes) -> list[tuple[int, int]]:
    """Segments up to the EOI marker; after it, only the further images of a multi-picture (MPF) file."""
    end, dimensions, multi_picture = _walk_jpeg_stream(data, 0)
    if not dimensions:
        raise _corrupt_error()
    if not multi_picture:
        _refuse_trailing(data, end)
        return dimensions
    # Multi-picture files (camera previews, Ultra HDR gain maps) append whole JPEG streams; they are
    # walked for completeness and then dropped, since only the primary image is decoded.
    position = end
    while True:
        while position < len(data) and data[position] == 0:
            position += 1
        if position == len(data):
            return dimensions
        if not data.startswith(b"\xff\xd8", position):
            raise _trailing_error()
        try:
            position, _extra, _more = _walk_jpeg_stream(data, position)
        except ValidationError as error:
            raise _trailing_error() from error


def _walk_jpeg_stream(data: bytes, start: int) -> tuple[int, list[tuple[int, int]], bool]:
    """From SOI to EOI: the end offset, the frame sizes (SOFn) and whether there is an MPF segment."""
    size = len(data)
    if not data.startswith(b"\xff\xd8", start):
        raise _corrupt_error()
    position = start + 2
    dimensions: list[tuple[int, int]] = []
    multi_picture = False
    while True:
        marker_at = data.find(b"\xff", position)
        if marker_at < 0:
            raise _corrupt_error()
        position = marker_at + 1
        while position < size and data[position] == 0xFF:
            position += 1
        if position >= size:
            raise _corrupt_error()
        marker = data[position]
        position += 1
        if marker == 0xD9:
            return position, dimensions, multi_picture
        if marker in (0x00, 0x01) or 0xD0 <= marker <= 0xD7:
            continue  # stuffing, TEM and restart markers carry no length
        if marker == 0xD8 or position + 2 > size:
            raise _corrupt_error()
        (length,) = struct.unpack(">H", data[position : position + 2])
        if length < 2 or position + length > size:
            raise _corrupt_error()
        if marker in _JPEG_SOF_MARKERS:
            if length < 7:
                raise _corrupt_error()
            height, width = struct.unpack(">HH", data[position + 3 : position + 7])
            dimensions.append((width, height))
        elif marker == 0xE2 and data.startswith(b"MPF\x00", position + 2):
            multi_picture = True
        position += length
        if marker == 0xDA:
            position = _skip_entropy_coded(data, position)


def _skip_entropy_coded(data: bytes, position: int) -> int:
    """After SOS: the offset of the next real marker (0xFF not followed by 0x00, a restart or a fill byte)."""
    size = len(data)
    while True:
        marker_at = data.find(b"\xff", position)
        if marker_at < 0 or marker_at + 1 >= size:
            raise _corrupt_error()
        following = data[marker_at + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            position = marker_at + 2
        elif following == 0xFF:
            position = marker_at + 1
        else:
            return marker_at


def _walk_webp(data: bytes) -> list[tuple[int, int]]:
    """The RIFF container: chunks inside its declared size, the first one giving the canvas size."""
    size = len(data)
    if size < 20:
        raise _corrupt_error()
    (riff_size,) = struct.unpack("<I", data[4:8])
    end = 8 + riff_size
    if riff_size < 12 or end > size:
        raise _corrupt_error()
    position = 12
    dimensions = None
    while position + 8 <= end:
        fourcc = data[position : position + 4]
        (chunk_size,) = struct.unpack("<I", data[position + 4 : position + 8])
        payload_end = position + 8 + chunk_size
        if payload_end > end:
            raise _corrupt_error()
        if dimensions is None:
            dimensions = _webp_dimensions(fourcc, data[position + 8 : min(payload_end, position + 18)])
        position = payload_end + (chunk_size & 1)
    if dimensions is None or position < end:
        raise _corrupt_error()
    _refuse_trailing(data, end)
    return [dimensions]


def _webp_dimensions(fourcc: bytes, payload: bytes) -> tuple[int, int]:
    if fourcc == b"VP8X" and len(payload) >= 10:
        return int.from_bytes(payload[4:7], "little") + 1, int.from_bytes(payload[7:10], "little") + 1
    if fourcc == b"VP8 " and len(payload) >= 10 and payload[3:6] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", payload[6:10])
        return width & 0x3FFF, height & 0x3FFF
    if fourcc == b"VP8L" and len(payload) >= 5 and payload[0] == 0x2F:
        (bits,) = struct.unpack("<I", payload[1:5])
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    raise _corrupt_error()


def _refuse_trailing(data: bytes, end: int) -> None:
    """Anything but NUL padding after the end of the image is refused: that is where polyglots live."""
    if data[end:].strip(b"\x00"):
        raise _trailing_error()


_STRUCTURE_WALKERS = {"png": _walk_png, "jpeg": _walk_jpeg, "webp": _walk_webp}


# --- PDFs ---------------------------------------------------------------------------------------


def _clean_pdf(upload, head: bytes) -> CleanPdf:
    data = _read_all(upload, head, MAX_PDF_BYTES, pdf=True)
    if not _PDF_HEADER_RE.match(data):
        raise _not_a_pdf_error()
    if data.find(b"%%EOF", max(0, len(data) - PDF_EOF_WINDOW)) < 0:
        raise ValidationError(
            _("This PDF is damaged or incomplete: it does not end properly. Save or export it again and re-upload it."),
            code="corrupt",
        )
    if not _PDF_FIRST_OBJECT_RE.match(data):
        # Something else (HTML, a script) between the header and the first object: a polyglot that
        # other programs may read as another kind of file. No PDF writer puts anything there.
        raise _not_a_pdf_error()
    return CleanPdf(content=data, pages=screen_pdf(data))


# --- Messages -----------------------------------------------------------------------------------


def _mb(size: int) -> str:
    return number_format(size / MB, 1)


def _whole_mb(size: int) -> str:
    return number_format(size // MB, 0)


def _too_large_error(size: int | None, limit: int, *, pdf: bool) -> ValidationError:
    params = {"limit": _whole_mb(limit)}
    if size is None:
        message = (
            _("This PDF is larger than the limit of %(limit)s MB.")
            if pdf
            else _("This image is larger than the limit of %(limit)s MB.")
        )
    else:
        params["size"] = _mb(size)
        message = (
            _("This PDF is %(size)s MB; the limit is %(limit)s MB.")
            if pdf
            else _("This image is %(size)s MB; the limit is %(limit)s MB.")
        )
    return ValidationError(message, code="too_large", params=params)


def _corrupt_error() -> ValidationError:
    return ValidationError(
        _("This image is damaged or incomplete and cannot be read. Save it again and re-upload it."),
        code="corrupt",
    )


def _trailing_error() -> ValidationError:
    return ValidationError(
        _(
            "This image has extra data hidden after the end of the picture, so it is refused. "
            "Export it again from an image editor and re-upload it."
        ),
        code="trailing_data",
    )


def _svg_error() -> ValidationError:
    return ValidationError(
        _("SVG files are not accepted, because they can contain scripts. Upload a PNG, JPEG or WebP image instead."),
        code="svg",
    )


def _not_a_pdf_error() -> ValidationError:
    return ValidationError(_("This file is not a PDF, whatever its name says."), code="not_a_pdf")


def _not_allowed_error(allow: tuple[str, ...]) -> ValidationError:
    if "image" in allow and "pdf" in allow:
        message = _("This type of file is not accepted. Upload a JPEG, PNG or WebP image, or a PDF.")
    elif "image" in allow:
        message = _("This type of file is not accepted. Upload a JPEG, PNG or WebP image.")
    else:
        message = _("This type of file is not accepted. Upload a PDF.")
    return ValidationError(message, code="not_allowed_type")
