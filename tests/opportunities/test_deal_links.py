"""The signed link a company confirms or disputes a deal with: who may use it, when, and how often."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail, signing
from django.test import Client
from django.utils import timezone

from companies.services import team_invitation_token
from opportunities.deals.links import deal_confirmation_token
from opportunities.models import Deal, Notification, Status
from tests.factories import CompanyFactory, MembershipFactory

from .factories import DealFactory, InterestFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def deal(lab_a, developer_a, company, sme_owner):
    opportunity = OpportunityFactory(lab=lab_a, created_by=developer_a, status=Status.PUBLISHED)
    interest = InterestFactory(opportunity=opportunity, company=company, contact=sme_owner)
    return DealFactory(
        introduction__interest=interest,
        introduction__introduced_by=developer_a,
        recorded_by=developer_a,
        value=Decimal("10000.00"),
    )


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def link(deal: Deal) -> str:
    return f"/deals/confirm/{deal_confirmation_token(deal)}/"


def refused(response, message: str) -> None:
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_member_of_the_company_confirms(deal, sme_colleague, developer_a):
    """Any member may answer, not only the one the e-mail went to."""
    response = as_user(sme_colleague).post(link(deal), {"action": "confirm"})
    assert response.status_code == 302
    deal.refresh_from_db()
    assert (deal.state, deal.confirmed_by) == ("confirmed", sme_colleague)
    [notification] = Notification.objects.filter(kind="deal_confirmed")
    assert notification.user == developer_a
    assert "€10,000.00" in notification.message and "€500.00" in notification.message


def test_visitors_log_in_first(deal):
    url = link(deal)
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    Client().post(url, {"action": "confirm"})
    deal.refresh_from_db()
    assert deal.state == "awaiting"


def test_the_link_expires_after_14_days(deal, sme_owner):
    with time_machine.travel(timezone.now(), tick=False):
        url = link(deal)
    with time_machine.travel(timezone.now() + 13 * DAY, tick=False):
        assert as_user(sme_owner).get(url).status_code == 200
    with time_machine.travel(timezone.now() + 14 * DAY + datetime.timedelta(minutes=1), tick=False):
        refused(as_user(sme_owner).get(url), "This link has expired")
        refused(as_user(sme_owner).post(url, {"action": "confirm"}), "This link has expired")
    deal.refresh_from_db()
    assert deal.state == "awaiting"


def test_a_used_link_is_refused(deal, sme_owner):
    url = link(deal)
    owner = as_user(sme_owner)
    assert owner.post(url, {"action": "confirm"}).status_code == 302
    refused(owner.get(url), "already been confirmed")
    refused(owner.post(url, {"action": "dispute", "note": "Changed my mind."}), "already been confirmed")
    deal.refresh_from_db()
    assert (deal.state, deal.dispute_note) == ("confirmed", "")


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        signing.dumps({"deal": 1, "round": 1}, salt="another.purpose"),
        signing.dumps({"deal": "1", "round": 1}, salt="opportunities.deal-confirmation"),
        signing.dumps(["deal", 1], salt="opportunities.deal-confirmation"),
        "%27%22",  # a NUL in the address is refused before any view (tests/creativelabs/test_hostile_input.py)
    ],
    ids=["garbage", "other salt", "id not a number", "not a dict", "quotes"],
)
def test_a_tampered_link_is_refused(deal, sme_owner, token):
    refused(as_user(sme_owner).get(f"/deals/confirm/{token}/"), "This link is not valid")


def test_a_link_with_an_edited_payload_is_refused(deal, sme_owner):
    token = deal_confirmation_token(deal)
    payload, rest = token.split(":", 1)
    forged = signing.b64_encode(b'{"deal":1,"round":9}').decode()
    refused(as_user(sme_owner).get(f"/deals/confirm/{forged}:{rest}/"), "This link is not valid")
    assert payload != forged


def test_a_team_invitation_token_is_no_deal_link(company, sme_owner):
    from companies.models import CompanyInvitation

    invitation = CompanyInvitation.objects.create(company=company, email="x@studio.example")
    refused(as_user(sme_owner).get(f"/deals/confirm/{team_invitation_token(invitation)}/"), "This link is not valid")


def test_another_companys_member_gets_404(deal, outsider_sme, developer_a, admin_user):
    url = link(deal)
    for user in (outsider_sme, developer_a, admin_user):
        assert as_user(user).get(url).status_code == 404
        assert as_user(user).post(url, {"action": "confirm"}).status_code == 404
    deal.refresh_from_db()
    assert deal.state == "awaiting"


def test_a_link_for_another_deal_does_not_work_for_this_company(deal, lab_a, sme_owner):
    """The link names its deal: one of another company is not found for this company's members."""
    other_company = CompanyFactory(name="Other Studio")
    MembershipFactory(company=other_company)
    other = DealFactory(
        introduction__interest=InterestFactory(
            opportunity=deal.introduction.interest.opportunity, company=other_company
        )
    )
    assert as_user(sme_owner).get(link(other)).status_code == 404
    assert as_user(sme_owner).get(link(deal)).status_code == 200


def test_resending_invalidates_the_old_link(deal, developer_a, sme_owner, django_capture_on_commit_callbacks):
    # A new link at most once a minute (a second click sends none): this round began a while ago.
    Deal.objects.filter(pk=deal.pk).update(updated_at=timezone.now() - datetime.timedelta(minutes=5))
    old = link(deal)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(developer_a).post(f"/deals/{deal.pk}/resend/")
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.confirmation_round == 2
    [message] = mail.outbox
    assert message.to == [sme_owner.email]
    new = message.body[message.body.index("/deals/confirm/") :].split()[0]
    refused(as_user(sme_owner).get(old), "A newer link has been sent")
    refused(as_user(sme_owner).post(old, {"action": "confirm"}), "A newer link has been sent")
    assert as_user(sme_owner).get(new).status_code == 200
    assert as_user(sme_owner).post(new, {"action": "confirm"}).status_code == 302
    deal.refresh_from_db()
    assert deal.state == "confirmed"


def test_resending_is_for_the_lab(deal, developer_b, embassy_de, sme_owner):
    assert as_user(developer_b).post(f"/deals/{deal.pk}/resend/").status_code == 404
    assert as_user(embassy_de).post(f"/deals/{deal.pk}/resend/").status_code == 403
    assert as_user(sme_owner).post(f"/deals/{deal.pk}/resend/").status_code == 403
    assert as_user(developer_b).get(f"/deals/{deal.pk}/resend/").status_code == 405
    deal.refresh_from_db()
    assert deal.confirmation_round == 1


def test_a_confirmed_deal_gets_no_new_link(deal, developer_a, sme_owner):
    as_user(sme_owner).post(link(deal), {"action": "confirm"})
    response = as_user(developer_a).post(f"/deals/{deal.pk}/resend/", follow=True)
    assert "already confirmed this deal" in response.content.decode()
    deal.refresh_from_db()
    assert deal.confirmation_round == 1


def test_a_dispute_needs_a_note(deal, sme_owner):
    response = as_user(sme_owner).post(link(deal), {"action": "dispute", "note": "   "})
    assert response.status_code == 200
    assert "Tell the business developer what is wrong" in response.content.decode()
    deal.refresh_from_db()
    assert deal.state == "awaiting"


def test_a_disputed_deal_is_corrected_and_confirmed(deal, developer_a, sme_owner, django_capture_on_commit_callbacks):
    url = link(deal)
    response = as_user(sme_owner).post(url, {"action": "dispute", "note": "The value was 8,000 EUR, not 10,000."})
    assert response.status_code == 302
    deal.refresh_from_db()
    assert (deal.state, deal.dispute_note) == ("disputed", "The value was 8,000 EUR, not 10,000.")
    assert deal.disputed_at is not None
    [notification] = Notification.objects.filter(kind="deal_disputed")
    assert notification.user == developer_a and "8,000 EUR, not 10,000" in notification.message
    refused(as_user(sme_owner).get(url), "has been disputed")

    # The developer sees the dispute and corrects the value: a new link goes out.
    page = as_user(developer_a).get(f"/interests/{deal.introduction.interest_id}/").content.decode()
    assert "The value was 8,000 EUR, not 10,000." in page
    with django_capture_on_commit_callbacks(execute=True):
        as_user(developer_a).post(
            f"/introductions/{deal.introduction_id}/outcome/",
            {"outcome": "won", "value": "8000", "currency": "EUR", "closed_on": deal.closed_on, "description": "Game."},
        )
    deal.refresh_from_db()
    assert (deal.state, deal.value, deal.fee_amount, deal.confirmation_round) == (
        "awaiting",
        Decimal("8000.00"),
        Decimal("400.00"),
        2,
    )
    refused(as_user(sme_owner).get(url), "A newer link has been sent")
    assert as_user(sme_owner).post(link(deal), {"action": "confirm"}).status_code == 302
    deal.refresh_from_db()
    assert deal.state == "confirmed"


def test_an_unknown_action_is_refused(deal, sme_owner):
    response = as_user(sme_owner).post(link(deal), {"action": "delete"})
    assert response.status_code == 200
    deal.refresh_from_db()
    assert deal.state == "awaiting"
