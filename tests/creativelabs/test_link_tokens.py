"""Signed links carry an id and a hash, never an address: every kind of link the portal e-mails.

A signed token's payload is only base64 (anyone holding the link can read it, and links are
written to access logs), so each kind of token is decoded here and searched for the address.
"""

import json
import zlib

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.contrib.auth.tokens import default_token_generator
from django.core import signing

from companies.models import CompanyInvitation
from companies.services import team_invitation_from_token, team_invitation_token
from creativelabs.tokens import LinkError, make_link_token, read_link_token
from labs.models import RoleInvitation
from labs.services import role_invitation_from_token, role_invitation_token
from opportunities.deals.links import deal_confirmation_token, read_confirmation_token
from opportunities.notifications.preferences import Category, unsubscribe_token, unsubscribe_user
from tests.opportunities.factories import DealFactory

pytestmark = pytest.mark.django_db

INVITEE = "Jana.Visser@Studio-Noord.example"


def signed_payload(token: str) -> str:
    """The readable part of a `django.core.signing.dumps` token, as anyone holding the link sees it."""
    encoded = token.split(":")[0]
    compressed = encoded.startswith(".")
    raw = signing.b64_decode(encoded.removeprefix(".").encode())
    return (zlib.decompress(raw) if compressed else raw).decode()


def assert_no_address(token: str, address: str) -> None:
    for readable in (token, signed_payload(token)):
        assert "@" not in readable
        for part in (address.lower(), address.split("@")[0].lower(), address.split("@")[1].lower()):
            assert part not in readable.lower(), (part, readable)


@pytest.fixture
def role_invitation(admin_user, lab_a):
    return RoleInvitation.objects.create(
        email=INVITEE.lower(), role=RoleInvitation.Role.BUSINESS_DEVELOPER, lab=lab_a, invited_by=admin_user
    )


@pytest.fixture
def team_invitation(company, sme_owner):
    return CompanyInvitation.objects.create(company=company, email=INVITEE.lower(), invited_by=sme_owner)


def test_a_role_invitation_link_names_the_invitation_not_the_address(role_invitation):
    token = role_invitation_token(role_invitation)
    assert_no_address(token, role_invitation.email)
    payload = json.loads(signed_payload(token))
    assert set(payload) == {"id", "h"} and payload["id"] == role_invitation.pk
    assert role_invitation_from_token(token) == role_invitation


def test_a_team_invitation_link_names_the_invitation_not_the_address(team_invitation):
    token = team_invitation_token(team_invitation)
    assert_no_address(token, team_invitation.email)
    assert set(json.loads(signed_payload(token))) == {"id", "h"}
    assert team_invitation_from_token(token) == team_invitation


@pytest.mark.parametrize("category", Category.values)
def test_an_unsubscribe_link_names_the_person_not_the_address(sme_owner, category):
    token = unsubscribe_token(sme_owner, category)
    assert_no_address(token, sme_owner.email)
    assert json.loads(signed_payload(token))["id"] == sme_owner.pk
    assert unsubscribe_user(category, token) == sme_owner


def test_a_deal_confirmation_link_names_the_deal_and_round_only(sme_owner):
    deal = DealFactory(introduction__interest__contact=sme_owner, introduction__interest__submitted_by=sme_owner)
    token = deal_confirmation_token(deal)
    assert_no_address(token, sme_owner.email)
    assert json.loads(signed_payload(token)) == {"deal": deal.pk, "round": deal.confirmation_round}
    assert read_confirmation_token(token) == (deal.pk, deal.confirmation_round)


def test_allauths_own_links_carry_no_address_either(plain_user):
    """Verification and password reset links come from allauth; checked so a setting change can't add one."""
    address = EmailAddress.objects.get(user=plain_user)
    key = EmailConfirmationHMAC(address).key
    assert_no_address(key, plain_user.email)
    assert default_token_generator.make_token(plain_user).count("@") == 0


def test_a_link_dies_when_the_invitation_is_readdressed(role_invitation):
    token = role_invitation_token(role_invitation)
    RoleInvitation.objects.filter(pk=role_invitation.pk).update(email="someone.else@studio-noord.example")
    with pytest.raises(LinkError):
        role_invitation_from_token(token)


def test_a_hash_is_bound_to_its_row_and_value():
    link = read_link_token(make_link_token(salt="t", pk=7, binding="A@B.example"), salt="t", max_age=60)
    assert link.pk == 7
    assert link.is_bound_to("a@b.example") and link.is_bound_to("A@B.EXAMPLE")
    assert not link.is_bound_to("c@b.example")
    # The same hash under another id (were the signature ever forged) names nobody.
    other = read_link_token(signing.dumps({"id": 8, "h": link.binding_hash}, salt="t"), salt="t", max_age=60)
    assert not other.is_bound_to("a@b.example")


@pytest.mark.parametrize(
    "payload",
    [{"id": 7}, {"id": 7, "h": ""}, {"id": 7, "h": 5}, {"id": True, "h": "x"}, {"id": "7", "h": "x"}, [7, "x"]],
)
def test_a_signed_token_of_the_wrong_shape_is_refused(payload):
    with pytest.raises(LinkError):
        read_link_token(signing.dumps(payload, salt="t"), salt="t", max_age=60)


# --- Links sent before the change carried the address; they keep working for their lifetime ------------


def legacy_token(*, salt: str, pk: int, email: str) -> str:
    """A token exactly as the portal made them before: the id and the address in the signed payload."""
    return signing.dumps({"id": pk, "email": email.lower()}, salt=salt)


def test_an_old_unsubscribe_link_still_works_for_its_own_address_only(sme_owner, outsider_sme):
    token = legacy_token(salt="accounts.unsubscribe:status", pk=sme_owner.pk, email=sme_owner.email)
    with pytest.raises(AssertionError):  # the check above would have caught the old format
        assert_no_address(token, sme_owner.email)
    assert unsubscribe_user("status", token) == sme_owner
    stolen = legacy_token(salt="accounts.unsubscribe:status", pk=sme_owner.pk, email=outsider_sme.email)
    with pytest.raises(LinkError):
        unsubscribe_user("status", stolen)


def test_an_old_invitation_link_still_works_until_it_expires(role_invitation, team_invitation, settings):
    role_token = legacy_token(salt="labs.role-invitation", pk=role_invitation.pk, email=role_invitation.email)
    team_token = legacy_token(salt="companies.team-invitation", pk=team_invitation.pk, email=team_invitation.email)
    assert role_invitation_from_token(role_token) == role_invitation
    assert team_invitation_from_token(team_token) == team_invitation
    settings.ROLE_INVITATION_MAX_AGE = settings.TEAM_INVITATION_MAX_AGE = -1  # as if their week had passed
    with pytest.raises(LinkError, match="expired"):
        role_invitation_from_token(role_token)
    with pytest.raises(LinkError, match="expired"):
        team_invitation_from_token(team_token)
