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
    after the bounded retries in settings and is logged; callers that must not lose work
    keep their own record of what is still to do (and a sweeper picks it up).
    """
    from django.db import transaction

    def publish() -> None:
        global _broker_down_until
        if time.monotonic() < _broker_down_until:
            logger.warning("Broker unavailable: %s not enqueued.", task.name)
            return
        try:
            task.apply_async(args=args, kwargs=kwargs, countdown=countdown)
        except BrokerUnavailable:
            _broker_down_until = time.monotonic() + BROKER_RETRY_AFTER_SECONDS
            logger.exception("Broker unavailable: %s not enqueued.", task.name)
        except Exception:  # noqa: BLE001 - any other publish failure; the request must go on
            logger.exception("Could not enqueue %s.", task.name)

    transaction.on_commit(publish)
