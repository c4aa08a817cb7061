"""The worker's side of match alerts and digests, each sent once (notification e-mails: `emails`)."""

import smtplib

from celery import shared_task

from .alerts import matches_notify
from .digests import digest_send, digests_due

# Task names predate the sub-packages; they stay, so messages queued before a deploy still find their task.


@shared_task(name="opportunities.tasks.send_match_alerts")
def send_match_alerts() -> int:
    """Every 5 minutes: tell company members about new well-matched opportunities, each once."""
    return matches_notify()


@shared_task(name="opportunities.tasks.send_digests")
def send_digests() -> int:
    """Hourly: enqueue each daily or weekly digest due now; each goes out once per person and period."""
    due = digests_due()
    for user_id, kind, period in due:
        send_digest.delay(user_id, kind, period)
    return len(due)


@shared_task(
    name="opportunities.tasks.send_digest",
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=True,
    max_retries=6,
    outbox=True,  # failed for good: kept and tried again later (creativelabs.outbox)
)
def send_digest(user_id: int, kind: str, period: str) -> bool:
    """One person's digest for one period, recorded as it is sent: a retry or rerun sends nothing twice."""
    return digest_send(user_id=user_id, kind=kind, period=period)
