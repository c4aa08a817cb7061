"""From expression of interest to a confirmed fee: warm introductions, won deals and their confirmation.

The whole lifecycle runs through the test client; the expression of interest is created directly
(expressing interest has its own tests).
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import NotificationPreference
from opportunities.deals.fees import fee_for
from opportunities.deals.services import DealError, introduce
from opportunities.deals.tasks import send_deal_confirmation_email, send_introduction_emails
from opportunities.models import Deal, Interest, Introduction, Notification, Status, Suggestion, SuggestionAction
from tests.factories import CompanyFactory, MembershipFactory, UserFactory

from .factories import DealFactory, InterestFactory, IntroductionFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

CLIENT_NAME = "Anna Schmidt"
CLIENT_EMAIL = "anna.schmidt@bezirk-mitte.example"
INTRODUCTION = {
    "client_contact_name": CLIENT_NAME,
    "client_contact_email": CLIENT_EMAIL,
    "client_contact_phone": "+49 30 1234567",
    "note": "Anna runs the district's school cycling programme; she expects your call.",
}
COMPANY_SUBJECT = "Introduction to the client"
CLIENT_SUBJECT = "Introduction: Studio Fietsveilig"
CONFIRM_SUBJECT = "Please confirm your deal"
LINK = re.compile(r"/deals/confirm/([^/\s]+)/")


@pytest.fixture
def opportunity(lab_a, developer_a):
    """Here the opportunity's fee is 7.50 %; it stands in for the shared one (tests/conftest.py, 5 %)."""
    return OpportunityFactory(
        lab=lab_a,
        created_by=developer_a,
        status=Status.PUBLISHED,
        title="Safe cycling to school",
        fee_percentage=Decimal("7.50"),
    )


@pytest.fixture
def interest(opportunity, company, sme_owner, sme_colleague):
    return InterestFactory(
        opportunity=opportunity, company=company, submitted_by=sme_owner, contact=sme_owner, contact_phone="+31 6 1234"
    )


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def subjects(outbox=None) -> list[str]:
    return [message.subject for message in (mail.outbox if outbox is None else outbox)]


def sent(subject: str) -> list:
    return [message for message in mail.outbox if message.subject.startswith(subject)]


def link_in(message) -> str:
    match = LINK.search(message.body)
    assert match, message.body
    return f"/deals/confirm/{match.group(1)}/"


def test_the_lifecycle_from_interest_to_a_final_fee(
    interest, opportunity, developer_a, sme_owner, sme_colleague, embassy_de, django_capture_on_commit_callbacks
):
    owner, developer = as_user(sme_owner), as_user(developer_a)

    # Before the introduction nobody has anything to reveal.
    page = owner.get(f"/interests/{interest.pk}/").content.decode()
    assert CLIENT_NAME not in page and CLIENT_EMAIL not in page
    assert "Not introduced yet" in page
    assert "Introduce to the client" in developer.get(f"/interests/{interest.pk}/").content.decode()

    # The opportunity's fee changes after the company accepted 7.50%.
    opportunity.fee_percentage = Decimal("12.00")
    opportunity.save()

    assert developer.get(f"/interests/{interest.pk}/introduce/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = developer.post(f"/interests/{interest.pk}/introduce/", INTRODUCTION)
    assert response.status_code == 302
    assert response["Location"] == f"/interests/{interest.pk}/"
    introduction = Introduction.objects.get(interest=interest)
    assert introduction.introduced_by == developer_a
    interest.refresh_from_db()
    assert (interest.state, interest.reply, interest.replied_by) == ("answered", "introduced", developer_a)

    # Both sides got one e-mail with the other's details; the company's members are told in the portal.
    [to_company] = sent(COMPANY_SUBJECT)
    [to_client] = sent(CLIENT_SUBJECT)
    assert to_company.to == [sme_owner.email]
    assert CLIENT_NAME in to_company.body and CLIENT_EMAIL in to_company.body and "+49 30 1234567" in to_company.body
    assert INTRODUCTION["note"] in to_company.body
    assert to_client.to == [CLIENT_EMAIL]
    assert (
        sme_owner.email in to_client.body and "+31 6 1234" in to_client.body and "Studio Fietsveilig" in to_client.body
    )
    assert INTRODUCTION["note"] in to_client.body
    for message in (to_company, to_client):
        assert message.alternatives and message.alternatives[0][1] == "text/html"
    assert set(Notification.objects.filter(kind="introduced").values_list("user__email", flat=True)) == {
        sme_owner.email,
        sme_colleague.email,
    }

    # A retried or repeated task sends nothing twice.
    before = len(mail.outbox)
    assert send_introduction_emails(introduction.pk) == 0
    send_introduction_emails.delay(introduction.pk)
    assert len(mail.outbox) == before

    # Now the company sees the client's contact, and the Lab and the post see the introduction.
    page = owner.get(f"/interests/{interest.pk}/").content.decode()
    assert CLIENT_NAME in page and CLIENT_EMAIL in page
    for user in (developer_a, embassy_de):
        page = as_user(user).get(f"/opportunities/{opportunity.pk}/").content.decode()
        assert 'id="introductions-title"' in page and CLIENT_EMAIL in page
    assert 'id="introductions-title"' not in owner.get(f"/opportunities/{opportunity.pk}/").content.decode()

    # The deal is won; the fee comes from the accepted 7.50%, not the opportunity's 12%.
    mail.outbox.clear()
    assert developer.get(f"/introductions/{introduction.pk}/outcome/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = developer.post(
            f"/introductions/{introduction.pk}/outcome/",
            {
                "outcome": "won",
                "value": "12345.67",
                "currency": "EUR",
                "closed_on": timezone.localdate().isoformat(),
                "description": "Campaign and cycling game for twelve schools.",
            },
        )
    assert response.status_code == 302
    deal = Deal.objects.get(introduction=introduction)
    assert (deal.value, deal.fee_percentage, deal.fee_amount) == (
        Decimal("12345.67"),
        Decimal("7.50"),
        Decimal("925.93"),  # 925.92525, rounded half-up to cents
    )
    assert (deal.state, deal.recorded_by, deal.confirmation_round) == ("awaiting", developer_a, 1)
    assert deal.confirmation_sent_at is not None

    # The contact and the owners get the link (here one person), once.
    [confirmation] = sent(CONFIRM_SUBJECT)
    assert confirmation.to == [sme_owner.email]
    assert "12,345.67" in confirmation.body and "925.93" in confirmation.body and "7.50%" in confirmation.body
    assert send_deal_confirmation_email(deal.pk, 1) is False
    assert len(sent(CONFIRM_SUBJECT)) == 1
    link = link_in(confirmation)

    # The company confirms through the link: the fee is final.
    page = owner.get(link)
    assert page.status_code == 200
    assert "12,345.67" in page.content.decode() and "925.93" in page.content.decode()
    response = owner.post(link, {"action": "confirm"})
    assert response.status_code == 302
    assert response["Location"] == f"/interests/{interest.pk}/"
    deal.refresh_from_db()
    assert (deal.state, deal.confirmed_by) == ("confirmed", sme_owner)
    assert deal.confirmed_at is not None
    assert Notification.objects.filter(user=developer_a, kind="deal_confirmed").count() == 1

    # Final means final: the link is used up and the deal can't be corrected any more.
    assert owner.get(link).status_code == 400
    response = developer.post(
        f"/introductions/{introduction.pk}/outcome/",
        {"outcome": "won", "value": "99.00", "currency": "EUR", "closed_on": timezone.localdate(), "description": "x"},
    )
    assert response.status_code == 302
    opportunity.fee_percentage = Decimal("20.00")
    opportunity.save()
    deal.refresh_from_db()
    assert (deal.value, deal.fee_percentage, deal.fee_amount) == (
        Decimal("12345.67"),
        Decimal("7.50"),
        Decimal("925.93"),
    )
    assert "Confirmed" in owner.get(f"/interests/{interest.pk}/").content.decode()


def test_several_companies_can_be_introduced_for_one_opportunity(opportunity, interest, developer_a):
    other = CompanyFactory(name="Studio Twee")
    MembershipFactory(company=other)
    second = InterestFactory(opportunity=opportunity, company=other, contact=other.memberships.get().user)
    introduce(interest=interest, user=developer_a, client_contact_name="A", client_contact_email="a@client.example")
    introduce(interest=second, user=developer_a, client_contact_name="B", client_contact_email="b@client.example")
    assert Introduction.objects.filter(interest__opportunity=opportunity).count() == 2


def test_a_company_is_introduced_once(interest, developer_a):
    introduce(interest=interest, user=developer_a, client_contact_name="A", client_contact_email="a@client.example")
    with pytest.raises(DealError, match="already been introduced"):
        introduce(interest=interest, user=developer_a, client_contact_name="B", client_contact_email="b@x.example")
    response = as_user(developer_a).post(f"/interests/{interest.pk}/introduce/", INTRODUCTION)
    assert response.status_code == 302
    assert Introduction.objects.get().client_contact_name == "A"


def test_a_withdrawn_interest_is_not_introduced(interest, developer_a):
    interest.state = Interest.State.WITHDRAWN
    interest.save()
    developer = as_user(developer_a)
    response = developer.get(f"/interests/{interest.pk}/introduce/", follow=True)
    assert "withdrew its expression of interest" in response.content.decode()
    developer.post(f"/interests/{interest.pk}/introduce/", INTRODUCTION)
    with pytest.raises(DealError, match="withdrew"):
        introduce(interest=interest, user=developer_a, client_contact_name="A", client_contact_email="a@x.example")
    assert not Introduction.objects.exists()


def test_introducing_records_the_decision_on_the_suggestion(interest, developer_a):
    """An engine's suggestion is marked introduced; without one, a suggestion is added by hand."""
    introduce(interest=interest, user=developer_a, client_contact_name="A", client_contact_email="a@client.example")
    suggestion = Suggestion.objects.get(opportunity=interest.opportunity, company=interest.company)
    assert (suggestion.source, suggestion.score, suggestion.parts) == ("manual", 0, [])
    assert (suggestion.decision, suggestion.decided_by) == ("introduced", developer_a)
    assert list(SuggestionAction.objects.values_list("action", "actor")) == [("introduced", developer_a.pk)]

    other = InterestFactory(opportunity=interest.opportunity)
    engine = Suggestion.objects.create(
        opportunity=other.opportunity,
        company=other.company,
        score=0.7,
        rank_for_opportunity=1,
        parts=[{"name": "text", "value": 0.7, "detail": ""}],
        engine_version="x",
        computed_at=timezone.now(),
        decision="shortlisted",
    )
    introduce(interest=other, user=developer_a, client_contact_name="B", client_contact_email="b@client.example")
    engine.refresh_from_db()
    assert (engine.source, engine.score, engine.decision) == ("engine", 0.7, "introduced")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("client_contact_name", "", "This field is required"),
        ("client_contact_email", "not-an-address", "Enter a valid email address"),
        ("client_contact_phone", "call me maybe", "phone number with digits"),
        ("note", "x" * 2001, "at most 2000 characters"),
    ],
)
def test_the_introduction_form_refuses_bad_input(interest, developer_a, field, value, message):
    response = as_user(developer_a).post(f"/interests/{interest.pk}/introduce/", {**INTRODUCTION, field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert CLIENT_NAME in response.content.decode() or field == "client_contact_name"  # nothing typed is lost
    assert not Introduction.objects.exists()


def test_introductions_are_for_the_opportunitys_lab(interest, developer_b, embassy_de, sme_owner, admin_user):
    assert as_user(developer_b).get(f"/interests/{interest.pk}/introduce/").status_code == 404
    assert as_user(developer_b).post(f"/interests/{interest.pk}/introduce/", INTRODUCTION).status_code == 404
    assert as_user(embassy_de).post(f"/interests/{interest.pk}/introduce/", INTRODUCTION).status_code == 403
    assert as_user(sme_owner).post(f"/interests/{interest.pk}/introduce/", INTRODUCTION).status_code == 403
    assert Client().post(f"/interests/{interest.pk}/introduce/", INTRODUCTION).status_code == 302
    assert not Introduction.objects.exists()
    with pytest.raises(DealError):
        introduce(interest=interest, user=developer_b, client_contact_name="A", client_contact_email="a@x.example")
    assert as_user(admin_user).post(f"/interests/{interest.pk}/introduce/", INTRODUCTION).status_code == 302
    assert Introduction.objects.get().introduced_by == admin_user


def test_other_labs_and_companies_see_no_introductions(interest, developer_a, developer_b, embassy_cn, outsider_sme):
    introduce(interest=interest, user=developer_a, client_contact_name="A", client_contact_email="a@client.example")
    introduction = Introduction.objects.get()
    for user in (developer_b, embassy_cn, outsider_sme):
        assert as_user(user).get(f"/interests/{interest.pk}/").status_code == 404
    assert as_user(developer_b).get(f"/introductions/{introduction.pk}/outcome/").status_code == 404
    assert as_user(embassy_cn).get(f"/introductions/{introduction.pk}/outcome/").status_code == 403


def test_lost_and_stalled_outcomes(interest, developer_a, sme_owner):
    introduction = IntroductionFactory(interest=interest, introduced_by=developer_a)
    developer = as_user(developer_a)
    url = f"/introductions/{introduction.pk}/outcome/"
    assert developer.post(url, {"outcome": "stalled", "note": "Budget on hold until spring."}).status_code == 302
    introduction.refresh_from_db()
    assert (introduction.outcome, introduction.outcome_note) == ("stalled", "Budget on hold until spring.")
    assert (introduction.outcome_recorded_by, introduction.outcome_recorded_at is not None) == (developer_a, True)
    assert developer.post(url, {"outcome": "lost"}).status_code == 302
    introduction.refresh_from_db()
    assert introduction.outcome == "lost"
    assert not Deal.objects.exists()
    page = as_user(sme_owner).get(f"/interests/{interest.pk}/").content.decode()
    assert "Lost" in page and "Budget on hold" not in page  # the Lab's note stays with the Lab


def test_a_won_introduction_stays_won(interest, developer_a):
    deal = DealFactory(introduction__interest=interest, recorded_by=developer_a)
    response = as_user(developer_a).post(f"/introductions/{deal.introduction.pk}/outcome/", {"outcome": "lost"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    deal.introduction.refresh_from_db()
    assert deal.introduction.outcome == "won"


def test_a_deal_can_be_corrected_before_confirmation(interest, developer_a, django_capture_on_commit_callbacks):
    deal = DealFactory(
        introduction__interest=interest, introduction__introduced_by=developer_a, recorded_by=developer_a
    )
    url = f"/introductions/{deal.introduction.pk}/outcome/"
    page = as_user(developer_a).get(url).content.decode()
    assert 'value="10000.00"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(developer_a).post(
            url,
            {
                "outcome": "won",
                "value": "8000",
                "currency": "USD",
                "closed_on": deal.closed_on.isoformat(),
                "description": "Game only.",
            },
        )
    assert response.status_code == 302
    deal.refresh_from_db()
    assert (deal.value, deal.currency, deal.fee_amount, deal.confirmation_round) == (
        Decimal("8000.00"),
        "USD",
        Decimal("600.00"),
        2,
    )
    assert len(sent(CONFIRM_SUBJECT)) == 1


def test_the_fee_is_rounded_half_up_to_cents():
    assert fee_for(Decimal("0.50"), Decimal("5")) == Decimal("0.03")  # 0.025: half-even would give 0.02
    assert fee_for(Decimal("0.10"), Decimal("5")) == Decimal("0.01")  # 0.005
    assert fee_for(Decimal("0.09"), Decimal("5")) == Decimal("0.00")  # 0.0045
    assert fee_for(Decimal("1000000000.00"), Decimal("25")) == Decimal("250000000.00")
    assert fee_for(Decimal("12345.67"), Decimal("0")) == Decimal("0.00")


def test_introduction_emails_go_to_the_owner_when_the_contact_left(interest, developer_a, sme_owner, sme_colleague):
    interest.contact = sme_colleague
    interest.save()
    sme_colleague.membership.delete()
    introduction = IntroductionFactory(interest=interest, introduced_by=developer_a)
    assert send_introduction_emails(introduction.pk) == 2
    assert sent(COMPANY_SUBJECT)[0].to == [sme_owner.email]
    assert sme_colleague.email not in sent(CLIENT_SUBJECT)[0].body


def test_a_failed_introduction_email_is_sent_on_retry(interest, developer_a, monkeypatch):
    introduction = IntroductionFactory(interest=interest, introduced_by=developer_a)
    calls = []

    def failing_once(name, **kwargs):
        calls.append(name)
        if len(calls) == 2:
            raise OSError("mail server down")
        mail.outbox.append(type("Sent", (), {"subject": name, "to": kwargs["to"]}))

    monkeypatch.setattr("opportunities.deals.emails.send_templated_mail", failing_once)
    with pytest.raises(OSError):
        from opportunities.deals.emails import introduction_send_emails

        introduction_send_emails(introduction_id=introduction.pk)
    assert introduction_send_emails(introduction_id=introduction.pk) == 1  # only the one that failed
    assert calls == ["introduction_company", "introduction_client", "introduction_client"]
    assert Notification.objects.filter(kind="introduction_mailed", user=developer_a).count() == 2


def test_a_deal_confirmation_task_for_a_replaced_round_sends_nothing(interest, developer_a):
    deal = DealFactory(introduction__interest=interest, recorded_by=developer_a, confirmation_round=2)
    assert send_deal_confirmation_email(deal.pk, 1) is False
    assert send_deal_confirmation_email(deal.pk, 2) is True
    assert send_deal_confirmation_email(deal.pk, 2) is False
    assert len(sent(CONFIRM_SUBJECT)) == 1


def test_the_confirmation_goes_to_the_contact_and_the_owners(interest, developer_a, sme_owner, sme_colleague):
    interest.contact = sme_colleague
    interest.save()
    second_owner = MembershipFactory(company=interest.company, user=UserFactory(email="owner2@studio.example")).user
    MembershipFactory(company=interest.company, role="member")  # neither contact nor owner: not asked
    deal = DealFactory(introduction__interest=interest, recorded_by=developer_a)
    assert send_deal_confirmation_email(deal.pk, 1) is True
    messages = sent(CONFIRM_SUBJECT)
    # One message each, with their own one-click unsubscribe.
    assert sorted(message.to[0] for message in messages) == sorted(
        [sme_colleague.email, sme_owner.email, second_owner.email]
    )
    assert all(len(message.to) == 1 and "List-Unsubscribe" in message.extra_headers for message in messages)
    assert len({message.extra_headers["List-Unsubscribe"] for message in messages}) == 3
    # Each is also told in the app, which is the record that it was sent: a rerun sends nothing.
    assert Notification.objects.filter(kind="deal_confirm").count() == 3
    assert send_deal_confirmation_email(deal.pk, 1) is False
    assert len(sent(CONFIRM_SUBJECT)) == 3


def test_a_failed_confirmation_email_is_retried_without_duplicates(interest, developer_a, sme_owner, monkeypatch):
    second_owner = MembershipFactory(company=interest.company, user=UserFactory(email="owner2@studio.example")).user
    deal = DealFactory(introduction__interest=interest, recorded_by=developer_a)
    calls = []

    def failing_second(name, **kwargs):
        calls.append(kwargs["to"])
        if len(calls) == 2:
            raise OSError("mail server down")

    monkeypatch.setattr("opportunities.deals.emails.send_templated_mail", failing_second)
    with pytest.raises(OSError):
        send_deal_confirmation_email(deal.pk, 1)
    assert send_deal_confirmation_email(deal.pk, 1) is True
    # The first person once, the second twice (failed, then sent): nobody got it twice.
    assert calls == [[sme_owner.email], [second_owner.email], [second_owner.email]]


def test_someone_who_turned_status_emails_off_is_told_in_the_app_only(interest, developer_a, sme_owner):
    NotificationPreference.objects.create(user=sme_owner, status_emails=False)
    deal = DealFactory(introduction__interest=interest, recorded_by=developer_a)
    assert send_deal_confirmation_email(deal.pk, 1) is False
    assert sent(CONFIRM_SUBJECT) == []
    assert Notification.objects.filter(user=sme_owner, kind="deal_confirm").exists()
    # "My opportunities" offers the same confirmation page.
    page = as_user(sme_owner).get(reverse("opportunities:my_opportunities")).content.decode()
    path = page[page.index("/deals/confirm/") :].split('"')[0]
    assert as_user(sme_owner).get(path).status_code == 200


def test_deal_dates_and_descriptions(interest, developer_a):
    introduction = IntroductionFactory(interest=interest, introduced_by=developer_a)
    url = f"/introductions/{introduction.pk}/outcome/"
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    cases = [
        ({"closed_on": tomorrow.isoformat()}, "can&#x27;t be in the future"),
        ({"closed_on": "2020-01-01"}, "before the introduction"),
        ({"closed_on": "2024-13-45"}, "Enter the date as YYYY-MM-DD"),
        ({"closed_on": ""}, "Needed for a won deal"),
        ({"description": ""}, "Needed for a won deal"),
    ]
    valid = {
        "outcome": "won",
        "value": "100",
        "currency": "EUR",
        "closed_on": timezone.localdate().isoformat(),
        "description": "A game.",
    }
    for change, message in cases:
        response = as_user(developer_a).post(url, {**valid, **change})
        assert response.status_code == 200, change
        assert message in response.content.decode(), change
    assert not Deal.objects.exists()
    introduction.refresh_from_db()
    assert introduction.outcome == "open"


def test_the_deal_status_partial_for_the_companys_lists(interest, developer_a, django_assert_num_queries):
    """For "my opportunities": the client's contact and the deal, from what the list selected already."""
    from django.template.loader import render_to_string

    DealFactory(introduction__interest=interest, introduction__introduced_by=developer_a, value=Decimal("2000.00"))
    selected = Interest.objects.select_related("introduction__deal").get(pk=interest.pk)
    with django_assert_num_queries(0):
        html = render_to_string("opportunities/_deal_status.html", {"interest": selected})
    assert "anna.schmidt@bezirk-mitte.example" in html and "2,000.00 EUR" in html and "150.00 EUR" in html
    assert "Awaiting the company" in html
    no_introduction = InterestFactory(opportunity=interest.opportunity)
    selected = Interest.objects.select_related("introduction__deal").get(pk=no_introduction.pk)
    assert render_to_string("opportunities/_deal_status.html", {"interest": selected}).strip() == ""
