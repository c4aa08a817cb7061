"""The outbox: tasks the broker did not take, or that failed for good, kept in the database and sent again.

`enqueue_on_commit` records a task whose publish failed (broker down or hanging); a task declared with
`outbox=True` (the e-mails) is also recorded when it fails for good in the worker (its retries used up,
or an error it does not retry). The beat sweeper `requeue_unsent_tasks` runs every minute and publishes
every row that is due, oldest first, each once: the row is locked (rows another sweeper holds are
skipped) and deleted in the transaction that published it. So a message that could not be queued goes
out within about a minute of the broker's return. The tasks themselves claim what they send (a
notification's `emailed_at`, a deal round's records, an invitation's `emailed_at`), so even a row
published twice sends one e-mail.
"""

import datetime
import logging

from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

# A task that failed in the worker is tried again this much later: the mail server or the data it
# tripped over gets time to be fixed, without a failing message being retried every minute.
RETRY_FAILED_AFTER = datetime.timedelta(minutes=30)
BATCH = 500


def record(task_name: str, args, kwargs, *, reason: str, error: str = "") -> None:
    """Keep `task_name(*args, **kwargs)` to be sent again by the sweeper; never raises."""
    from .models import UnsentTask

    now = timezone.now()
    retry_at = now if reason == UnsentTask.Reason.NOT_QUEUED else now + RETRY_FAILED_AFTER
    try:
        UnsentTask.objects.create(
            task=task_name,
            args=list(args or ()),
            kwargs=dict(kwargs or {}),
            reason=reason,
            error=error[:500],
            retry_at=retry_at,
        )
    except Exception:  # noqa: BLE001 - the database is down too: nothing more to do than say so
        logger.exception("Could not record %s%r for a retry: it is lost.", task_name, tuple(args or ()))


def requeue_unsent(*, now: datetime.datetime | None = None) -> int:
    """Publish every recorded task that is due, each once; stops at the first publish that fails. How many went."""
    from .celery import app
    from .models import UnsentTask

    app.loader.import_default_modules()  # every app's tasks registered, as in a worker
    now = now or timezone.now()
    sent = 0
    with transaction.atomic():
        due = UnsentTask.objects.select_for_update(skip_locked=True).filter(retry_at__lte=now)
        for row in list(due[:BATCH]):
            task = app.tasks.get(row.task)
            if task is None:
                logger.error("Unsent task %s is not a known task; kept.", row.task)
                continue
            try:
                task.apply_async(args=row.args, kwargs=row.kwargs)
            except Exception as error:  # noqa: BLE001
                if not app.conf.task_always_eager:
                    # The broker is still down: the rest waits for the next run.
                    logger.warning("Broker still unavailable: %d unsent tasks wait.", due.count() - sent)
                    break
                # Run in-process, the task itself failed: kept again as a new row, this one is done.
                logger.exception("Unsent task %s failed again.", row.task)
                failed_in_process(task, row.args, row.kwargs, error)
            row.delete()
            sent += 1
    return sent


def _on_task_failure(sender=None, args=None, kwargs=None, exception=None, **extra) -> None:
    """A task declared with `outbox=True` failed for good: keep it to be tried again later."""
    from .models import UnsentTask

    if sender is None or not getattr(sender, "outbox", False):
        return
    logger.error("%s%r failed for good; it is tried again in %s.", sender.name, tuple(args or ()), RETRY_FAILED_AFTER)
    record(sender.name, args, kwargs, reason=UnsentTask.Reason.FAILED, error=repr(exception))


def failed_in_process(task, args, kwargs, exception: BaseException) -> None:
    """A task run in-process (no broker configured) raised: Celery sends no failure signal when the
    exception propagates to the caller, so an `outbox=True` task is kept here instead."""
    from .models import UnsentTask

    if getattr(task, "outbox", False):
        record(task.name, args, kwargs, reason=UnsentTask.Reason.FAILED, error=repr(exception))


def connect_signals() -> None:
    from celery.signals import task_failure

    task_failure.connect(_on_task_failure, weak=False, dispatch_uid="creativelabs.outbox.task_failure")
