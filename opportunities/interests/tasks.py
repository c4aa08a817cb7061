"""The worker's side of expressions of interest."""

from celery import shared_task

from .services import interest_send_reminders


@shared_task(name="opportunities.tasks.remind_unanswered_interests")
def remind_unanswered_interests() -> int:
    """Hourly: remind the Lab at day 5 and 7 of an unanswered expression of interest, each reminder once."""
    return interest_send_reminders()
