"""A TOTP code works once: its time step is recorded in the database, whatever the cache remembers."""

from types import SimpleNamespace

import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache

from accounts.mfa import use_totp_code
from accounts.models import UsedTOTPStep
from demo.accounts import totp_code
from tests.factories import PASSWORD, TOTP_SECRET

pytestmark = pytest.mark.django_db

AUTHENTICATE = "/accounts/2fa/authenticate/"
# Some moment in the middle of a 30-second period, so that nothing moves on during a test.
NOW = 1_900_000_015.0


@pytest.fixture
def frozen_totp_clock(monkeypatch):
    """allauth's TOTP check reads the time through its module's `time`: a clock that stands still."""
    clock = SimpleNamespace(now=NOW)
    monkeypatch.setattr("allauth.mfa.totp.internal.auth.time", SimpleNamespace(time=lambda: clock.now))
    return clock


def two_factor_login(client, user, code):
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response["Location"] == AUTHENTICATE
    return client.post(AUTHENTICATE, {"code": code})


def test_the_same_code_is_refused_the_second_time_even_when_the_cache_forgot_it(client, developer_a, frozen_totp_clock):
    code = totp_code(TOTP_SECRET, at=NOW)
    assert two_factor_login(client, developer_a, code).status_code == 302
    assert client.session["_auth_user_id"] == str(developer_a.pk)
    client.logout()
    # allauth's own record of the used code is in the cache: as after an outage or a restart.
    cache.clear()
    response = two_factor_login(client, developer_a, code)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Incorrect code" in response.content.decode()


def test_the_next_periods_code_works(client, developer_a, frozen_totp_clock):
    assert two_factor_login(client, developer_a, totp_code(TOTP_SECRET, at=NOW)).status_code == 302
    client.logout()
    frozen_totp_clock.now = NOW + 30
    assert two_factor_login(client, developer_a, totp_code(TOTP_SECRET, at=NOW + 30)).status_code == 302
    assert client.session["_auth_user_id"] == str(developer_a.pk)


def test_a_code_is_never_accepted_for_a_step_before_the_last_used_one(developer_a, monkeypatch, frozen_totp_clock):
    monkeypatch.setattr("allauth.mfa.totp.internal.auth.app_settings", SimpleNamespace(TOTP_TOLERANCE=1, **_totp()))
    authenticator = Authenticator.objects.get(user=developer_a, type=Authenticator.Type.TOTP)
    later, earlier = totp_code(TOTP_SECRET, at=NOW + 30), totp_code(TOTP_SECRET, at=NOW)
    assert use_totp_code(authenticator, later)
    # Within the tolerance window, but older than a step already used: refused.
    assert not use_totp_code(authenticator, earlier)
    assert not use_totp_code(authenticator, later)
    assert UsedTOTPStep.objects.get(authenticator=authenticator).step == int(NOW + 30) // 30


def test_a_wrong_code_records_nothing(developer_a, frozen_totp_clock):
    authenticator = Authenticator.objects.get(user=developer_a, type=Authenticator.Type.TOTP)
    assert not use_totp_code(authenticator, "000000" if totp_code(TOTP_SECRET, at=NOW) != "000000" else "111111")
    assert not UsedTOTPStep.objects.exists()


def test_reauthentication_with_a_used_code_is_refused(client, developer_a, frozen_totp_clock):
    code = totp_code(TOTP_SECRET, at=NOW)
    two_factor_login(client, developer_a, code)
    cache.clear()
    response = client.post("/accounts/2fa/reauthenticate/", {"code": code})
    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()


def test_recovery_codes_still_work_once(client, developer_a):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    recovery = RecoveryCodes.activate(developer_a)
    code = recovery.get_unused_codes()[0]
    assert two_factor_login(client, developer_a, code).status_code == 302
    client.logout()
    assert two_factor_login(client, developer_a, code).status_code == 200
    assert "_auth_user_id" not in client.session


def _totp():
    from allauth.mfa import app_settings

    return {"TOTP_PERIOD": app_settings.TOTP_PERIOD, "TOTP_DIGITS": app_settings.TOTP_DIGITS}
