"""The history of a company's profile and portfolio: written by the services and the admin, shown on the company's
page to its members and to programme staff, each portfolio item's only to who may see that item."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from companies.models import Company, Discipline, Visibility
from companies.services import company_update, portfolio_item_create, portfolio_item_update
from creativelabs.history import history_of
from opportunities.models import MatchQueue
from tests.admin_forms import admin_post_data

pytestmark = pytest.mark.django_db


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def changes(entry) -> dict[str, tuple[str, str]]:
    return {change.field: (change.old, change.new) for change in entry.changes}


def profile(company: Company, **overrides) -> dict:
    data = {
        "name": company.name,
        "city": company.city,
        "disciplines": list(company.disciplines.all()),
        "themes": list(company.themes.all()),
    }
    data.update(overrides)
    return data


def test_a_profile_edit_records_every_field_that_changed(company):
    games = Discipline.objects.get(slug="games")
    company_update(company=company, data=profile(company, city="Utrecht", size="10-49", disciplines=[games]))
    entry = history_of(company)[-1]
    assert entry.action == "changed"
    assert changes(entry) == {
        "city": ("Rotterdam", "Utrecht"),
        "size": ("1–9 people", "10–49 people"),
        "disciplines": ("—", str(games)),
    }


def test_members_and_staff_see_the_history_visitors_and_other_companies_do_not(
    company, sme_owner, sme_colleague, developer_a, embassy_de, outsider_sme, client
):
    response = as_user(sme_owner).post("/company/edit/", {**profile_form(company), "city": "Utrecht"})
    assert response.status_code == 302, response.content.decode()[:2000]
    for reader in (sme_owner, sme_colleague, developer_a, embassy_de):
        page = as_user(reader).get(company.get_absolute_url()).content.decode()
        assert "City: Rotterdam → Utrecht" in page, reader
        assert f"Profile: Changed by {sme_owner}" in page
    for outsider in (outsider_sme, None):
        response = (as_user(outsider) if outsider else client).get(company.get_absolute_url())
        assert response.status_code == 200 and response.context["history"] == []
        assert "Rotterdam →" not in response.content.decode()


def profile_form(company: Company) -> dict:
    return {
        "name": company.name,
        "kvk_number": company.kvk_number,
        "city": company.city,
        "size": company.size,
        "pitch": company.pitch,
        "disciplines": [Discipline.objects.get(slug="games").pk],
        "open_to_matching": "on",
        "is_listed": "on",
        "presence_countries": ["DE"],
    }


def test_a_portfolio_items_history_is_shown_to_who_may_see_the_item(company, sme_owner, developer_a):
    public = portfolio_item_create(company=company, data={"title": "Quest", "description": "A game."})
    private = portfolio_item_create(
        company=company, data={"title": "Secret", "description": "For us.", "visibility": Visibility.PRIVATE}
    )
    portfolio_item_update(item=public, data={"title": "Quest", "description": "A game.", "year": 2024})
    portfolio_item_update(
        item=private, data={"title": "Secret", "description": "Still ours.", "visibility": Visibility.PRIVATE}
    )

    member = as_user(sme_owner).get(company.get_absolute_url())
    staff = as_user(developer_a).get(company.get_absolute_url())
    assert {entry.subject for entry in member.context["history"]} == {"Profile", "Quest", "Secret"}
    assert {entry.subject for entry in staff.context["history"]} == {"Profile", "Quest"}
    assert "Year: — → 2024" in staff.content.decode()
    assert "Still ours." not in staff.content.decode()
    assert "Description: For us. → Still ours." in member.content.decode()


def test_an_admin_edit_goes_through_the_profile_service(company, admin_user):
    client = as_user(admin_user)
    url = f"/admin/companies/company/{company.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    MatchQueue.objects.all().delete()
    data = admin_post_data(page, city="Utrecht", disciplines=[str(Discipline.objects.get(slug="games").pk)])
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""

    company.refresh_from_db()
    assert company.city == "Utrecht" and [d.slug for d in company.disciplines.all()] == ["games"]
    assert MatchQueue.objects.filter(kind="company", object_id=company.pk).exists()  # recompute queued
    entry = history_of(company)[-1]
    assert entry.who == str(admin_user)
    assert changes(entry) == {"city": ("Rotterdam", "Utrecht"), "disciplines": ("—", "Games")}
    assert client.get(f"/admin/companies/company/{company.pk}/history/").status_code == 200


def test_the_admin_removes_a_logo_but_cannot_upload_one_around_the_checks(
    company, admin_user, media_in_tmp, django_capture_on_commit_callbacks
):
    Company.objects.filter(pk=company.pk).update(logo="logos/old.png")
    client = as_user(admin_user)
    url = f"/admin/companies/company/{company.pk}/change/"
    games = str(Discipline.objects.get(slug="games").pk)
    svg = SimpleUploadedFile("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    assert client.post(url, admin_post_data(client.get(url), disciplines=[games], logo=svg)).status_code == 302
    company.refresh_from_db()
    assert company.logo.name == "logos/old.png"  # the upload was not even read

    with django_capture_on_commit_callbacks(execute=True):
        data = admin_post_data(client.get(url), disciplines=[games], remove_logo="on")
        assert client.post(url, data).status_code == 302
    company.refresh_from_db()
    assert not company.logo
    assert changes(history_of(company)[-1])["logo"] == ("old.png", "—")
    assert client.get("/admin/companies/company/add/").status_code == 403
