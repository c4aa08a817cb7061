"""Login limits that slow an attacker but let the owner in: failed logins and reset requests count per
address *and* client, a password reset always gets the owner back in, the client is found behind
the proxies the settings trust, and every refusal is the site's 429 with Retry-After."""

import re

import pytest
from django.core import mail

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
RESET = "/accounts/password/reset/"
ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"


@pytest.fixture
def owner(db):
    return UserFactory(email="owner@studio.example")


def log_in(client, password, *, ip, email="owner@studio.example", **headers):
    return client.post(LOGIN, {"login": email, "password": password}, REMOTE_ADDR=ip, **headers)


def hammer(client, *, ip, times=5, email="owner@studio.example", **headers):
    for _attempt in range(times):
        response = log_in(client, "wrong-password", ip=ip, email=email, **headers)
        assert response.status_code == 200
        assert "not correct" in response.content.decode()


def test_an_attackers_wrong_passwords_do_not_lock_the_owner_out(client, owner, django_user_model):
    hammer(client, ip=ATTACKER)
    # The attacker's client is stopped, even with the right password...
    refused = log_in(client, PASSWORD, ip=ATTACKER)
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session
    # ...while the owner, from their own client, logs in.
    response = log_in(client, PASSWORD, ip=OWNER)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(owner.pk)


def test_the_owners_own_typos_still_count_on_their_client(client, owner):
    hammer(client, ip=OWNER)
    assert log_in(client, PASSWORD, ip=OWNER).status_code == 429
    assert "_auth_user_id" not in client.session


def test_one_client_is_limited_across_addresses_too(client):
    # "20/m/ip": trying many addresses from one client does not get around the limit.
    for number in range(4):
        UserFactory(email=f"person{number}@studio.example")
        hammer(client, ip=ATTACKER, email=f"person{number}@studio.example")
    UserFactory(email="last@studio.example")
    assert log_in(client, "wrong-password", ip=ATTACKER, email="last@studio.example").status_code == 429


def test_the_refusal_is_the_sites_429_page_with_retry_after(client, owner):
    hammer(client, ip=ATTACKER)
    response = log_in(client, PASSWORD, ip=ATTACKER)
    assert response.status_code == 429
    # The oldest of the five failures leaves the one-minute window within a minute.
    assert 1 <= int(response["Retry-After"]) <= 60
    page = response.content.decode()
    assert "Too many attempts" in page
    assert 'href="/accounts/password/reset/"' in page
    assert "<nav" in page  # the base template's navigation: the site's style, not allauth's bare page


def test_a_password_reset_always_works_from_the_owners_client(client, owner):
    # Someone else guesses passwords and asks for resets of the owner's address until refused...
    hammer(client, ip=ATTACKER)
    for _attempt in range(5):
        assert client.post(RESET, {"email": owner.email}, REMOTE_ADDR=ATTACKER).status_code == 302
    assert client.post(RESET, {"email": owner.email}, REMOTE_ADDR=ATTACKER).status_code == 429
    # ...and the owner, who also mistyped their password until locked, still gets a reset link.
    hammer(client, ip=OWNER)
    assert log_in(client, PASSWORD, ip=OWNER).status_code == 429
    mail.outbox.clear()
    assert client.post(RESET, {"email": owner.email}, REMOTE_ADDR=OWNER).status_code == 302
    assert [message.to for message in mail.outbox] == [[owner.email]]

    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/[^\s]+/)", mail.outbox[0].body).group(1)
    set_password = client.get(link, REMOTE_ADDR=OWNER)
    assert set_password.status_code == 302
    new = "a-brand-new-long-passphrase"
    done = client.post(set_password["Location"], {"password1": new, "password2": new}, REMOTE_ADDR=OWNER)
    assert done.status_code == 302
    # The reset cleared the owner's count on their client: the new password works at once.
    response = log_in(client, new, ip=OWNER)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(owner.pk)
    # The attacker's client stays limited.
    client.logout()
    assert log_in(client, new, ip=ATTACKER).status_code == 429


def test_behind_a_trusted_proxy_visitors_are_counted_apart(client, owner, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    hammer(client, ip=proxy, HTTP_X_FORWARDED_FOR=ATTACKER)
    assert log_in(client, PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR=ATTACKER).status_code == 429
    # The same proxy, another visitor: not limited.
    response = log_in(client, PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR=OWNER)
    assert response.status_code == 302


def test_without_trusted_proxies_a_forged_forwarded_for_changes_nothing(client, owner, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    hammer(client, ip=ATTACKER, HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert log_in(client, PASSWORD, ip=ATTACKER, HTTP_X_FORWARDED_FOR="192.0.2.2").status_code == 429


def test_a_trusted_client_ip_header_names_the_client(client, owner, settings):
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    hammer(client, ip="10.0.0.2", HTTP_X_REAL_IP=ATTACKER)
    assert log_in(client, PASSWORD, ip="10.0.0.2", HTTP_X_REAL_IP=ATTACKER).status_code == 429
    assert log_in(client, PASSWORD, ip="10.0.0.2", HTTP_X_REAL_IP=OWNER).status_code == 302


@pytest.mark.parametrize("forwarded", ["", "not-an-address", ATTACKER])
def test_fewer_forwarded_entries_than_trusted_proxies_is_no_500(client, owner, settings, forwarded):
    # Two proxies trusted, but the request names at most one address: it did not come through both.
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    response = log_in(client, PASSWORD, ip=OWNER, HTTP_X_FORWARDED_FOR=forwarded)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(owner.pk)
