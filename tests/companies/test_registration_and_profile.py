"""Registering a company, editing it, and the company page, by role."""

import pytest

from companies.models import Company, Membership
from labs.models import Theme
from tests.factories import CompanyFactory, stored_files

from .conftest import png_upload

pytestmark = pytest.mark.django_db

REGISTER = "/company/register/"


def registration(**overrides):
    data = {
        "name": "Studio Stadslicht",
        "kvk_number": "12345678",
        "website": "stadslicht.example",
        "city": "Eindhoven",
        "size": "1-9",
        "founded_year": "2015",
        "pitch": "Light design for safer streets.",
        "description": "We design public lighting with residents.",
        "disciplines": ["1"],
        "themes": [],
        "target_countries": ["DE", "US"],
        "presence_countries": ["DE"],
        "languages": ["nl", "en"],
        "is_listed": "on",
        "open_to_matching": "on",
    }
    data.update(overrides)
    return data


def test_register_makes_the_user_owner(login, plain_user, _media_in_tmp):
    client = login(plain_user)
    assert client.get(REGISTER).status_code == 200
    response = client.post(REGISTER, {**registration(), "logo_upload": png_upload("logo.png")})
    assert response.status_code == 302, response.content.decode()[:2000]
    company = Company.objects.get(kvk_number="12345678")
    assert company.website == "https://stadslicht.example"
    assert list(company.target_countries) == ["DE", "US"]
    assert Membership.objects.get(user=plain_user).role == "owner"
    assert company.logo.name.startswith("logos/") and "logo" not in company.logo.name.split("/")[-1]
    assert len(stored_files(_media_in_tmp)) == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"kvk_number": "1234"}, "exactly 8 digits"),
        ({"kvk_number": "1234567a"}, "exactly 8 digits"),
        ({"disciplines": []}, "at least one discipline"),
        ({"pitch": "x" * 301}, "at most 300 characters"),
        ({"founded_year": "3000"}, "between 1800 and this year"),
    ],
)
def test_register_refuses_bad_input_and_keeps_what_was_typed(login, plain_user, overrides, message):
    response = login(plain_user).post(REGISTER, registration(**overrides))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'value="Studio Stadslicht"' in page
    assert not Company.objects.exists()


def test_duplicate_kvk_points_to_an_invitation(login, plain_user, company):
    response = login(plain_user).post(REGISTER, registration(kvk_number=company.kvk_number))
    assert "Ask your colleague" in response.content.decode()
    assert Company.objects.count() == 1


def test_bad_logo_is_refused_and_nothing_is_saved(login, plain_user, _media_in_tmp):
    from django.core.files.uploadedfile import SimpleUploadedFile

    svg = SimpleUploadedFile("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "image/png")
    response = login(plain_user).post(REGISTER, {**registration(), "logo_upload": svg})
    assert response.status_code == 200
    assert "SVG" in response.content.decode()
    assert not Company.objects.exists()
    assert stored_files(_media_in_tmp) == []


def test_a_member_cannot_register_a_second_company(login, sme_owner):
    response = login(sme_owner).post(REGISTER, registration(kvk_number="87654321"))
    assert response.status_code == 302
    assert not Company.objects.filter(kvk_number="87654321").exists()


@pytest.mark.parametrize("who", ["developer_a", "embassy_de"])
def test_staff_roles_cannot_register_a_company(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(REGISTER).status_code == 403


def test_register_needs_login(client, db):
    assert client.get(REGISTER)["Location"].startswith("/accounts/login/")


def test_extra_posted_fields_change_nothing(login, plain_user, outsider_sme):
    other = outsider_sme.membership.company
    login(plain_user).post(REGISTER, registration(owner=str(outsider_sme.pk), company=str(other.pk), slug="evil"))
    company = Company.objects.get(kvk_number="12345678")
    assert company.slug == "studio-stadslicht"
    assert Membership.objects.get(user=plain_user).company == company
    assert outsider_sme.membership.company == other


def test_member_edits_profile_but_not_ownership_fields(login, sme_colleague, company):
    data = registration(name="Studio Fietsveilig BV", kvk_number=company.kvk_number, slug="hijack", is_verified="1")
    response = login(sme_colleague).post("/company/edit/", data)
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.name == "Studio Fietsveilig BV"
    assert company.slug == "studio-fietsveilig"


def test_edit_keeps_archived_themes_but_offers_only_active_ones(login, sme_owner, company):
    water = Theme.objects.get(slug="water")
    company.themes.add(water)
    Theme.objects.filter(slug__in=["water", "food"]).update(is_archived=True)
    page = login(sme_owner).get("/company/edit/").content.decode()
    assert "Water" in page
    assert ">Food<" not in page and "> Food</label>" not in page


@pytest.mark.parametrize("who", ["developer_a", "embassy_de", "admin_user", "plain_user"])
def test_edit_is_for_members_only(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/company/edit/").status_code == 403


def test_company_page_visibility(client, login, company, sme_owner, developer_a, outsider_sme):
    CompanyFactory(name="Hidden Studio", slug="hidden-studio", is_listed=False)
    assert client.get(f"/companies/{company.slug}/").status_code == 200
    assert client.get("/companies/hidden-studio/").status_code == 404
    assert login(outsider_sme).get("/companies/hidden-studio/").status_code == 404
    assert login(developer_a).get("/companies/hidden-studio/").status_code == 200
    Company.objects.filter(pk=company.pk).update(is_listed=False)
    assert login(sme_owner).get(f"/companies/{company.slug}/").status_code == 200
    assert login(outsider_sme).get(f"/companies/{company.slug}/").status_code == 404


def test_dashboard_shows_completeness(login, sme_owner):
    page = login(sme_owner).get("/company/").content.decode()
    assert "Profile:" in page
    assert "At least one portfolio item" in page
    assert "Opportunities for you" in page


def test_countries_are_the_focus_countries_as_boxes_and_the_rest_in_a_list(login, plain_user):
    client = login(plain_user)
    page = client.get(REGISTER).content.decode()
    # The focus countries as checkboxes, first; every other country in one list below them.
    assert 'type="checkbox" name="target_countries_focus" value="DE"' in page
    assert 'name="target_countries_other"' in page and '<option value="BE">' in page
    assert 'name="target_countries_focus" value="BE"' not in page
    data = {**registration(), "target_countries_focus": ["CN"], "target_countries_other": ["BE"]}
    del data["target_countries"]
    assert client.post(REGISTER, data).status_code == 302
    company = Company.objects.get(kvk_number="12345678")
    assert sorted(c.code for c in company.target_countries) == ["BE", "CN"]
    # Shown again as chosen on the edit page.
    edit = client.get("/company/edit/").content.decode()
    assert 'value="CN" id="id_target_countries_focus_1" checked' in edit or ('value="CN"' in edit and "checked" in edit)
    assert '<option value="BE" selected>' in edit
    # An unknown code is a field error, nothing else lost.
    response = client.post("/company/edit/", {**registration(), "target_countries_other": ["XX"]})
    assert response.status_code == 200 and "target_countries" in response.context["form"].errors
