"""The worker's side of saved-search alerts: each object told once (see `alerts`)."""

import smtplib

from celery import shared_task

from .alerts import saved_search_alert, saved_searches_due, saved_searches_on_publish


@shared_task(name="opportunities.tasks.send_saved_search_alerts")
def send_saved_search_alerts() -> int:
    """Every quarter of an hour: enqueue the saved searches due (daily, weekly, and immediate ones)."""
    due = list(saved_searches_due())
    for pk in due:
        send_saved_search_alert.delay(pk)
    return len(due)


@shared_task(
    name="opportunities.tasks.send_saved_search_alert",
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=True,
    max_retries=6,
)
def send_saved_search_alert(saved_search_id: int) -> int:
    """One saved search's alert; a retry or rerun tells nothing twice."""
    return saved_search_alert(saved_search_id=saved_search_id)


@shared_task(name="opportunities.tasks.saved_searches_published", autoretry_for=(OSError, smtplib.SMTPException))
def saved_searches_published(opportunity_id: int) -> int:
    """After an opportunity is published: the immediate saved searches it appears in are told at once."""
    return saved_searches_on_publish(opportunity_id)
