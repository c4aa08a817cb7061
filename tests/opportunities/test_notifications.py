"""Who is told what, in the app and by e-mail: review steps, deadline reminders, and a mail server that fails."""

import datetime
import logging
import smtplib
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from opportunities.models import Notification, Opportunity, Status
from opportunities.notifications.emails import send_notification_email, send_unsent_notification_emails
from opportunities.workflow.services import opportunity_transition
from opportunities.workflow.tasks import expire_and_remind
from tests.factories import EmbassyStaffFactory, PostFactory, UserFactory

from .factories import OpportunityFactory

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NOW = datetime.datetime(2030, 3, 11, 7, 0, tzinfo=AMSTERDAM)
TODAY = NOW.date()
DAY = datetime.timedelta(days=1)
REASON = "Please name the district and the budget."
LOCMEM_SEND = "django.core.mail.backends.locmem.EmailBackend.send_messages"
KIND = {"send_back": "sent_back", "reject": "rejected", "publish": "published"}


@pytest.fixture
def submitted(lab_a, developer_a, colleague_a):
    return OpportunityFactory(
        lab=lab_a,
        created_by=developer_a,
        status=Status.SUBMITTED,
        title="Safe cycling to school",
        contacts=[developer_a.business_developer, colleague_a.business_developer],
    )


def take(capture, opportunity, user, name, note=""):
    with capture(execute=True):
        return opportunity_transition(opportunity=opportunity, user=user, name=name, note=note)


def recipients() -> list[list[str]]:
    return sorted(message.to for message in mail.outbox)


def parts(message) -> tuple[str, str]:
    """The text body and the one HTML alternative of an e-mail."""
    assert len(message.alternatives) == 1
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    return message.body, html


# --- Review steps --------------------------------------------------------------------------------------------------


def test_submitting_tells_the_embassy_staff_of_the_opportunitys_country_only(
    django_capture_on_commit_callbacks, lab_a, developer_a, embassy_de, embassy_cn, germany
):
    consulate = PostFactory(country=germany, kind="consulate", city="Munich", name="Consulate in Munich")
    consul = EmbassyStaffFactory(post=consulate, user=UserFactory(email="staff@consulate-de.example")).user
    EmbassyStaffFactory(post=consulate, user=UserFactory(email="gone@consulate-de.example", is_active=False))
    draft = OpportunityFactory(lab=lab_a, created_by=developer_a, title="Safe cycling to school")

    take(django_capture_on_commit_callbacks, draft, developer_a, "submit")

    notifications = Notification.objects.order_by("user__email")
    assert [(n.user, n.kind, n.opportunity) for n in notifications] == [
        (consul, "submitted", draft),
        (embassy_de, "submitted", draft),
    ]
    assert all(n.message == "“Safe cycling to school” was submitted for review." for n in notifications)
    assert recipients() == [["staff@consulate-de.example"], ["staff@embassy-de.example"]]
    assert all(n.emailed_at is not None for n in notifications)
    assert not Notification.objects.filter(user=embassy_cn).exists()


def test_embassy_staff_who_submit_their_own_draft_are_not_told_about_it(
    django_capture_on_commit_callbacks, lab_a, embassy_de, germany
):
    colleague = EmbassyStaffFactory(
        post=embassy_de.embassy_staff.post, user=UserFactory(email="colleague@embassy-de.example")
    ).user
    draft = OpportunityFactory(lab=lab_a, created_by=embassy_de)
    take(django_capture_on_commit_callbacks, draft, embassy_de, "submit")
    assert list(Notification.objects.values_list("user", flat=True)) == [colleague.pk]
    assert recipients() == [["colleague@embassy-de.example"]]


def test_a_chinese_submission_goes_to_the_chinese_embassy(
    django_capture_on_commit_callbacks, lab_b, developer_b, embassy_de, embassy_cn
):
    draft = OpportunityFactory(lab=lab_b, created_by=developer_b)
    take(django_capture_on_commit_callbacks, draft, developer_b, "submit")
    assert list(Notification.objects.values_list("user", flat=True)) == [embassy_cn.pk]
    assert recipients() == [["staff@embassy-cn.example"]]


@pytest.mark.parametrize(
    ("name", "note", "expected"),
    [
        ("send_back", REASON, f"“Safe cycling to school” was sent back: {REASON}"),
        ("reject", REASON, f"“Safe cycling to school” was rejected: {REASON}"),
        ("publish", "", "“Safe cycling to school” is published."),
    ],
)
def test_review_steps_tell_the_authors_with_the_reason(
    django_capture_on_commit_callbacks, submitted, developer_a, colleague_a, embassy_de, name, note, expected
):
    take(django_capture_on_commit_callbacks, submitted, embassy_de, name, note)

    notifications = Notification.objects.order_by("user__email")
    assert [(n.user, n.kind, n.message) for n in notifications] == [
        (developer_a, KIND[name], expected),
        (colleague_a, KIND[name], expected),
    ]
    assert recipients() == [["bd@lab-a.example"], ["colleague@lab-a.example"]]
    for message in mail.outbox:
        text, html = parts(message)
        assert "Safe cycling to school" in message.subject
        assert expected in text
        assert expected in html
        assert f"/opportunities/{submitted.pk}/" in text
        assert f"/opportunities/{submitted.pk}/" in html
    assert not Notification.objects.filter(user=embassy_de).exists()


def test_the_author_is_told_in_their_own_language(django_capture_on_commit_callbacks, submitted, embassy_de):
    author = submitted.created_by
    author.preferred_language = "nl"
    author.save()
    take(django_capture_on_commit_callbacks, submitted, embassy_de, "send_back", "Noem de wijk.")
    assert Notification.objects.get(user=author).message == "‘Safe cycling to school’ is teruggestuurd: Noem de wijk."


def test_the_person_who_acted_is_not_told_about_it(django_capture_on_commit_callbacks, submitted, admin_user):
    submitted.contacts.clear()
    submitted.created_by = admin_user
    submitted.save()
    take(django_capture_on_commit_callbacks, submitted, admin_user, "publish")
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_inactive_authors_are_not_told(django_capture_on_commit_callbacks, submitted, colleague_a, embassy_de):
    colleague_a.is_active = False
    colleague_a.save()
    take(django_capture_on_commit_callbacks, submitted, embassy_de, "publish")
    assert recipients() == [["bd@lab-a.example"]]


@pytest.mark.parametrize("name", ["withdraw", "close_won", "close_not_won"])
def test_the_authors_own_steps_notify_nobody(django_capture_on_commit_callbacks, lab_a, developer_a, embassy_de, name):
    opportunity = OpportunityFactory(lab=lab_a, created_by=developer_a, status=Status.PUBLISHED)
    take(django_capture_on_commit_callbacks, opportunity, developer_a, name, note="The client chose a studio directly.")
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_nothing_is_mailed_before_the_transaction_commits(django_capture_on_commit_callbacks, submitted, embassy_de):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        opportunity_transition(opportunity=submitted, user=embassy_de, name="publish")
    assert Notification.objects.count() == 2
    assert mail.outbox == []
    for callback in callbacks:  # the commit
        callback()
    assert recipients() == [["bd@lab-a.example"], ["colleague@lab-a.example"]]


# --- Sending the e-mail --------------------------------------------------------------------------------------------


def test_sending_the_same_notification_twice_sends_one_email(developer_a, submitted):
    notification = Notification.objects.create(
        user=developer_a, kind="published", opportunity=submitted, message="“Safe cycling to school” is published."
    )
    with time_machine.travel(NOW, tick=False):
        send_notification_email(notification.pk)
    send_notification_email(notification.pk)
    send_notification_email.delay(notification.pk)

    assert len(mail.outbox) == 1
    text, html = parts(mail.outbox[0])
    assert mail.outbox[0].to == ["bd@lab-a.example"]
    assert "is published." in text
    assert "is published." in html
    notification.refresh_from_db()
    assert notification.emailed_at == NOW


def test_a_notification_that_is_gone_sends_nothing(db):
    send_notification_email(123456)
    assert mail.outbox == []


def test_a_failing_mail_server_does_not_fail_the_review(
    django_capture_on_commit_callbacks, submitted, developer_a, colleague_a, embassy_de, caplog
):
    failure = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    with (
        mock.patch(LOCMEM_SEND, side_effect=failure) as send,
        caplog.at_level(logging.ERROR, logger="creativelabs.celery"),
    ):
        result = take(django_capture_on_commit_callbacks, submitted, embassy_de, "send_back", REASON)

    # the request goes on: the step is saved and told about in the app ...
    assert result.status == Status.DRAFT
    assert Opportunity.objects.get(pk=submitted.pk).status == Status.DRAFT
    assert submitted.events.get().action == "sent_back"
    notifications = list(Notification.objects.order_by("user__email"))
    assert [n.user for n in notifications] == [developer_a, colleague_a]
    # ... each e-mail was tried; the failure was logged, and the rows wait for the sweeper
    assert send.call_count >= len(notifications)
    assert "Could not enqueue opportunities.tasks.send_notification_email" in caplog.text
    assert all(n.emailed_at is None for n in notifications)
    assert mail.outbox == []

    # once the server is back, the sweeper sends each of them, once
    with time_machine.travel(datetime.datetime.now(tz=AMSTERDAM) + datetime.timedelta(minutes=11)):
        assert send_unsent_notification_emails() == 2
        assert send_unsent_notification_emails() == 0
    assert recipients() == [["bd@lab-a.example"], ["colleague@lab-a.example"]]
    assert not Notification.objects.filter(emailed_at=None).exists()


@pytest.mark.usefixtures("eager_retries")
def test_a_mail_server_that_recovers_during_the_retries_sends_once(
    django_capture_on_commit_callbacks, submitted, embassy_de
):
    from django.core.mail.backends.locmem import EmailBackend

    real_send = EmailBackend.send_messages
    calls = []

    def flaky(self, messages):
        calls.append(messages)
        if len(calls) % 2:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(self, messages)

    with mock.patch(LOCMEM_SEND, flaky):
        take(django_capture_on_commit_callbacks, submitted, embassy_de, "publish")

    assert recipients() == [["bd@lab-a.example"], ["colleague@lab-a.example"]]
    assert not Notification.objects.filter(emailed_at=None).exists()


@pytest.mark.usefixtures("eager_retries")
def test_a_mail_server_that_stays_down_is_retried_a_bounded_number_of_times(developer_a, submitted):
    notification = Notification.objects.create(user=developer_a, kind="x", opportunity=submitted, message="Hello")
    failure = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    with mock.patch(LOCMEM_SEND, side_effect=failure) as send:
        send_notification_email.delay(notification.pk)
    assert send.call_count == send_notification_email.max_retries + 1
    notification.refresh_from_db()
    assert notification.emailed_at is None


def test_the_plain_text_parts_are_not_html_escaped(django_capture_on_commit_callbacks, submitted, embassy_de):
    Opportunity.objects.filter(pk=submitted.pk).update(title="Bikes & schools")
    take(django_capture_on_commit_callbacks, submitted, embassy_de, "send_back", "Budget <and> client's name?")
    message = mail.outbox[0]
    text, html = parts(message)
    assert "“Bikes & schools” was sent back: Budget <and> client's name?" in text
    assert "Bikes & schools" in message.subject
    assert "Bikes &amp; schools" in html  # only the HTML part is escaped
    assert "&lt;and&gt;" in html


# --- Deadline reminders --------------------------------------------------------------------------------------------


def published(lab, days_left, **fields):
    return OpportunityFactory(lab=lab, status=Status.PUBLISHED, deadline=TODAY + days_left * DAY, **fields)


def run_daily_task(capture, when=NOW):
    with time_machine.travel(when, tick=False), capture(execute=True):
        return expire_and_remind()


@pytest.mark.parametrize("days", [7, 1])
def test_reminders_go_to_the_authors_a_week_and_a_day_before_the_deadline(
    django_capture_on_commit_callbacks, lab_a, developer_a, colleague_a, days
):
    opportunity = published(
        lab_a,
        days,
        created_by=developer_a,
        title="Safe cycling to school",
        contacts=[developer_a.business_developer, colleague_a.business_developer],
    )

    result = run_daily_task(django_capture_on_commit_callbacks)

    assert result["reminded"] == 1
    notifications = Notification.objects.order_by("user__email")
    assert [(n.user, n.kind, n.opportunity) for n in notifications] == [
        (developer_a, "reminder", opportunity),
        (colleague_a, "reminder", opportunity),
    ]
    deadline = opportunity.deadline
    in_days = "in 1 day," if days == 1 else f"in {days} days,"
    for notification in notifications:
        assert "Safe cycling to school" in notification.message
        assert in_days in notification.message
        assert f"{deadline.day} {deadline:%B} {deadline.year}" in notification.message
    assert recipients() == [["bd@lab-a.example"], ["colleague@lab-a.example"]]
    for message in mail.outbox:
        text, html = parts(message)
        assert in_days in text
        assert in_days in html


def test_no_reminders_on_other_days_or_for_unpublished_opportunities(
    django_capture_on_commit_callbacks, lab_a, developer_a
):
    for days in (0, 2, 3, 6, 8, 30):
        published(lab_a, days, created_by=developer_a)
    for status in (Status.DRAFT, Status.SUBMITTED, Status.WITHDRAWN):
        OpportunityFactory(lab=lab_a, created_by=developer_a, status=status, deadline=TODAY + 7 * DAY)

    assert run_daily_task(django_capture_on_commit_callbacks) == {"expired": 0, "reminded": 0}
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_running_the_task_again_the_same_day_sends_no_second_reminder(
    django_capture_on_commit_callbacks, lab_a, developer_a, colleague_a
):
    published(
        lab_a, 7, created_by=developer_a, contacts=[developer_a.business_developer, colleague_a.business_developer]
    )
    run_daily_task(django_capture_on_commit_callbacks)
    assert Notification.objects.count() == len(mail.outbox) == 2

    for hours in (0, 1, 13):
        result = run_daily_task(django_capture_on_commit_callbacks, NOW + datetime.timedelta(hours=hours))
        assert result == {"expired": 0, "reminded": 0}
    assert Notification.objects.count() == len(mail.outbox) == 2


def test_a_deadline_from_reminders_to_expiry(django_capture_on_commit_callbacks, lab_a, developer_a):
    opportunity = published(lab_a, 7, created_by=developer_a)
    outcomes = {}
    for offset in range(0, 9):
        outcomes[offset] = run_daily_task(django_capture_on_commit_callbacks, NOW + offset * DAY)

    assert {offset: result for offset, result in outcomes.items() if any(result.values())} == {
        0: {"expired": 0, "reminded": 1},  # a week before
        6: {"expired": 0, "reminded": 1},  # the day before
        8: {"expired": 1, "reminded": 0},  # the day after the deadline
    }
    assert [m.message for m in Notification.objects.order_by("created_at")] == [
        f"“{opportunity.title}” closes for expressions of interest in 7 days, on 18 March 2030.",
        f"“{opportunity.title}” closes for expressions of interest in 1 day, on 18 March 2030.",
    ]
    assert len(mail.outbox) == 2
    assert Opportunity.objects.get(pk=opportunity.pk).status == Status.EXPIRED


def test_a_moved_deadline_is_reminded_again(django_capture_on_commit_callbacks, lab_a, developer_a):
    opportunity = published(lab_a, 7, created_by=developer_a)
    run_daily_task(django_capture_on_commit_callbacks)
    Opportunity.objects.filter(pk=opportunity.pk).update(deadline=TODAY + 14 * DAY)
    run_daily_task(django_capture_on_commit_callbacks, NOW + 7 * DAY)
    assert Notification.objects.count() == len(mail.outbox) == 2


def test_a_dutch_author_gets_the_reminder_in_dutch_with_a_dutch_date(
    django_capture_on_commit_callbacks, lab_a, developer_a
):
    developer_a.preferred_language = "nl"
    developer_a.save()
    published(lab_a, 7, created_by=developer_a, title="Veilig fietsen")

    run_daily_task(django_capture_on_commit_callbacks)

    notification = Notification.objects.get()
    assert notification.message == (
        "De termijn om interesse te tonen voor ‘Veilig fietsen’ sluit over 7 dagen, op 18 maart 2030."
    )
    assert "18 maart 2030" in mail.outbox[0].body


def test_reminders_are_made_once_even_when_two_runs_overlap(lab_a, developer_a):
    """Two runs at once: as if the other run wrote its reminder just after this one looked, no error, no twin."""
    from opportunities.notifications.services import notify_deadline_reminder

    opportunity = published(lab_a, 7, created_by=developer_a)
    with mock.patch("django.db.models.QuerySet.exists", return_value=False):
        assert len(notify_deadline_reminder(opportunity, days=7)) == 1
        assert notify_deadline_reminder(opportunity, days=7) == []
    assert Notification.objects.count() == 1
