"""Sign-up, e-mail verification, login, enumeration protection and the failed-login limit."""

import re

import pytest
from django.core import mail

from accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"
LOGIN = "/accounts/login/"


def signup_data(**overrides):
    data = {
        "full_name": "Noor de Vries",
        "email": "noor@studio.example",
        "password1": "a-long-unusual-passphrase",
        "password2": "a-long-unusual-passphrase",
        "accept_terms": "on",
    }
    data.update(overrides)
    return data


def confirmation_path(message) -> str:
    url = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body)
    assert url, message.body
    return url.group(1)


def test_signup_verify_then_login(client):
    response = client.post(SIGNUP, signup_data())
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="noor@studio.example")
    assert user.full_name == "Noor de Vries"
    assert user.terms_version and user.terms_accepted_at

    # Not verified yet: logging in leads to the verification page, not into the portal.
    client.logout()
    response = client.post(LOGIN, {"login": "noor@studio.example", "password": "a-long-unusual-passphrase"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session

    path = confirmation_path(mail.outbox[0])
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response.status_code == 302

    response = client.post(LOGIN, {"login": "noor@studio.example", "password": "a-long-unusual-passphrase"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert "Log out" in client.get("/").content.decode()


def test_signup_requires_terms_and_keeps_what_was_typed(client):
    response = client.post(SIGNUP, signup_data(accept_terms=""))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please accept the terms" in page
    assert 'value="Noor de Vries"' in page
    assert 'value="noor@studio.example"' in page
    assert not User.objects.exists()


def test_signup_with_a_taken_address_looks_like_a_new_one(client):
    UserFactory(email="taken@studio.example")
    new = client.post(SIGNUP, signup_data(email="fresh@studio.example"))
    client.logout()
    taken = client.post(SIGNUP, signup_data(email="taken@studio.example"))
    assert new.status_code == taken.status_code == 302
    assert new["Location"] == taken["Location"]
    assert User.objects.filter(email="taken@studio.example").count() == 1
    # The owner of the taken address is told by e-mail instead.
    assert [m.to for m in mail.outbox] == [["fresh@studio.example"], ["taken@studio.example"]]


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(client):
    UserFactory(email="known@studio.example")
    known = client.post("/accounts/password/reset/", {"email": "known@studio.example"})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@studio.example"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def test_sixth_failed_login_in_a_minute_gets_429(client):
    UserFactory(email="target@studio.example")
    for _attempt in range(5):
        response = client.post(LOGIN, {"login": "target@studio.example", "password": "wrong-password"})
        assert response.status_code == 200
        assert "not correct" in response.content.decode()
    response = client.post(LOGIN, {"login": "target@studio.example", "password": "wrong-password"})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    # Even the right password is refused while the limit holds.
    response = client.post(LOGIN, {"login": "target@studio.example", "password": PASSWORD})
    assert response.status_code == 429


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/confirm-email/not-a-real-key/",
        "/accounts/password/reset/key/1-set-password/",
        "/accounts/password/reset/key/zz-tampered-token/",
    ],
)
def test_bad_verification_and_reset_links_get_a_clear_page(client, path):
    response = client.get(path, follow=True)
    assert response.status_code == 200
    page = response.content.decode().lower()
    assert "invalid" in page or "expired" in page


def test_login_page_is_email_only(client):
    page = client.get(LOGIN).content.decode()
    assert 'type="email"' in page
    assert "username" not in page.lower()
