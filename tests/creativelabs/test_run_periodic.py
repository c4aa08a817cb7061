"""`manage.py run_periodic`: the beat schedule's tasks in-process on their intervals (`make run`, embedded default)."""

import datetime
import io

import pytest
from celery.schedules import crontab
from django.core.management import CommandError, call_command
from django.utils import timezone

from creativelabs.management.commands.run_periodic import entries
from opportunities.models import Status
from tests.opportunities.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


def test_one_round_runs_every_interval_task_of_the_schedule_and_expires_what_is_past(settings, lab_a):
    past = OpportunityFactory(lab=lab_a, status=Status.PUBLISHED)
    type(past).objects.filter(pk=past.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=2))
    out = io.StringIO()
    call_command("run_periodic", "--once", "--with-broker", stdout=out)
    printed = out.getvalue()
    for name, spec in settings.CELERY_BEAT_SCHEDULE.items():
        ran = f"\n{name}: " in printed
        assert ran == (not isinstance(spec["schedule"], crontab)), name  # the nightly one waits for its time
    assert "failed" not in printed
    past.refresh_from_db()
    assert past.status == Status.EXPIRED


def test_an_interval_is_due_at_start_then_after_its_interval_and_a_crontab_at_its_time():
    now = timezone.now()
    every_minute, nightly = entries(
        {
            "a": {"task": "x", "schedule": 60},
            "b": {"task": "y", "schedule": crontab(hour=2, minute=30)},
        }
    )
    assert every_minute.due_in(now) == 0
    every_minute.last_run_at = now - datetime.timedelta(seconds=20)
    assert 39 <= every_minute.due_in(now) <= 40
    every_minute.last_run_at = now - datetime.timedelta(seconds=61)
    assert every_minute.due_in(now) <= 0
    assert 0 < nightly.due_in(now) <= 24 * 3600


def test_it_refuses_to_run_beside_a_broker_unless_told(settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/9"
    with pytest.raises(CommandError, match="broker"):
        call_command("run_periodic", "--once")
