"""Run the beat schedule's periodic tasks in this process, on their intervals: `make run`'s stand-in for
Celery beat and a worker on the embedded default (no broker), so a demo sends alerts, digests and
reminders and expires what is past its deadline.

Each entry of `CELERY_BEAT_SCHEDULE` runs when its schedule says it is due (an interval: first at start,
then every interval; a crontab: at its times), one after the other, each in its own `apply()` (the task's
code, run here); a task that fails is logged and tried again at its next time. With a broker configured,
beat and the worker do this instead (the Procfile), and this command refuses to run beside them unless
told `--with-broker`.
"""

import datetime
import logging
import time
from dataclasses import dataclass

from celery.schedules import schedule as interval_schedule
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass
class Entry:
    name: str
    task: str
    schedule: object  # a celery schedule: an interval or a crontab
    kwargs: dict
    last_run_at: datetime.datetime | None = None

    def due_in(self, now: datetime.datetime) -> float:
        """Seconds until the entry is due (0 or less: due now). An interval is due at once the first time."""
        if self.last_run_at is None and isinstance(self.schedule, interval_schedule):
            return 0
        last = self.last_run_at or now
        return self.schedule.remaining_estimate(last).total_seconds()


def entries(beat_schedule: dict) -> list[Entry]:
    made = []
    for name, spec in beat_schedule.items():
        every = spec["schedule"]
        if isinstance(every, int | float | datetime.timedelta):
            seconds = every.total_seconds() if isinstance(every, datetime.timedelta) else every
            every = interval_schedule(run_every=datetime.timedelta(seconds=seconds))
        made.append(Entry(name=name, task=spec["task"], schedule=every, kwargs=spec.get("kwargs", {})))
    return made


def run_due(app, schedule: list[Entry], now: datetime.datetime, write) -> int:
    """Run every entry due at `now`; returns how many ran."""
    ran = 0
    for entry in schedule:
        if entry.due_in(now) > 0:
            continue
        entry.last_run_at = now
        result = app.tasks[entry.task].apply(kwargs=entry.kwargs)
        ran += 1
        if result.failed():
            logger.error("Periodic task %s failed: %r", entry.name, result.result)
            write(f"{entry.name}: failed ({result.result!r})")
        else:
            write(f"{entry.name}: {result.result!r}")
    return ran


class Command(BaseCommand):
    help = "Run the periodic tasks of CELERY_BEAT_SCHEDULE in-process on their intervals (the embedded default)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every task due at start once, then stop.")
        parser.add_argument(
            "--with-broker",
            action="store_true",
            help="Run even with a broker configured (beat and the worker normally do this then).",
        )

    def handle(self, *args, once: bool = False, with_broker: bool = False, **options):
        from creativelabs.celery import app

        if settings.CELERY_BROKER_URL and not with_broker:
            raise CommandError("A broker is configured: Celery beat and the worker run the periodic tasks.")
        app.loader.import_default_modules()  # every app's tasks registered
        schedule = entries(settings.CELERY_BEAT_SCHEDULE)
        unknown = sorted(entry.task for entry in schedule if entry.task not in app.tasks)
        if unknown:
            raise CommandError(f"Tasks in CELERY_BEAT_SCHEDULE that no app defines: {', '.join(unknown)}")
        self.stdout.write(f"Running {len(schedule)} periodic tasks in-process (Ctrl-C stops).")
        while True:
            run_due(app, schedule, timezone.now(), self.stdout.write)
            if once:
                return
            wait = min(entry.due_in(timezone.now()) for entry in schedule)
            time.sleep(min(max(wait, 1), 60))
