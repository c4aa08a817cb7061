"""Hostile input that used to reach a 500: control characters in the address or a form, a huge id,
a long file extension, a line break in a name that becomes an e-mail subject. The walk over every URL
is test_url_walk.py."""

import pytest
from django.core import mail

from companies.models import Company, CompanyInvitation, PortfolioItem
from companies.services import portfolio_item_create, team_invitation_create
from creativelabs.mail import send_templated_mail
from tests.companies.conftest import png_upload
from tests.companies.test_registration_and_profile import registration

pytestmark = pytest.mark.django_db

REFUSED = "Something in that request was not right"


@pytest.mark.parametrize(
    "path",
    [
        "/countries/D%00E/",
        "/labs/lab%00a/",
        "/companies/?q=cycling%00",
        "/companies/?q%00=cycling",
        "/opportunities/?q=fiets%0Aen&country=DE",
        "/themes/mobility%1F/",
    ],
)
def test_a_control_character_in_the_address_gets_the_sites_400_page(login, developer_a, path):
    response = login(developer_a).get(path)
    assert response.status_code == 400
    assert REFUSED in response.content.decode()


def test_ordinary_addresses_in_any_script_still_work(client, lab_a):
    assert client.get("/companies/?q=ouderenzorg+%E2%80%94+%E5%85%BB%E8%80%81").status_code == 200
    assert client.get("/opportunities/?q=caf%C3%A9").status_code == 200


def test_an_image_with_a_very_long_extension_is_stored_under_a_name_of_our_own(
    login, sme_owner, company, settings, media_in_tmp, django_capture_on_commit_callbacks
):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload through a temporary file, as large ones are
    item = portfolio_item_create(company=company, data={"title": "Quest", "description": "A game."})
    upload = png_upload("work." + "x" * 300)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(sme_owner).post(f"/company/portfolio/{item.pk}/files/", {"upload": upload})
    assert response.status_code == 302
    stored = PortfolioItem.objects.get(pk=item.pk).files.get()
    assert "xxxx" not in stored.file.name


@pytest.mark.parametrize("name", ["Studio\nStadslicht", "Studio\r\nBcc: all@example.org"])
def test_a_company_name_on_two_lines_is_refused_with_a_field_error(login, plain_user, name):
    response = login(plain_user).post("/company/register/", registration(name=name))
    assert response.status_code in (200, 400)
    assert not Company.objects.exists()
    form = response.context["form"]
    assert "name" in form.errors
    assert form.data["pitch"] == "Light design for safer streets."  # what was typed stays


@pytest.mark.parametrize("value", ["Studio\x00", "Studio\x08", "\x1b[31mred"])
def test_a_control_character_in_a_form_field_gets_the_sites_400_page(login, plain_user, value):
    # A NUL that reached PostgreSQL (a lookup, a row) was a 500; the door refuses it for every form.
    response = login(plain_user).post("/company/register/", registration(name=value))
    assert response.status_code == 400
    assert REFUSED in response.content.decode()
    assert not Company.objects.exists()


def test_a_control_character_in_a_form_fields_name_gets_the_sites_400_page(login, sme_owner):
    response = login(sme_owner).post("/notifications/read/", {"x\x00": "1"})
    assert response.status_code == 400
    assert REFUSED in response.content.decode()


def test_tabs_and_line_breaks_in_a_text_are_still_text(login, plain_user):
    description = "Light design\tfor safer streets.\r\nWith residents."
    response = login(plain_user).post("/company/register/", registration(description=description))
    assert response.status_code == 302
    stored = Company.objects.get().description
    assert "design\tfor" in stored and "streets.\r\nWith" in stored


def test_a_body_that_does_not_parse_gets_the_sites_400_page(login, sme_owner):
    response = login(sme_owner).post(
        "/company/edit/", data=b"--edge\r\nContent-Disposition: form-data", content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert REFUSED in response.content.decode()


def test_a_huge_number_for_a_choice_of_several_is_a_field_error(login, developer_a, lab_a):
    # SQLite's driver refused the 65-bit id outright (OverflowError) before integer `in` left it out.
    response = login(developer_a).post("/opportunities/new/", {"required_disciplines": [str(10**30), str(2**63)]})
    assert response.status_code in (200, 400)
    assert "required_disciplines" in response.context["form"].errors


def test_an_integer_in_leaves_out_what_no_row_can_hold(company):
    assert list(Company.objects.filter(pk__in=[10**30, company.pk])) == [company]
    assert not Company.objects.filter(pk__in=[2**63, -(2**63) - 1]).exists()
    assert list(Company.objects.exclude(pk__in=[10**30])) == [company]


def test_a_name_with_a_line_break_already_stored_still_makes_a_one_line_subject(
    company, sme_owner, django_capture_on_commit_callbacks
):
    # Rows from before the check (or written around the forms) must not stop the e-mail.
    Company.objects.filter(pk=company.pk).update(name="Studio\nFietsveilig")
    company.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        team_invitation_create(company=company, invited_by=sme_owner, email="new@studio.example")
    assert CompanyInvitation.objects.filter(email="new@studio.example").exists()
    assert len(mail.outbox) == 1
    subject = mail.outbox[0].subject
    assert "\n" not in subject and "Studio Fietsveilig" in subject


def test_send_templated_mail_never_puts_a_line_break_in_the_subject(company):
    invitation = CompanyInvitation(company=company, email="x@example.org")
    company.name = "One\r\nTwo"
    send_templated_mail(
        "team_invitation", to=["x@example.org"], context={"invitation": invitation, "accept_url": "http://x/"}
    )
    assert mail.outbox[0].subject.count("\n") == 0


def test_an_upload_name_alone_never_reaches_the_disk(settings, tmp_path):
    from creativelabs.files import SafeTemporaryFileUploadHandler

    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    handler = SafeTemporaryFileUploadHandler()
    handler.new_file("upload", "a." + "y" * 400, "image/png", 10)
    assert handler.file.temporary_file_path().endswith(".upload")
    assert "yyyy" not in handler.file.temporary_file_path()
    handler.file.close()
