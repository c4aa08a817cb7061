"""The Lab answers expressions of interest: fixed replies, the company told, reminders at day 5 and 7, overdue."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from opportunities.interests.tasks import remind_unanswered_interests
from opportunities.models import Interest, Introduction, Notification, Status
from tests.factories import CompanyFactory

from .factories import InterestFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NOW = datetime.datetime(2030, 3, 11, 9, 30, tzinfo=AMSTERDAM)
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def interest(opportunity, company, sme_owner):
    return InterestFactory(opportunity=opportunity, company=company, submitted_by=sme_owner, contact=sme_owner)


def reply(client, interest, answer, reason=""):
    return client.post(f"/interests/{interest.pk}/reply/", {"reply": answer, "reason": reason})


def messages_of(client, url) -> list[str]:
    return [str(message) for message in client.get(url).context["messages"]]


# --- Replies ----------------------------------------------------------------------------------------------------


def test_the_developer_answers_and_the_company_is_told(
    login, developer_a, sme_owner, sme_colleague, interest, django_capture_on_commit_callbacks
):
    client = login(developer_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = reply(client, interest, "more_info", "Could you send a budget estimate?")
    assert response.status_code == 302 and response.url == f"/interests/{interest.pk}/"
    interest.refresh_from_db()
    assert interest.state == Interest.State.ANSWERED and interest.reply == Interest.Reply.MORE_INFO
    assert interest.replied_by == developer_a and interest.replied_at is not None
    told = Notification.objects.filter(kind="interest_replied_reason")
    assert {n.user for n in told} == {sme_owner, sme_colleague}
    assert "Shortlisted, more information needed" in told[0].message and "budget estimate" in told[0].message
    assert sorted(m.to[0] for m in mail.outbox) == ["colleague@studio.example", "owner@studio.example"]

    # The company always sees the answer and the reason.
    page = login(sme_owner).get(f"/interests/{interest.pk}/").content.decode()
    assert "Shortlisted, more information needed" in page and "Could you send a budget estimate?" in page


def test_not_selected_needs_a_reason(login, developer_a, interest, django_capture_on_commit_callbacks):
    client = login(developer_a)
    response = reply(client, interest, "not_selected", "   ")
    assert "Give the company a reason" in " ".join(messages_of(client, response.url))
    interest.refresh_from_db()
    assert interest.state == Interest.State.SUBMITTED and interest.reply == ""
    assert not Notification.objects.filter(kind__startswith="interest_replied").exists()

    with django_capture_on_commit_callbacks(execute=True):
        reply(client, interest, "not_selected", "The client chose a local studio.")
    interest.refresh_from_db()
    assert interest.reply == Interest.Reply.NOT_SELECTED and interest.reply_reason == "The client chose a local studio."
    assert "The client chose a local studio." in mail.outbox[0].body


@pytest.mark.parametrize("answer", ["introduced", "", "made-up"])
def test_only_the_fixed_replies_are_accepted_here(login, developer_a, interest, answer):
    client = login(developer_a)
    response = reply(client, interest, answer, "Reason.")
    assert response.status_code == 302
    assert messages_of(client, response.url)  # a clear error, never a 500
    interest.refresh_from_db()
    assert interest.reply == "" and interest.state == Interest.State.SUBMITTED


def test_the_opportunity_closed_reply_needs_no_reason(login, developer_a, interest):
    reply(login(developer_a), interest, "closed")
    interest.refresh_from_db()
    assert interest.reply == Interest.Reply.CLOSED and interest.state == Interest.State.ANSWERED


def test_withdrawn_or_introduced_expressions_cannot_be_answered(login, developer_a, interest):
    client = login(developer_a)
    Interest.objects.filter(pk=interest.pk).update(state=Interest.State.WITHDRAWN)
    response = reply(client, interest, "closed")
    assert "withdrawn" in " ".join(messages_of(client, response.url))

    Interest.objects.filter(pk=interest.pk).update(state=Interest.State.SUBMITTED)
    Introduction.objects.create(
        interest=interest, introduced_by=developer_a, client_contact_name="Anna", client_contact_email="a@b.example"
    )
    response = reply(client, interest, "closed")
    assert "introduced" in " ".join(messages_of(client, response.url))
    interest.refresh_from_db()
    assert interest.reply == ""


def test_only_the_labs_developers_and_admins_answer(login, sme_owner, embassy_de, developer_b, admin_user, interest):
    assert reply(login(sme_owner), interest, "closed").status_code == 403
    assert reply(login(embassy_de), interest, "closed").status_code == 403
    assert reply(login(developer_b), interest, "closed").status_code == 404
    interest.refresh_from_db()
    assert interest.reply == ""
    assert reply(login(admin_user), interest, "closed").status_code == 302
    interest.refresh_from_db()
    assert interest.reply == Interest.Reply.CLOSED


# --- Reminders --------------------------------------------------------------------------------------------------


def reminders(day: int) -> list[tuple[str, int]]:
    return sorted(
        (n.user.email, n.opportunity_id)
        for n in Notification.objects.filter(kind=f"interest_reminder_{day}").select_related("user")
    )


def run_task(capture, at):
    with time_machine.travel(at, tick=False), capture(execute=True):
        return remind_unanswered_interests.delay().get()


def test_reminders_at_day_5_and_7_are_sent_once_each(
    lab_a, developer_a, colleague_a, developer_b, opportunity, company, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    with time_machine.travel(NOW, tick=False):
        waiting = InterestFactory(opportunity=opportunity, company=company)
        answered = InterestFactory(
            opportunity=opportunity, company=CompanyFactory(), state=Interest.State.ANSWERED, reply="closed"
        )
    assert answered.reply_due == waiting.reply_due

    assert run_task(capture, NOW + 5 * DAY - HOUR) == 0
    assert reminders(5) == [] and mail.outbox == []

    assert run_task(capture, NOW + 5 * DAY) == 1
    assert run_task(capture, NOW + 5 * DAY) == 0  # the same hour again
    assert run_task(capture, NOW + 5 * DAY + HOUR) == 0  # beat's next run
    expected = [("bd@lab-a.example", opportunity.pk), ("colleague@lab-a.example", opportunity.pk)]
    assert reminders(5) == expected
    assert sorted(m.to[0] for m in mail.outbox) == ["bd@lab-a.example", "colleague@lab-a.example"]
    assert "waits for your answer" in mail.outbox[0].body

    assert run_task(capture, NOW + 7 * DAY - HOUR) == 0
    assert run_task(capture, NOW + 7 * DAY) == 1
    assert run_task(capture, NOW + 7 * DAY) == 0
    assert reminders(7) == expected
    assert len(mail.outbox) == 4 and "is due today" in mail.outbox[-1].body

    assert run_task(capture, NOW + 12 * DAY) == 0
    assert len(mail.outbox) == 4


def test_after_an_outage_only_the_latest_reminder_goes_out(
    developer_a, opportunity, company, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False):
        InterestFactory(opportunity=opportunity, company=company)
    assert run_task(django_capture_on_commit_callbacks, NOW + 7 * DAY + 3 * HOUR) == 1
    assert reminders(5) == [] and len(reminders(7)) == 1


def test_answering_stops_the_reminders_and_a_resubmission_gets_its_own(
    login, developer_a, sme_owner, opportunity, company, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    with time_machine.travel(NOW, tick=False):
        interest = InterestFactory(opportunity=opportunity, company=company)
    run_task(capture, NOW + 5 * DAY)
    with time_machine.travel(NOW + 6 * DAY, tick=False):
        reply(login(developer_a), interest, "more_info")
    assert run_task(capture, NOW + 7 * DAY) == 0

    # Withdrawn and sent again: the clock starts again, with fresh reminders.
    later = NOW + 8 * DAY
    Interest.objects.filter(pk=interest.pk).update(
        state=Interest.State.SUBMITTED, fee_accepted_at=later, reply_due=later + 7 * DAY
    )
    assert run_task(capture, later + 5 * DAY) == 1
    assert len(reminders(5)) == 2  # one per round


# --- The Lab workspace ----------------------------------------------------------------------------------------------


def test_the_lab_workspace_counts_overdue_expressions_and_lists_those_awaiting(
    login, developer_a, lab_a, lab_b, opportunity, company
):
    overdue = InterestFactory(opportunity=opportunity, company=company, reply_due=NOW - DAY)
    with time_machine.travel(NOW - DAY, tick=False):
        InterestFactory(opportunity=opportunity, company=CompanyFactory(name="Fresh Studio"))  # not due yet
    InterestFactory(
        opportunity=opportunity, company=CompanyFactory(), reply_due=NOW - DAY, state=Interest.State.ANSWERED
    )
    InterestFactory(
        opportunity=opportunity, company=CompanyFactory(), reply_due=NOW - DAY, state=Interest.State.WITHDRAWN
    )
    other_lab = OpportunityFactory(lab=lab_b, status=Status.PUBLISHED)
    InterestFactory(opportunity=other_lab, company=CompanyFactory(name="Elsewhere Studio"), reply_due=NOW - DAY)

    with time_machine.travel(NOW, tick=False):
        response = login(developer_a).get("/lab/")
    assert response.context["overdue_count"] == 1 and response.context["awaiting_count"] == 2
    page = response.content.decode()
    assert "1 expression of interest is past its 7-day answer deadline." in page
    assert f"/interests/{overdue.pk}/" in page and "Fresh Studio" in page and "Elsewhere Studio" not in page
    assert page.index("Studio Fietsveilig") < page.index("Fresh Studio")  # most urgent first


def test_the_opportunity_page_lists_the_expressions_for_the_lab(
    login, developer_a, embassy_de, sme_owner, interest, opportunity
):
    for user in (developer_a, embassy_de):
        page = login(user).get(opportunity.get_absolute_url()).content.decode()
        assert "Expressions of interest" in page and f"/interests/{interest.pk}/" in page
    page = login(sme_owner).get(opportunity.get_absolute_url()).content.decode()
    assert 'id="interests-title"' not in page  # a company sees its own standing, not the others'


def test_the_fee_percentage_shown_is_the_accepted_one(login, developer_a, opportunity, company):
    interest = InterestFactory(opportunity=opportunity, company=company, accepted_fee_percentage=Decimal("3.25"))
    opportunity.fee_percentage = Decimal("8")
    opportunity.save()
    assert "3.25%" in login(developer_a).get(f"/interests/{interest.pk}/").content.decode()
