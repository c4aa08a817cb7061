"""The project package's one task: the outbox sweeper (`outbox`)."""

from celery import shared_task

from .outbox import requeue_unsent


@shared_task(name="creativelabs.tasks.requeue_unsent_tasks")
def requeue_unsent_tasks() -> int:
    """Every minute: publish the tasks the broker did not take, or that failed for good, each once."""
    return requeue_unsent()
