"""The Celery app. Workers run `celery -A creativelabs worker`, beat `celery -A creativelabs beat`.

Settings come from Django settings under the CELERY_ prefix (see creativelabs/settings.py),
so the web process and the worker read one configuration.
"""

import logging
import os
import time

from celery import Celery
from kombu.exceptions import OperationalError as BrokerUnavailable

logger = logging.getLogger(__name__)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "creativelabs.settings")

app = Celery("creativelabs")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# ops: the heartbeat task that /health/ asks about (creativelabs is not an installed app).
app.autodiscover_tasks(["creativelabs"], related_name="health")


# After a publish fails for want of a broker, this process sends nothing for this long: a
# request that enqueues several tasks (a submission notifies every reviewer) waits for a
# hanging broker once, not once per task.
BROKER_RETRY_AFTER_SECONDS = 5
_broker_down_until = 0.0


def enqueue_on_commit(task, *args, countdown: float | None = None, **kwargs) -> None:
    """Send `task` to the worker once the current transaction commits.

    A broker outage must not turn a saved form into an error page: the publish gives up
    after the bounded retries in settings and is logged, and the task is recorded in the
    outbox (`creativelabs.outbox`), whose sweeper sends it within a minute of the broker's
    return. A page after such a write says what is done and that the e-mail follows, never
    that it was sent.
    """
    from django.db import transaction

    def publish() -> None:
        global _broker_down_until
        if time.monotonic() < _broker_down_until:
            logger.warning("Broker unavailable: %s not enqueued; kept in the outbox.", task.name)
            _keep(task, args, kwargs)
            return
        try:
            task.apply_async(args=args, kwargs=kwargs, countdown=countdown)
        except BrokerUnavailable:
            _broker_down_until = time.monotonic() + BROKER_RETRY_AFTER_SECONDS
            logger.exception("Broker unavailable: %s not enqueued; kept in the outbox.", task.name)
            _keep(task, args, kwargs)
        except Exception as error:  # noqa: BLE001 - any other publish failure; the request must go on
            logger.exception("Could not enqueue %s.", task.name)
            if app.conf.task_always_eager:
                # Run in-process (no broker configured): the exception is the task's own.
                from .outbox import failed_in_process

                failed_in_process(task, args, kwargs, error)
            else:
                _keep(task, args, kwargs)

    transaction.on_commit(publish)


def _keep(task, args, kwargs) -> None:
    from .models import UnsentTask
    from .outbox import record

    record(task.name, args, kwargs, reason=UnsentTask.Reason.NOT_QUEUED)
