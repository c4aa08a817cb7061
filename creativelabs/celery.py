"""The Celery app. Workers run `celery -A creativelabs worker`, beat `celery -A creativelabs beat`.

Settings come from Django settings under the CELERY_ prefix (see creativelabs/settings.py),
so the web process and the worker read one configuration.
"""

import logging
import os

from celery import Celery

logger = logging.getLogger(__name__)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "creativelabs.settings")

app = Celery("creativelabs")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def enqueue_on_commit(task, *args, countdown: float | None = None, **kwargs) -> None:
    """Send `task` to the worker once the current transaction commits.

    A broker outage must not turn a saved form into an error page: the publish gives up
    after the bounded retries in settings and is logged; callers that must not lose work
    keep their own record of what is still to do (and a sweeper picks it up).
    """
    from django.db import transaction

    def publish() -> None:
        try:
            task.apply_async(args=args, kwargs=kwargs, countdown=countdown)
        except Exception:  # noqa: BLE001 - any broker failure; the request must go on
            logger.exception("Could not enqueue %s; it will be picked up later.", task.name)

    transaction.on_commit(publish)
