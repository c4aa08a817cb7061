"""Upload safety: types by content, limits, polyglots, re-encoding without metadata, PDFs, never a crash.

Every fixture is built here in code with Pillow or by hand; nothing binary is committed. No database.
"""

import io
import random
import re
import struct
import zlib

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import ExifTags, Image, ImageCms

from companies.uploads import (
    IMAGE_MAX_SIDE_STORED,
    MAX_IMAGE_BYTES,
    MAX_PDF_BYTES,
    SNIFF_BYTES,
    THUMBNAIL_SIZE,
    CleanImage,
    CleanPdf,
    check_quota,
    clean_image,
    clean_pdf,
    clean_upload,
    generated_name,
)

from .pdf_builders import object_stream_pdf, pikepdf_bytes

HTML = b"<html><script>alert(1)</script></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'
KNOWN_CODES = {
    "empty",
    "too_large",
    "too_many_pixels",
    "not_allowed_type",
    "svg",
    "corrupt",
    "trailing_data",
    "pdf_active_content",
    "pdf_encrypted",
    "pdf_too_complex",
    "not_a_pdf",
}


# --- Fixtures built in code ---------------------------------------------------------------------


def image_bytes(fmt: str, size=(64, 48), mode="RGB", color=(200, 30, 60), **params) -> bytes:
    image = Image.new(mode, size, color)
    if mode in ("RGB", "RGBA"):
        # Something other than a flat colour, so thumbnails and re-encoding have work to do.
        for x in range(0, size[0], 7):
            image.putpixel((x, x * size[1] // size[0]), (0, 0, 0, 255) if mode == "RGBA" else (0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def upload(data: bytes, name: str = "upload.bin", content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def refused(function, *args, code: str, **kwargs) -> str:
    with pytest.raises(ValidationError) as caught:
        function(*args, **kwargs)
    assert caught.value.code == code, caught.value.messages
    return caught.value.messages[0]


def png_chunks(data: bytes):
    position = 8
    while position + 12 <= len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        yield position, length
        position += 12 + length


def with_fixed_png_crcs(data: bytes) -> bytes:
    """Recompute every chunk CRC, so that a mutated PNG gets past the CRC check into the decoder."""
    fixed = bytearray(data)
    for position, length in png_chunks(data):
        end = position + 8 + length
        if end + 4 > len(fixed):
            break
        fixed[end : end + 4] = struct.pack(">I", zlib.crc32(fixed[position + 4 : end]))
    return bytes(fixed)


def png_claiming(width: int, height: int) -> bytes:
    """A tiny real PNG whose IHDR claims another size (CRC recomputed); no pixels are ever allocated."""
    data = bytearray(image_bytes("PNG", size=(8, 8)))
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(data[12:29]))
    return bytes(data)


def pdf_bytes(*extra_objects: bytes, catalog_extra: bytes = b"", trailer_extra: bytes = b"") -> bytes:
    """A minimal valid one-page PDF with a correct cross-reference table."""
    content = b"0 0 m 100 100 l S"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        *extra_objects,
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        trailer_extra,
        xref,
    )
    return bytes(out)


def jpeg_with_exif_and_gps(size=(80, 60), orientation=1) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SpyCam"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 22.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (4.0, 53.0, 0.0)
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'
    data = image_bytes("JPEG", size=size, exif=exif, comment=b"secret comment", xmp=xmp)
    source = Image.open(io.BytesIO(data))
    assert source.getexif().get_ifd(ExifTags.IFD.GPSInfo), "fixture must carry GPS tags"
    return data


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def assert_thumbnail_fits(result: CleanImage):
    thumbnail = opened(result.thumbnail)
    assert thumbnail.format == "WEBP"
    assert thumbnail.width <= THUMBNAIL_SIZE[0]
    assert thumbnail.height <= THUMBNAIL_SIZE[1]


# --- Accepted, and cleaned ----------------------------------------------------------------------


def test_jpeg_is_re_encoded_without_exif_gps_xmp_or_comment():
    result = clean_image(upload(jpeg_with_exif_and_gps(), "holiday.jpg", "image/jpeg"))

    assert isinstance(result, CleanImage)
    assert (result.extension, result.content_type) == ("jpg", "image/jpeg")
    stored = opened(result.content)
    assert stored.format == "JPEG"
    assert not stored.getexif()
    for marker in (b"Exif", b"GPS", b"SpyCam", b"secret comment", b"xmpmeta", b"http://ns.adobe.com/xap"):
        assert marker not in result.content
        assert marker not in result.thumbnail
    assert not {"exif", "xmp", "comment", "icc_profile"} & set(stored.info)
    assert (result.width, result.height) == stored.size == (80, 60)
    assert_thumbnail_fits(result)
    assert result.total_bytes == len(result.content) + len(result.thumbnail)


def test_exif_orientation_is_applied_before_the_exif_is_dropped():
    result = clean_image(upload(jpeg_with_exif_and_gps(size=(80, 60), orientation=6)))
    assert (result.width, result.height) == (60, 80)
    assert not opened(result.content).getexif()


def test_png_with_transparency_stays_png_rgba():
    data = image_bytes("PNG", size=(120, 90), mode="RGBA", color=(255, 0, 0, 0))
    result = clean_upload(upload(data, "logo.png", "image/png"))

    assert (result.extension, result.content_type) == ("png", "image/png")
    stored = opened(result.content)
    assert (stored.format, stored.mode) == ("PNG", "RGBA")
    assert stored.getpixel((1, 0))[3] == 0  # still transparent
    thumbnail = opened(result.thumbnail)
    assert thumbnail.mode == "RGBA"  # WebP thumbnails keep transparency too


def test_palette_png_with_transparency_becomes_rgba():
    image = Image.new("P", (40, 40), 0)
    image.putpalette([255, 255, 255, 0, 0, 0] + [0] * 762)
    image.paste(1, (10, 10, 30, 30))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", transparency=0)
    stored = opened(clean_image(upload(buffer.getvalue())).content)
    assert stored.mode == "RGBA"
    assert stored.getpixel((0, 0))[3] == 0
    assert stored.getpixel((20, 20)) == (0, 0, 0, 255)


def test_png_text_chunks_are_dropped():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "Private Person")
    info.add_itxt("Comment", "secret", zip=True)
    result = clean_image(upload(image_bytes("PNG", pnginfo=info)))
    assert b"Private Person" not in result.content
    assert b"tEXt" not in result.content and b"iTXt" not in result.content


def test_sixteen_bit_grey_png_is_scaled_not_clipped():
    stored = opened(clean_image(upload(image_bytes("PNG", size=(16, 16), mode="I;16", color=32768))).content)
    assert stored.mode == "L"
    assert 120 <= stored.getpixel((0, 0)) <= 136


def test_webp_is_accepted():
    result = clean_upload(upload(image_bytes("WEBP", size=(100, 50), quality=90), "work.webp"))
    assert (result.extension, result.content_type) == ("webp", "image/webp")
    assert opened(result.content).format == "WEBP"
    assert (result.width, result.height) == (100, 50)


def test_lossless_webp_with_alpha_is_accepted():
    data = image_bytes("WEBP", size=(30, 20), mode="RGBA", color=(0, 0, 255, 0), lossless=True)
    stored = opened(clean_image(upload(data)).content)
    assert stored.mode == "RGBA"


def test_cmyk_jpeg_becomes_rgb():
    stored = opened(clean_image(upload(image_bytes("JPEG", mode="CMYK", color=(0, 255, 255, 0)))).content)
    assert stored.mode == "RGB"
    red, green, blue = stored.getpixel((3, 3))
    assert red > 200 and green < 60 and blue < 60


def test_icc_profile_is_applied_and_dropped_and_a_broken_one_is_ignored():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    for profile in (srgb, b"not an icc profile at all"):
        for fmt in ("JPEG", "PNG", "WEBP"):
            result = clean_image(upload(image_bytes(fmt, icc_profile=profile)))
            assert "icc_profile" not in opened(result.content).info


def test_large_image_is_downscaled_and_thumbnail_fits():
    result = clean_image(upload(image_bytes("JPEG", size=(3000, 1500))))
    assert (result.width, result.height) == (IMAGE_MAX_SIDE_STORED, IMAGE_MAX_SIDE_STORED // 2)
    assert opened(result.content).size == (IMAGE_MAX_SIDE_STORED, IMAGE_MAX_SIDE_STORED // 2)
    assert_thumbnail_fits(result)
    assert opened(result.thumbnail).size == (480, 240)  # fitted inside, aspect kept, not cropped


def test_small_image_is_not_upscaled_for_its_thumbnail():
    result = clean_image(upload(image_bytes("PNG", size=(40, 30))))
    assert opened(result.thumbnail).size == (40, 30)


def test_animated_images_keep_their_first_frame_only():
    frames = [Image.new("RGB", (32, 32), colour) for colour in ("red", "green", "blue")]
    for fmt in ("PNG", "WEBP"):
        buffer = io.BytesIO()
        frames[0].save(buffer, fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)
        assert getattr(Image.open(io.BytesIO(buffer.getvalue())), "n_frames", 1) == 3
        stored = opened(clean_image(upload(buffer.getvalue())).content)
        assert getattr(stored, "n_frames", 1) == 1
        red, green, blue = stored.convert("RGB").getpixel((16, 16))
        assert red > 200 and green < 60 and blue < 60


def test_multi_picture_jpeg_keeps_the_primary_image():
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(buffer, "MPO", save_all=True, append_images=[Image.new("RGB", (32, 24))])
    result = clean_image(upload(buffer.getvalue()))
    stored = opened(result.content)
    assert (stored.format, stored.size) == ("JPEG", (64, 48))
    assert result.content.count(b"\xff\xd8") == 1


def test_nul_padding_after_the_image_is_tolerated():
    clean_image(upload(image_bytes("PNG") + b"\x00" * 32))


def test_a_valid_pdf_is_accepted_as_it_is():
    data = pdf_bytes()
    result = clean_upload(upload(data, "brochure.pdf", "application/pdf"))
    assert isinstance(result, CleanPdf)
    assert result.content == data
    assert (result.extension, result.content_type, result.as_attachment) == ("pdf", "application/pdf", True)
    assert result.pages == 1
    assert result.total_bytes == len(data)
    assert clean_pdf(upload(data)).content == data


def test_a_pdf_with_an_ordinary_compressed_object_stream_is_accepted():
    data = object_stream_pdf(b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] >>", filter_name="FlateDecode")
    assert isinstance(clean_pdf(upload(data)), CleanPdf)


def test_uploads_are_read_from_the_start_and_plain_file_objects_work():
    data = image_bytes("PNG")
    already_read = upload(data)
    already_read.read()  # e.g. by a form field that sniffed it first
    assert clean_image(already_read).extension == "png"
    assert clean_image(io.BytesIO(data)).extension == "png"  # no .size, no .name


# --- Refused, each with its code and a clear message --------------------------------------------


class FakeHugeUpload:
    """Claims 30 MB; records how much is read, so the size check is shown to come before the read."""

    def __init__(self, head: bytes, size: int):
        self.head = head
        self.size = size
        self.name = "huge.png"
        self.bytes_read = 0

    def read(self, count=-1):
        remaining = self.size - self.bytes_read
        count = remaining if count is None or count < 0 else min(count, remaining)
        chunk = self.head[self.bytes_read : self.bytes_read + count]
        chunk += b"\x00" * (count - len(chunk))
        self.bytes_read += count
        return chunk


def test_a_30_mb_image_is_refused_by_its_size_before_it_is_read():
    fake = FakeHugeUpload(image_bytes("PNG"), size=30 * 1024 * 1024)
    message = refused(clean_upload, fake, code="too_large")
    assert message == "This image is 30.0 MB; the limit is 10 MB."
    assert fake.bytes_read <= SNIFF_BYTES


def test_a_real_30_mb_image_is_refused():
    data = image_bytes("PNG") + b"\x00" * (30 * 1024 * 1024)
    assert "30.0 MB" in refused(clean_image, upload(data, "big.png"), code="too_large")
    # A file object that does not declare its size is cut off by the capped read.
    message = refused(clean_upload, io.BytesIO(data), code="too_large")
    assert "10 MB" in message


def test_the_image_limit_is_inclusive():
    png = image_bytes("PNG")
    clean_image(upload(png + b"\x00" * (MAX_IMAGE_BYTES - len(png))))
    refused(clean_image, upload(png + b"\x00" * (MAX_IMAGE_BYTES - len(png) + 1)), code="too_large")


def pdf_of_size(size: int) -> bytes:
    """A valid PDF of exactly `size` bytes: the padding is an image stream nobody decodes."""

    def padded(length: int) -> bytes:
        image = b"<< /Type /XObject /Subtype /Image /Filter /DCTDecode /Length %d >>\nstream\n%s\nendstream"
        return pdf_bytes(image % (length, b"\x00" * length))

    length = size - len(padded(0))
    while len(padded(length)) != size:  # the digits of /Length and of the offsets grow with it
        length += size - len(padded(length))
    return padded(length)


def test_pdf_size_limit():
    message = refused(clean_pdf, upload(pdf_of_size(MAX_PDF_BYTES + 1)), code="too_large")
    assert message == "This PDF is 20.0 MB; the limit is 20 MB."
    assert clean_pdf(upload(pdf_of_size(MAX_PDF_BYTES))).pages == 1  # exactly 20 MB is fine


def test_a_20000_by_20000_png_is_refused_from_its_header():
    message = refused(clean_upload, upload(png_claiming(20000, 20000), "huge.png"), code="too_many_pixels")
    assert message == "This image is 20000 × 20000 pixels (400.0 megapixels); the limit is 40 megapixels."


def test_too_long_a_side_is_refused_even_under_the_pixel_limit():
    message = refused(clean_image, upload(png_claiming(13000, 10)), code="too_many_pixels")
    assert "13000 × 10" in message and "12000" in message


def test_pillow_decompression_bomb_warning_and_error_become_validation_errors(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    refused(clean_image, upload(image_bytes("PNG", size=(40, 40))), code="too_many_pixels")  # warning range
    refused(clean_image, upload(image_bytes("PNG", size=(100, 100))), code="too_many_pixels")  # error range


def test_an_exe_renamed_to_pdf_is_refused_as_not_a_pdf():
    message = refused(clean_upload, upload(EXE, "brochure.pdf", "application/pdf"), code="not_a_pdf")
    assert "not a PDF" in message
    refused(clean_pdf, upload(EXE, "brochure.pdf"), code="not_a_pdf")
    refused(clean_upload, upload(EXE, "setup.exe"), code="not_allowed_type")
    refused(clean_image, upload(EXE, "photo.jpg", "image/jpeg"), code="not_allowed_type")


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_an_image_with_html_appended_is_refused(fmt):
    message = refused(clean_upload, upload(image_bytes(fmt) + HTML, "photo.png"), code="trailing_data")
    assert "extra data" in message


def test_a_jpeg_followed_by_another_jpeg_without_multi_picture_data_is_refused():
    refused(clean_image, upload(image_bytes("JPEG") + image_bytes("JPEG")), code="trailing_data")


@pytest.mark.parametrize(
    "data",
    [
        SVG,
        b'\xef\xbb\xbf<?xml version="1.0"?>\n<!DOCTYPE svg>\n' + SVG,
        b"  \n<!-- logo -->\n" + SVG.upper(),
        ("\ufeff" + SVG.decode()).encode("utf-16-le"),
    ],
)
def test_svg_is_refused_whatever_its_name(data):
    message = refused(clean_upload, upload(data, "logo.png", "image/png"), code="svg")
    assert "SVG" in message
    refused(clean_image, upload(data, "logo.png"), code="svg")
    refused(clean_pdf, upload(data, "logo.pdf"), code="svg")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_truncated_images_are_refused(fmt):
    data = image_bytes(fmt, size=(200, 150))
    for cut in (len(data) // 2, len(data) - 2, 40):
        refused(clean_image, upload(data[:cut]), code="corrupt")


def test_a_png_with_a_bad_crc_is_refused():
    data = bytearray(image_bytes("PNG"))
    data[40] ^= 0xFF
    refused(clean_image, upload(bytes(data)), code="corrupt")


def test_other_types_are_refused():
    gif = image_bytes("GIF")
    message = refused(clean_upload, upload(gif, "logo.png", "image/png"), code="not_allowed_type")
    assert message == "This type of file is not accepted. Upload a JPEG, PNG or WebP image, or a PDF."
    refused(clean_upload, upload(HTML, "page.jpg"), code="not_allowed_type")
    refused(clean_upload, upload(image_bytes("TIFF")), code="not_allowed_type")
    refused(clean_upload, upload(b"PK\x03\x04" + b"\x00" * 40, "portfolio.pdf"), code="not_a_pdf")


def test_allow_restricts_the_kinds():
    message = refused(clean_upload, upload(pdf_bytes()), allow=("image",), code="not_allowed_type")
    assert message == "This type of file is not accepted. Upload a JPEG, PNG or WebP image."
    refused(clean_image, upload(pdf_bytes(), "logo.png"), code="not_allowed_type")
    message = refused(clean_upload, upload(image_bytes("PNG")), allow=("pdf",), code="not_allowed_type")
    assert message == "This type of file is not accepted. Upload a PDF."
    refused(clean_pdf, upload(image_bytes("PNG"), "brochure.pdf"), code="not_a_pdf")


@pytest.mark.parametrize("function", [clean_upload, clean_image, clean_pdf])
def test_an_empty_file_is_refused(function):
    assert refused(function, upload(b"", "empty.png"), code="empty") == "The file is empty."


@pytest.mark.parametrize(
    "objects, catalog_extra",
    [
        ([b"<< /Type /Action /S /JavaScript /JS (app.alert\\(1\\)) >>"], b"/OpenAction 5 0 R"),
        ([b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>"], b"/OpenAction 5 0 R"),
        ([b"<< /Type /Action /S /Launch /F (cmd.exe) >>"], b"/OpenAction 5 0 R"),
        ([b"<< /EmbeddedFiles << /Names [(a.exe) 6 0 R] >> >>", b"<< /Type /Filespec >>"], b"/Names 5 0 R"),
        ([b"<< /Type /Annot /Subtype /RichMedia >>"], b""),
    ],
)
def test_pdfs_with_active_content_are_refused(objects, catalog_extra):
    data = pdf_bytes(*objects, catalog_extra=catalog_extra)
    message = refused(clean_upload, upload(data, "brochure.pdf"), code="pdf_active_content")
    assert "not accepted" in message


def test_javascript_hidden_in_a_compressed_object_stream_is_found():
    # More filters, and every other action, in tests/companies/test_pdf_screening.py.
    data = object_stream_pdf(
        b"<< /Type /Action /S /JavaScript /JS (app.alert\\(1\\)) >>",
        filter_name="FlateDecode",
        catalog_extra=b"/OpenAction 5 0 R",
    )
    assert b"JavaScript" not in data
    message = refused(clean_pdf, upload(data), code="pdf_active_content")
    assert "JavaScript" in message


def test_names_inside_stream_bodies_are_not_mistaken_for_actions():
    """Binary image or page data holds "/JS " by chance; only object syntax and object streams count."""
    body = random.Random(0).randbytes(1_000_000) + b" /JS (x) /JavaScript /Launch /Encrypt " + bytes(1000)
    image = b"<< /Type /XObject /Subtype /Image /Filter /DCTDecode /Length %d >>\nstream\n%s\nendstream" % (
        len(body),
        body,
    )
    result = clean_pdf(upload(pdf_bytes(image)))
    assert isinstance(result, CleanPdf) and result.pages == 1


def test_a_name_merely_starting_like_an_action_is_not_refused():
    assert isinstance(clean_pdf(upload(pdf_bytes(b"<< /JSON (x) /Launcher (y) >>"))), CleanPdf)


def test_encrypted_and_incomplete_pdfs_are_refused():
    encrypted = pikepdf_bytes(encryption=pikepdf.Encryption(owner="owner", user="user"))
    refused(clean_pdf, upload(encrypted), code="pdf_encrypted")
    # An encryption dictionary qpdf cannot use: no reader can open the file.
    broken = pdf_bytes(b"<< /Filter /Standard /V 2 /R 3 >>", trailer_extra=b"/Encrypt 5 0 R")
    refused(clean_pdf, upload(broken), code="not_a_pdf")
    data = pdf_bytes()
    refused(clean_pdf, upload(data[: len(data) // 2]), code="corrupt")
    refused(clean_pdf, upload(data + b"\n" * 2000), code="corrupt")
    refused(clean_pdf, upload(b"%PDF-x\n" + data[9:]), code="not_a_pdf")
    refused(clean_pdf, upload(b"\n" + data), code="not_a_pdf")  # the header must be at offset 0


def test_nothing_is_saved_to_storage(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("uploads.py must not save anything")

    monkeypatch.setattr(Storage, "save", forbidden)
    clean_upload(upload(image_bytes("JPEG")))
    clean_upload(upload(pdf_bytes()))
    for data in (png_claiming(20000, 20000), EXE, image_bytes("PNG") + HTML, SVG):
        with pytest.raises(ValidationError):
            clean_upload(upload(data))


# --- Names and quota ----------------------------------------------------------------------------


def test_generated_names_are_random_and_ignore_the_user_name():
    names = {generated_name("jpg") for _ in range(1000)}
    assert len(names) == 1000
    for name in names:
        assert re.fullmatch(r"[0-9a-f]{32}\.jpg", name)
        assert "holiday" not in name
    assert generated_name("pdf").endswith(".pdf")
    for bad in ("exe", "../pdf", "html", "jpg/../../x"):
        with pytest.raises(ValueError):
            generated_name(bad)


def test_quota():
    check_quota(used_bytes=100, incoming_bytes=100, quota=200)
    message = refused(check_quota, used_bytes=150 * 1024 * 1024, incoming_bytes=60 * 1024 * 1024, code="quota_exceeded")
    assert "200 MB" in message and "60.0 MB" in message and "150.0 MB" in message


# --- Property: arbitrary bytes never raise anything but a ValidationError ------------------------

FUZZ = settings(
    max_examples=1000,
    deadline=None,
    database=None,  # no .hypothesis/ directory in the project
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

PREFIXES = [
    b"\x89PNG\r\n\x1a\n",
    png_claiming(16, 16)[:33],  # signature and a valid IHDR
    b"\xff\xd8\xff",
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    b"RIFF\x00\x01\x00\x00WEBPVP8 ",
    b"RIFF\x40\x00\x00\x00WEBPVP8L",
    b"RIFF\x40\x00\x00\x00WEBPVP8X",
    b"%PDF-1.7\n",
    b"<svg",
    b"MZ",
]

VALID = {
    "jpeg": image_bytes("JPEG", size=(16, 12)),
    "jpeg_exif": jpeg_with_exif_and_gps(size=(16, 12), orientation=6),
    "progressive_jpeg": image_bytes("JPEG", size=(16, 12), progressive=True),
    "png": image_bytes("PNG", size=(16, 12)),
    "png_rgba": image_bytes("PNG", size=(16, 12), mode="RGBA", color=(1, 2, 3, 4)),
    "webp": image_bytes("WEBP", size=(16, 12)),
    "webp_lossless": image_bytes("WEBP", size=(16, 12), lossless=True),
}
VALID_PDFS = {
    "pdf": pdf_bytes(),
    "pdf_objstm": pikepdf_bytes(),
}
# Every PDF that gets past the header checks starts the inspector's child process (a few tenths of a
# second), so the mutated PDFs get fewer examples than the images; the bytes-only tests above reach the
# PDF header checks as often as before.
PDF_FUZZ = settings(FUZZ, max_examples=60)


def outcome(data: bytes) -> str:
    """Clean the bytes; the only thing allowed out is a result or a ValidationError with a known code."""
    try:
        result = clean_upload(upload(data, "fuzz.pdf"))
    except ValidationError as error:
        assert error.code in KNOWN_CODES
        assert error.messages[0]  # the message renders with its parameters
        return error.code
    assert isinstance(result, CleanImage | CleanPdf)
    if isinstance(result, CleanImage):
        assert opened(result.content).size == (result.width, result.height)
        opened(result.thumbnail)
    return "accepted"


@FUZZ
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_never_raise_anything_but_validation_error(data):
    outcome(data)


@FUZZ
@given(st.sampled_from(PREFIXES), st.binary(max_size=2048))
def test_bytes_behind_valid_magic_numbers_never_raise_anything_but_validation_error(prefix, data):
    outcome(prefix + data)


@FUZZ
@given(
    st.sampled_from(sorted(VALID)),
    st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), max_size=8),
    st.none() | st.integers(min_value=0),
    st.booleans(),
)
def test_mutated_valid_files_never_raise_anything_but_validation_error(kind, replacements, cut, fix_crcs):
    data = mutated(VALID[kind], replacements, cut)
    if fix_crcs and kind.startswith("png"):
        data = with_fixed_png_crcs(data)
    outcome(data)


@PDF_FUZZ
@given(
    st.sampled_from(sorted(VALID_PDFS)),
    st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), max_size=8),
    st.none() | st.integers(min_value=0),
)
def test_mutated_valid_pdfs_never_raise_anything_but_validation_error(kind, replacements, cut):
    outcome(mutated(VALID_PDFS[kind], replacements, cut))


def mutated(original: bytes, replacements, cut) -> bytes:
    data = bytearray(original)
    for position, value in replacements:
        data[position % len(data)] = value
    if cut is not None:
        data = data[: cut % (len(data) + 1)]
    return bytes(data)


def test_the_valid_fuzz_seeds_are_accepted():
    seeds = {**VALID, **VALID_PDFS}
    assert {kind: outcome(data) for kind, data in seeds.items()} == dict.fromkeys(seeds, "accepted")
