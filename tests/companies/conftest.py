import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from .pdf_builders import pikepdf_bytes


@pytest.fixture(autouse=True)
def _media_in_tmp(media_in_tmp):
    """Uploaded files of every test here go to the test's own folder."""
    return media_in_tmp


def png_upload(name="work.png", size=(64, 48), color=(30, 120, 200)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf_upload(name="brochure.pdf") -> SimpleUploadedFile:
    # Written by pikepdf: the checks refuse a PDF without a usable cross-reference table as damaged.
    return SimpleUploadedFile(name, pikepdf_bytes(), content_type="application/pdf")
