"""The error pages are the site's own: a form sent without its CSRF token, 400, 403, 404 and 500."""

import pytest
from django.test import Client, RequestFactory
from django.utils import translation

from creativelabs import errors

pytestmark = pytest.mark.django_db

EXPIRED = "The form has expired"
NAVIGATION = 'href="#main"'  # the skip link of base.html: the page has the site's frame


@pytest.fixture
def strict_client():
    return Client(enforce_csrf_checks=True)


def test_a_post_without_its_token_gets_the_sites_page_with_a_way_back(strict_client, sme_owner):
    strict_client.force_login(sme_owner)
    response = strict_client.post("/company/edit/", {"name": "Studio"})
    assert response.status_code == 403
    page = response.content.decode()
    assert EXPIRED in page and NAVIGATION in page
    assert "Forbidden" not in page  # not Django's bare page
    assert response.context["back"] == "/company/edit/"


def test_the_way_back_is_the_page_the_form_was_on_when_it_is_ours(strict_client, sme_owner):
    strict_client.force_login(sme_owner)
    response = strict_client.post(
        "/notifications/read/", {}, headers={"referer": "http://testserver/notifications/?page=2"}
    )
    assert response.status_code == 403
    assert response.context["back"] == "http://testserver/notifications/?page=2"
    assert 'href="http://testserver/notifications/?page=2"' in response.content.decode()


def test_a_way_back_to_another_site_is_never_offered(strict_client):
    response = strict_client.post("/accounts/login/", {}, headers={"referer": "https://evil.example/phish"})
    assert response.status_code == 403
    assert response.context["back"] == "/accounts/login/"
    assert "evil.example" not in response.content.decode()


def test_a_post_with_its_token_goes_through(strict_client, sme_owner):
    strict_client.force_login(sme_owner)
    strict_client.get("/company/edit/")
    token = strict_client.cookies["csrftoken"].value
    response = strict_client.post("/notifications/read/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_the_expired_form_page_is_translated(strict_client):
    strict_client.cookies["django_language"] = "nl"
    response = strict_client.post("/accounts/login/", {})
    assert response.status_code == 403
    assert "Het formulier is verlopen" in response.content.decode()


@pytest.mark.parametrize(
    ("handler", "status", "text"),
    [
        (errors.bad_request, 400, "Something in that request was not right"),
        (errors.permission_denied, 403, "This page is not for your role"),
        (errors.page_not_found, 404, "Page not found"),
    ],
)
def test_the_4xx_pages_are_in_the_sites_frame(handler, status, text, sme_owner):
    request = RequestFactory().get("/somewhere/")
    request.user = sme_owner
    request.session = {}
    with translation.override("en"):  # called directly: no LocaleMiddleware picks the language
        response = handler(request, Exception("x"))
    assert response.status_code == status
    page = response.content.decode()
    assert text in page and NAVIGATION in page


def test_the_500_page_needs_no_request_context(monkeypatch):
    # The database or the session may be what failed: the page renders with neither.
    def no_database(*args, **kwargs):
        raise AssertionError("the 500 page touched the database")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", no_database)
    with translation.override("en"):
        response = errors.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
