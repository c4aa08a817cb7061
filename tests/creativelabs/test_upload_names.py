"""Upload file names of any length: a 1 000-character name is accepted under a shortened display name,
through the real views and Django's real multipart parser, and never reaches a name on disk.

`SimpleUploadedFile` already cuts its name to 255 characters, so these tests post a file object whose
name is as long as the client made it: the test client then sends all of it, as a browser would.
"""

import io

import pytest

from companies.models import Company, PortfolioItem
from companies.services import portfolio_item_create
from creativelabs.files import PART_HEADERS_MAX_BYTES
from tests.companies.conftest import png_upload
from tests.companies.pdf_builders import pikepdf_bytes
from tests.companies.test_registration_and_profile import registration

pytestmark = pytest.mark.django_db


class NamedUpload(io.BytesIO):
    """A file as the test client sends it: `name` (not cut short) and a content type."""

    def __init__(self, data: bytes, name: str, content_type: str):
        super().__init__(data)
        self.name = name
        self.content_type = content_type


def png(name: str) -> NamedUpload:
    return NamedUpload(png_upload().read(), name, "image/png")


@pytest.fixture(params=["in memory", "temporary file"])
def upload_path(request, settings):
    """Both of Django's ways to receive an upload: small ones in memory, large ones in a temporary file."""
    if request.param == "temporary file":
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    return request.param


def test_a_1000_character_file_name_is_accepted_with_a_shortened_name(
    login, sme_owner, company, media_in_tmp, upload_path, django_capture_on_commit_callbacks
):
    item = portfolio_item_create(company=company, data={"title": "Quest", "description": "A game."})
    name = "Portfolio " + "lang " * 198 + ".pdf"
    assert len(name) == 1004
    upload = NamedUpload(pikepdf_bytes(), name, "application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = login(sme_owner).post(f"/company/portfolio/{item.pk}/files/", {"upload": upload})
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = PortfolioItem.objects.get(pk=item.pk).files.get()
    assert stored.original_name.startswith("Portfolio lang lang")
    assert stored.original_name.endswith(".pdf") and len(stored.original_name) == 150
    on_disk = stored.file.name.rsplit("/", 1)[-1]
    assert "lang" not in on_disk and len(on_disk) == len("0123456789abcdef0123456789abcdef.pdf")


def test_a_long_name_of_four_byte_characters_is_accepted(login, sme_owner, company, media_in_tmp):
    # 255 emoji are a valid macOS file name and 1 020 bytes in the request: past Django's own limit.
    item = portfolio_item_create(company=company, data={"title": "Quest", "description": "A game."})
    name = "\N{ARTIST PALETTE}" * 251 + ".png"
    response = login(sme_owner).post(f"/company/portfolio/{item.pk}/files/", {"upload": png(name)})
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = PortfolioItem.objects.get(pk=item.pk).files.get()
    assert stored.original_name.endswith(".png") and len(stored.original_name) == 150


def test_a_long_logo_name_keeps_the_rest_of_the_registration(login, plain_user, media_in_tmp, upload_path):
    data = {**registration(), "logo_upload": png("logo " * 200 + ".png")}
    response = login(plain_user).post("/company/register/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    company = Company.objects.get(kvk_number="12345678")
    assert company.pitch == "Light design for safer streets."
    assert company.logo and "logo" not in company.logo.name.split("/")[-1]


def test_a_name_longer_than_any_file_system_allows_gets_the_sites_400_page_not_a_500(login, sme_owner, company):
    item = portfolio_item_create(company=company, data={"title": "Quest", "description": "A game."})
    upload = png("x" * PART_HEADERS_MAX_BYTES + ".png")
    response = login(sme_owner).post(f"/company/portfolio/{item.pk}/files/", {"upload": upload})
    assert response.status_code == 400
    assert "Something in that request was not right" in response.content.decode()
    assert not PortfolioItem.objects.get(pk=item.pk).files.exists()
