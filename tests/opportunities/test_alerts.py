"""Match alerts and digests with frozen time: once per person and period, never when empty, as each person chose."""

import datetime
import re
import smtplib
import time
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accounts.models import NotificationPreference, SentDigest
from opportunities.models import Interest, Notification, Status, Suggestion
from opportunities.notifications.digests import digests_due
from opportunities.notifications.tasks import send_digests, send_match_alerts
from tests.conftest import requires_postgres
from tests.factories import CompanyFactory, MembershipFactory, UserFactory

from .factories import OpportunityFactory

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MONDAY = datetime.datetime(2030, 3, 11, 8, 0, tzinfo=AMSTERDAM)  # a Monday, after the digests' 07:00
DAY = datetime.timedelta(days=1)
WEEK = datetime.timedelta(days=7)
LOCMEM_SEND = "django.core.mail.backends.locmem.EmailBackend.send_messages"
STRONG, GOOD, POSSIBLE = 0.7, 0.45, 0.2


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def choose(user, match_alerts=None, **fields) -> None:
    if match_alerts:
        fields["match_alerts"] = match_alerts
    NotificationPreference.objects.update_or_create(user=user, defaults=fields)


def published(lab, title="Safe cycling to school", **fields):
    return OpportunityFactory(lab=lab, status=Status.PUBLISHED, title=title, **fields)


def suggest(opportunity, company, score=STRONG, rank=1, **fields) -> Suggestion:
    return Suggestion.objects.create(
        opportunity=opportunity,
        company=company,
        score=score,
        rank_for_company=rank,
        rank_for_opportunity=rank,
        parts=[],
        engine_version="test",
        computed_at=timezone.now(),
        **fields,
    )


def express_interest(opportunity, company, user) -> Interest:
    return Interest.objects.create(
        opportunity=opportunity,
        company=company,
        submitted_by=user,
        contact=user,
        motivation="We made a cycling game for schools.",
        accepted_fee_percentage=opportunity.fee_percentage,
        fee_accepted_at=timezone.now(),
        reply_due=timezone.now() + 7 * DAY,
    )


def parts(message) -> tuple[str, str]:
    assert len(message.alternatives) == 1
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    return message.body, html


def sent_to(email: str) -> list:
    return [message for message in mail.outbox if message.to == [email]]


@pytest.fixture
def run_alerts(django_capture_on_commit_callbacks):
    """The beat task, with the e-mails it enqueues after commit sent (eagerly)."""

    def run() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return send_match_alerts()

    return run


# --- Immediate alerts ------------------------------------------------------------------------------------------------


def test_a_new_match_is_told_in_the_app_to_every_member_and_emailed_to_those_who_chose_immediately(
    run_alerts, opportunity, company, sme_owner, sme_colleague
):
    choose(sme_owner, "immediately")  # the colleague keeps the default: weekly
    suggest(opportunity, company, STRONG)

    assert run_alerts() == 2
    notifications = Notification.objects.filter(kind="match", opportunity=opportunity)
    assert sorted(n.user.email for n in notifications) == [sme_colleague.email, sme_owner.email]
    assert "Safe cycling to school" in notifications[0].message
    assert "Strong" in notifications[0].message
    assert [m.to for m in mail.outbox] == [[sme_owner.email]]
    text, html = parts(mail.outbox[0])
    assert "Safe cycling to school" in text and "Safe cycling to school" in html
    assert opportunity.get_absolute_url() in text and opportunity.get_absolute_url() in html
    # every notification is handled: the weekly reader's waits for the digest, not for the sweeper
    assert not notifications.filter(emailed_at=None).exists()


def test_an_alert_goes_once_per_member_and_opportunity_however_often_the_task_runs(
    run_alerts, opportunity, company, sme_owner
):
    choose(sme_owner, "immediately")
    suggestion = suggest(opportunity, company, GOOD)
    assert run_alerts() == 1
    assert run_alerts() == 0
    # a recompute that raises the score (or rewrites the row) tells nothing new
    Suggestion.objects.filter(pk=suggestion.pk).update(score=STRONG, computed_at=timezone.now() + DAY)
    assert run_alerts() == 0
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(kind="match").count() == 1


def test_never_and_weekly_get_no_alert_by_email(run_alerts, opportunity, company, sme_owner, sme_colleague):
    choose(sme_owner, "never")
    choose(sme_colleague, "weekly")
    suggest(opportunity, company, STRONG)
    assert run_alerts() == 2
    assert mail.outbox == []
    assert Notification.objects.filter(kind="match").count() == 2  # in the app, always


@pytest.mark.parametrize(
    "case",
    [
        "possible band",
        "not in the company's top",
        "dismissed",
        "invited",
        "interest expressed",
        "closed",
        "deadline passed",
    ],
)
def test_what_is_not_a_new_well_matched_opportunity(case, run_alerts, lab_a, company, sme_owner):
    choose(sme_owner, "immediately")
    opportunity = published(lab_a)
    fields = {}
    if case == "possible band":
        fields["score"] = POSSIBLE
    elif case == "not in the company's top":
        fields["rank"] = None
    elif case == "dismissed":
        fields["decision"] = Suggestion.Decision.DISMISSED
    elif case == "invited":
        fields["decision"] = Suggestion.Decision.INVITED
    elif case == "interest expressed":
        express_interest(opportunity, company, sme_owner)
    elif case == "closed":
        opportunity.status = Status.CLOSED_NOT_WON
        opportunity.save()
    elif case == "deadline passed":
        opportunity.deadline = timezone.localdate() - DAY
        opportunity.save()
    suggest(opportunity, company, **fields)
    assert run_alerts() == 0
    assert mail.outbox == []


def test_an_alert_carries_a_one_click_unsubscribe_that_turns_alerts_off(
    run_alerts, client, opportunity, company, sme_owner
):
    choose(sme_owner, "immediately")
    suggest(opportunity, company)
    run_alerts()
    message = mail.outbox[0]
    link = re.fullmatch(r"<(.+)>", message.extra_headers["List-Unsubscribe"]).group(1)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = parts(message)
    assert link in text and link in html
    path = link.removeprefix("http://127.0.0.1:8000")
    assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert NotificationPreference.objects.get(user=sme_owner).match_alerts == "never"


# --- The weekly digest for companies ---------------------------------------------------------------------------------


@pytest.fixture
def matched(run_alerts, lab_a, company, sme_owner, sme_colleague):
    """Two well-matched opportunities told in the app during the previous week."""
    first = published(lab_a, title="Safe cycling to school")
    second = published(lab_a, title="Healthy school canteens")
    suggest(first, company, STRONG, rank=1)
    suggest(second, company, GOOD, rank=2)
    run_alerts()
    return first, second


def test_the_weekly_digest_goes_once_per_week_even_when_the_task_runs_twice(matched, sme_owner, sme_colleague):
    send_digests()
    send_digests()

    assert sorted(m.to[0] for m in mail.outbox) == sorted([sme_owner.email, sme_colleague.email])
    message = sent_to(sme_owner.email)[0]
    assert "2 new opportunities" in message.subject
    text, html = parts(message)
    for body in (text, html):
        assert "Safe cycling to school" in body and "Healthy school canteens" in body
        assert body.index("Safe cycling to school") < body.index("Healthy school canteens")  # best first
    assert SentDigest.objects.filter(user=sme_owner, kind="weekly_matches", period="2030-W11").count() == 1
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_weekly_digest_waits_for_monday_morning(matched, _frozen):
    _frozen.move_to(MONDAY.replace(hour=6))
    assert send_digests() == 0
    _frozen.move_to(MONDAY + DAY)  # Tuesday
    assert send_digests() == 0
    assert mail.outbox == []


def test_the_next_weekly_digest_tells_only_what_is_new_and_is_not_sent_when_nothing_is(
    matched, run_alerts, lab_a, company, sme_owner, _frozen
):
    choose(sme_owner, "weekly")
    send_digests()
    mail.outbox.clear()

    _frozen.move_to(MONDAY + WEEK)
    send_digests()
    assert mail.outbox == []  # nothing new: no e-mail

    _frozen.move_to(MONDAY + WEEK + 2 * DAY)
    suggest(published(lab_a, title="Bridges for the elderly"), company, STRONG, rank=3)
    run_alerts()
    _frozen.move_to(MONDAY + 2 * WEEK)
    send_digests()
    text, _html = parts(sent_to(sme_owner.email)[0])
    assert "Bridges for the elderly" in text
    assert "Safe cycling to school" not in text
    assert "1 new opportunity" in sent_to(sme_owner.email)[0].subject


@pytest.mark.parametrize("choice", ["immediately", "never"])
def test_no_weekly_digest_for_those_who_chose_otherwise(choice, matched, sme_owner, sme_colleague):
    choose(sme_owner, choice)
    choose(sme_colleague, choice)
    send_digests()
    assert not [m for m in mail.outbox if "this week" in m.subject]


def test_the_weekly_digest_leaves_out_what_is_no_longer_open(matched, sme_owner):
    first, _second = matched
    first.status = Status.CLOSED_WON
    first.save()
    send_digests()
    text, _html = parts(sent_to(sme_owner.email)[0])
    assert "Safe cycling to school" not in text
    assert "Healthy school canteens" in text


# --- The daily digest for business developers ------------------------------------------------------------------------


@pytest.fixture
def lab_activity(lab_a, lab_b, developer_a, developer_b, company, sme_owner, outsider_sme):
    """Yesterday: strong and good suggestions on Lab A's opportunity, and an expression of interest."""
    opportunity = published(lab_a, title="Safe cycling to school")
    other = outsider_sme.membership.company
    suggest(opportunity, company, STRONG, rank=1)
    suggest(opportunity, other, GOOD, rank=2)
    suggest(published(lab_b, title="Shanghai playgrounds"), other, POSSIBLE, rank=1)
    with time_machine.travel(MONDAY - DAY, tick=False):
        interest = express_interest(opportunity, other, outsider_sme)
    return opportunity, interest


def test_the_lab_digest_tells_new_strong_suggestions_and_new_expressions_of_interest(
    lab_activity, developer_a, developer_b
):
    send_digests()
    send_digests()

    assert [m.to for m in mail.outbox] == [[developer_a.email]]  # Lab B has nothing new
    message = mail.outbox[0]
    assert "Creative Lab Berlin" in message.subject
    text, html = parts(message)
    for body in (text, html):
        assert "1 new expression of interest" in body
        assert "Outsider Design" in body  # the expression of interest
        assert "1 new strong suggestion" in body
        assert "Studio Fietsveilig" in body  # the strong suggestion; the good one is not told
        assert "Shanghai playgrounds" not in body
        assert "1 expression of interest waits for an answer" in body
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    record = SentDigest.objects.get(user=developer_a, kind="lab_daily")
    assert record.period == "2030-03-11"


def test_the_lab_digest_is_sent_once_a_day_and_never_empty(lab_activity, lab_a, developer_a, company, _frozen):
    send_digests()
    assert len(mail.outbox) == 1

    _frozen.move_to(MONDAY + 5 * datetime.timedelta(hours=1))
    send_digests()
    _frozen.move_to(MONDAY + DAY)
    send_digests()  # nothing new since yesterday's digest
    assert len(mail.outbox) == 1

    _frozen.move_to(MONDAY + DAY + datetime.timedelta(hours=3))
    interest_company = CompanyFactory(name="Late Studio")
    late = MembershipFactory(company=interest_company, user=UserFactory()).user
    express_interest(lab_activity[0], interest_company, late)
    _frozen.move_to(MONDAY + 2 * DAY)
    send_digests()
    assert len(mail.outbox) == 2
    text, _html = parts(mail.outbox[1])
    assert "Late Studio" in text
    assert "Studio Fietsveilig" not in text  # told before
    assert SentDigest.objects.filter(user=developer_a).count() == 2


def test_decided_suggestions_are_not_news(lab_activity, developer_a):
    opportunity, interest = lab_activity
    Suggestion.objects.filter(opportunity=opportunity).update(decision=Suggestion.Decision.SHORTLISTED)
    Interest.objects.filter(pk=interest.pk).update(state=Interest.State.WITHDRAWN)
    send_digests()
    assert mail.outbox == []


def test_a_developer_who_opted_out_gets_no_lab_digest(lab_activity, developer_a, developer_b):
    choose(developer_a, lab_digest=False)
    assert [user_id for user_id, _kind, _period in digests_due()] == [developer_b.pk]  # who has nothing new
    send_digests()
    assert mail.outbox == []


# --- A mail server that fails ----------------------------------------------------------------------------------------


@pytest.mark.usefixtures("eager_retries")
def test_a_digest_that_fails_to_send_is_retried_and_sent_once(lab_activity, developer_a):
    from django.core.mail.backends.locmem import EmailBackend

    real_send = EmailBackend.send_messages
    calls = []

    def flaky(self, messages):
        calls.append(messages)
        if len(calls) == 1:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(self, messages)

    with mock.patch(LOCMEM_SEND, flaky):
        send_digests()
        send_digests()
    assert len(calls) == 2
    assert [m.to for m in mail.outbox] == [[developer_a.email]]
    assert SentDigest.objects.filter(user=developer_a).count() == 1


@pytest.mark.usefixtures("eager_retries")
def test_a_digest_that_could_not_be_sent_is_not_recorded_and_goes_out_on_a_later_run(lab_activity, developer_a):
    from opportunities.notifications.tasks import send_digest

    failure = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    with mock.patch(LOCMEM_SEND, side_effect=failure) as send:
        send_digests()
    assert send.call_count == send_digest.max_retries + 1
    assert not SentDigest.objects.exists()

    send_digests()  # an hour later, the server is back
    assert [m.to for m in mail.outbox] == [[developer_a.email]]
    assert SentDigest.objects.count() == 1


def test_two_runs_at_once_send_one_digest(lab_activity, developer_a):
    """A second worker that finds the record already written sends nothing."""
    from opportunities.notifications.digests import digest_send

    assert digest_send(user_id=developer_a.pk, kind="lab_daily", period="2030-03-11") is True
    assert digest_send(user_id=developer_a.pk, kind="lab_daily", period="2030-03-11") is False
    assert len(mail.outbox) == 1


@requires_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps the seeded countries for later tests
def test_two_workers_sending_the_same_digest_at_once_send_it_once(lab_activity, developer_a):
    """The record is written in the sending transaction: the second worker waits on it, then sends nothing."""
    import threading

    from django.core.mail.backends.locmem import EmailBackend
    from django.db import connection

    from opportunities.notifications.digests import digest_send

    real_send = EmailBackend.send_messages
    start = threading.Barrier(2)
    results = []

    def slow(self, messages):
        time.sleep(0.5)  # the other worker arrives while this one is still sending
        return real_send(self, messages)

    def worker():
        try:
            start.wait()
            results.append(digest_send(user_id=developer_a.pk, kind="lab_daily", period="2030-03-11"))
        finally:
            connection.close()

    with mock.patch(LOCMEM_SEND, slow):
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
    assert sorted(results) == [False, True]
    assert len(mail.outbox) == 1
    assert SentDigest.objects.count() == 1


def test_a_run_with_nothing_new_is_one_query(run_alerts, opportunity, company, sme_owner, django_assert_num_queries):
    suggest(opportunity, company)
    run_alerts()
    with django_assert_num_queries(1):
        assert send_match_alerts() == 0


# --- The notification list -------------------------------------------------------------------------------------------


def test_the_notification_list_links_each_notification_and_pages(login, run_alerts, lab_a, company, sme_owner):
    for number in range(23):
        suggest(published(lab_a, title=f"Opportunity {number:02d}"), company, STRONG, rank=number + 1)
    run_alerts()
    client = login(sme_owner)
    first = client.get("/notifications/").content.decode()
    assert first.count('class="list-group-item') == 20
    assert "Page 1 of 2" in first
    latest = Notification.objects.filter(user=sme_owner).first()
    assert f'href="{latest.opportunity.get_absolute_url()}"' in first
    second = client.get("/notifications/?page=2").content.decode()
    assert second.count('class="list-group-item') == 3
    assert client.get("/notifications/?page=nonsense").status_code == 200
    assert client.get("/notifications/?page=99").status_code == 200
