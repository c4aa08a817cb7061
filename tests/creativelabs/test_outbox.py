"""The outbox: an e-mail that could not be queued, or failed in the worker, is kept and sent later, once.

The outage drill stops a private Redis (port 6392) that serves as the broker: the pages say the e-mail
will follow, never that it was sent, and the tasks are kept in the database; with Redis back, the
sweeper beat runs every minute publishes them and a real worker sends each e-mail exactly once.
"""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from companies.models import CompanyInvitation
from creativelabs.models import UnsentTask
from creativelabs.outbox import RETRY_FAILED_AFTER, requeue_unsent
from opportunities.models import Interest, Notification
from tests.conftest import requires_postgres
from tests.opportunities.factories import InterestFactory
from tests.opportunities.test_worker import PrivateRedis, _drop_broker_connections, broker, wait_for, worker

OUTAGE_PORT = 6392  # this worktree's own port for Redis-outage drills

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def outage_redis(tmp_path):
    import shutil

    from creativelabs import celery as celery_module

    if not shutil.which("redis-server"):
        pytest.skip("needs the redis-server program to start a private Redis")
    server = PrivateRedis(tmp_path)
    server.port, server.url = OUTAGE_PORT, f"redis://127.0.0.1:{OUTAGE_PORT}/0"
    server.start()
    celery_module._broker_down_until = 0.0
    yield server
    server.stop()
    celery_module._broker_down_until = 0.0
    # The worker's shutdown can leave a producer pool on connections it closed: later tests
    # (which run tasks in-process, but through a producer) must get fresh ones.
    _drop_broker_connections()


def test_beat_runs_the_sweeper_every_minute():
    # With the broker back, what was kept goes out at the sweeper's next run: within a minute, then the worker.
    entry = settings.CELERY_BEAT_SCHEDULE["requeue-unsent-tasks"]
    assert entry["task"] == "creativelabs.tasks.requeue_unsent_tasks"
    assert entry["schedule"] <= 60


def test_an_e_mail_that_fails_for_good_is_kept_and_sent_once_later(login, sme_owner, monkeypatch):
    from creativelabs import mail as mail_module

    real_send = mail_module.send_templated_mail

    def broken(*args, **kwargs):
        raise ValueError("a header the mail library refuses")

    monkeypatch.setattr(mail_module, "send_templated_mail", broken)
    page = login(sme_owner).post("/company/team/", {"email": "new@studio.example"}, follow=True)
    assert "will be e-mailed shortly" in page.content.decode()
    invitation = CompanyInvitation.objects.get(email="new@studio.example")
    row = UnsentTask.objects.get()
    assert (row.task, row.args, row.reason) == (
        "companies.tasks.send_team_invitation_email",
        [invitation.pk],
        UnsentTask.Reason.FAILED,
    )
    assert "a header the mail library refuses" in row.error
    invitation.refresh_from_db()
    assert invitation.emailed_at is None  # the claim was given back
    assert mail.outbox == []

    monkeypatch.setattr(mail_module, "send_templated_mail", real_send)  # fixed
    assert requeue_unsent() == 0  # not yet: a failed task waits before it is tried again
    later = timezone.now() + RETRY_FAILED_AFTER + datetime.timedelta(seconds=1)
    assert requeue_unsent(now=later) == 1
    assert requeue_unsent(now=later) == 0
    assert [message.to for message in mail.outbox] == [["new@studio.example"]]
    assert not UnsentTask.objects.exists()


def test_an_invitation_task_run_twice_sends_once(sme_owner, company):
    from companies.tasks import send_team_invitation_email

    invitation = CompanyInvitation.objects.create(company=company, email="new@studio.example", invited_by=sme_owner)
    assert send_team_invitation_email(invitation.pk) is True
    assert send_team_invitation_email(invitation.pk) is False  # redelivered, or the outbox published it again
    assert len(mail.outbox) == 1


# Last in the module: after a real worker has run, a later in-process task in this module met a closed
# producer pool (a harness effect seen only in that order). PostgreSQL: the worker thread writes while
# the sweeper's transaction is open, which SQLite's table lock refuses.
@requires_postgres
def test_with_the_broker_down_mail_is_kept_the_page_is_honest_and_it_goes_out_once_when_it_is_back(
    outage_redis, login, sme_owner, developer_a, opportunity, company
):
    interest = InterestFactory(opportunity=opportunity, company=company, submitted_by=sme_owner, contact=sme_owner)
    with broker(outage_redis.url, shared=False):
        outage_redis.stop()  # the broker is down

        page = login(sme_owner).post("/company/team/", {"email": "new@studio.example"}, follow=True)
        assert page.status_code == 200
        text = page.content.decode()
        assert "will be e-mailed shortly" in text and "Invitation sent" not in text
        invitation = CompanyInvitation.objects.get(email="new@studio.example")

        answered = login(developer_a).post(
            f"/interests/{interest.pk}/reply/", {"reply": "not_selected", "reason": "A studio in Berlin."}
        )
        assert answered.status_code == 302
        notification = Notification.objects.get(user=sme_owner, kind="interest_replied_reason")

        kept = {(row.task, tuple(row.args)) for row in UnsentTask.objects.all()}
        assert ("companies.tasks.send_team_invitation_email", (invitation.pk,)) in kept
        assert ("opportunities.tasks.send_notification_email", (notification.pk,)) in kept
        assert set(UnsentTask.objects.values_list("reason", flat=True)) == {UnsentTask.Reason.NOT_QUEUED}
        assert requeue_unsent() == 0  # still down: everything stays
        assert UnsentTask.objects.count() == len(kept)
        assert mail.outbox == []

        outage_redis.start()  # the broker is back
        with worker() as finished:
            assert requeue_unsent() == len(kept)  # what beat's next run (within a minute) does
            wait_for(lambda: "companies.tasks.send_team_invitation_email" in finished)
            wait_for(lambda: "opportunities.tasks.send_notification_email" in finished)
            assert requeue_unsent() == 0  # nothing twice
    assert list(UnsentTask.objects.values_list("task", "reason", "error")) == []
    assert sorted(message.to[0] for message in mail.outbox) == ["new@studio.example", "owner@studio.example"]
    invitation.refresh_from_db()
    notification.refresh_from_db()
    assert invitation.emailed_at is not None and notification.emailed_at is not None
    assert Interest.objects.get(pk=interest.pk).reply == Interest.Reply.NOT_SELECTED
