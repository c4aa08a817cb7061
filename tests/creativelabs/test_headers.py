"""Caching and cookie headers: no cache keeps what a logged-in person sees; every cookie says SameSite."""

import pytest
from django.core.files.base import ContentFile
from django.templatetags.static import static

from companies.models import PortfolioFile, PortfolioItem, Visibility
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def cache_directives(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize("url", ["/", "/opportunities/", "/companies/", "/company/", "/accounts/profile/"])
def test_pages_for_a_logged_in_person_are_private_and_not_stored(login, sme_owner, url):
    response = login(sme_owner).get(url)
    assert response.status_code == 200, url
    assert {"private", "no-store"} <= cache_directives(response), url


def test_an_error_page_for_a_logged_in_person_is_not_stored_either(login, sme_owner):
    response = login(sme_owner).get("/opportunities/999999/")
    assert response.status_code == 404
    assert {"private", "no-store"} <= cache_directives(response)


def test_public_pages_for_visitors_are_left_to_the_default(client):
    response = client.get("/opportunities/")
    assert response.status_code == 200
    assert "no-store" not in cache_directives(response)


def test_the_privacy_export_is_never_stored(login, sme_owner):
    response = login(sme_owner).get("/accounts/privacy/export/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert {"private", "no-store"} <= cache_directives(response)


def test_the_deals_csv_is_never_stored(login, developer_a):
    response = login(developer_a).get("/deals/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert {"private", "no-store"} <= cache_directives(response)


def test_a_view_that_chose_its_own_cache_control_keeps_it(login, sme_owner, company, media_in_tmp):
    """Uploaded files are private but cacheable for an hour on purpose (creativelabs/files.py)."""
    item = PortfolioItem.objects.create(company=company, title="Work", description="-", visibility=Visibility.PUBLIC)
    stored = PortfolioFile(item=item, kind=PortfolioFile.Kind.PDF, original_name="w.pdf", size_bytes=15)
    stored.content_type = "application/pdf"
    stored.file.save("w.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    stored.save()
    response = login(sme_owner).get(f"/files/{stored.pk}/")
    assert response.status_code == 200
    assert cache_directives(response) == {"private", "max-age=3600"}


def test_static_files_keep_whitenoise_caching_for_a_logged_in_person(login, sme_owner):
    response = login(sme_owner).get(static("css/portal.css"))
    assert response.status_code == 200
    directives = cache_directives(response)
    assert "no-store" not in directives
    assert any(directive.startswith("max-age=") and directive != "max-age=0" for directive in directives)


def test_every_cookie_the_portal_sets_says_samesite_lax(client, sme_owner):
    """A visit that sets each cookie: CSRF (login page), session and messages (login), language (switch)."""
    responses = [
        client.get("/accounts/login/"),
        client.post("/accounts/login/", {"login": sme_owner.email, "password": PASSWORD}),
        client.post("/i18n/setlang/", {"language": "nl", "next": "/"}),
        client.post("/accounts/logout/"),
    ]
    cookies = {name: morsel for response in responses for name, morsel in response.cookies.items()}
    assert {"csrftoken", "sessionid", "django_language", "messages"} <= set(cookies)
    for name, morsel in cookies.items():
        assert morsel["samesite"] == "Lax", name
    assert cookies["django_language"]["httponly"]
