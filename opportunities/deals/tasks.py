"""The worker's side of introductions and deals: their e-mails, each sent once however often a task runs."""

import smtplib

from celery import shared_task

from .emails import deal_send_confirmation, introduction_send_emails

# Task names predate the sub-packages; they stay, so messages queued before a deploy still find their task.


@shared_task(
    name="opportunities.tasks.send_introduction_emails",
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=True,
    max_retries=6,
    outbox=True,  # failed for good: kept and tried again later (creativelabs.outbox)
)
def send_introduction_emails(introduction_id: int) -> int:
    """E-mail both sides of an introduction the other's details, each once however often this runs."""
    return introduction_send_emails(introduction_id=introduction_id)


@shared_task(
    name="opportunities.tasks.send_deal_confirmation_email",
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=True,
    max_retries=6,
    outbox=True,  # failed for good: kept and tried again later (creativelabs.outbox)
)
def send_deal_confirmation_email(deal_id: int, confirmation_round: int) -> bool:
    """E-mail the company the link to confirm a deal, once per confirmation round."""
    return deal_send_confirmation(deal_id=deal_id, confirmation_round=confirmation_round)
