"""Business developers, embassy staff and admins need TOTP before any page but their account's."""

import pytest

from demo.accounts import totp_code
from tests.factories import PASSWORD, TOTP_SECRET, BusinessDeveloperFactory, UserFactory

pytestmark = pytest.mark.django_db

MFA_REQUIRED = "/accounts/two-factor-required/"


@pytest.fixture
def developer_without_mfa(lab_a):
    return BusinessDeveloperFactory(lab=lab_a, user=UserFactory(email="new-bd@lab-a.example")).user


@pytest.mark.parametrize("path", ["/", "/labs/lab-a/", "/themes/", "/staff/invitations/", "/admin/"])
def test_developer_without_mfa_is_sent_to_set_it_up(login, developer_without_mfa, path):
    client = login(developer_without_mfa)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == MFA_REQUIRED


def test_admin_without_mfa_cannot_open_the_admin(login, db):
    admin = UserFactory(email="fresh-admin@programme.example", is_staff=True, is_superuser=True)
    response = login(admin).get("/admin/")
    assert response["Location"] == MFA_REQUIRED


def test_developer_sets_up_totp_and_then_uses_the_portal(client, developer_without_mfa):
    client.post("/accounts/login/", {"login": developer_without_mfa.email, "password": PASSWORD})
    assert client.get("/labs/lab-a/")["Location"] == MFA_REQUIRED
    assert client.get(MFA_REQUIRED).status_code == 200
    # Adding a second factor is a sensitive change: allauth asks for the password again.
    response = client.get("/accounts/2fa/totp/activate/")
    assert response["Location"].startswith("/accounts/reauthenticate/")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get("/labs/lab-a/").status_code == 200


def test_sme_member_is_not_forced_to_use_mfa(login, sme_owner):
    assert login(sme_owner).get("/").status_code == 200


def test_login_of_a_developer_with_totp_asks_for_the_code(client, developer_a):
    response = client.post("/accounts/login/", {"login": developer_a.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert "_auth_user_id" not in client.session
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(TOTP_SECRET)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(developer_a.pk)
    assert client.get("/labs/lab-a/").status_code == 200


def test_deactivating_totp_requires_reauthentication(client, developer_a):
    client.force_login(developer_a)
    # A forced login has no recent password entry, so allauth asks for it again first.
    response = client.get("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")


def test_staff_cannot_switch_off_their_only_second_factor(client, developer_a):
    from allauth.mfa.models import Authenticator

    client.post("/accounts/login/", {"login": developer_a.email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(TOTP_SECRET)})
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    response = client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 200
    assert Authenticator.objects.filter(user=developer_a, type="totp").exists()


def test_sme_member_may_switch_off_totp(client, sme_owner):
    from allauth.mfa.models import Authenticator

    from tests.factories import give_mfa

    give_mfa(sme_owner)
    client.post("/accounts/login/", {"login": sme_owner.email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(TOTP_SECRET)})
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert client.post("/accounts/2fa/totp/deactivate/").status_code == 302
    assert not Authenticator.objects.filter(user=sme_owner, type="totp").exists()
