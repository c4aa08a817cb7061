import datetime
import smtplib

from celery import shared_task
from django.utils import timezone

from creativelabs.mail import send_templated_mail

from .models import Notification, Opportunity
from .notifications import notify_deadline_reminder
from .services import opportunity_expire

REMINDER_DAYS = (7, 1)


@shared_task(autoretry_for=(OSError, smtplib.SMTPException), retry_backoff=True, max_retries=6)
def send_notification_email(notification_id: int) -> None:
    """E-mail one notification, once: a retried or repeated task sends nothing twice."""
    notification = (
        Notification.objects.select_related("user", "opportunity").filter(pk=notification_id, emailed_at=None).first()
    )
    # Claim the row first, so a redelivered task and the sweeper can't both send it.
    if notification is None or not Notification.objects.filter(pk=notification.pk, emailed_at=None).update(
        emailed_at=timezone.now()
    ):
        return
    from accounts.preferences import category_of, wants_notification_email

    try:
        if not wants_notification_email(notification.user, notification.kind):
            return  # opted out of e-mails of this kind: handled (the in-app row stays), not sent
        send_templated_mail(
            "notification",
            to=[notification.user.email],
            context={"notification": notification, "opportunity": notification.opportunity},
            language=notification.user.preferred_language,
            unsubscribe=(notification.user, category_of(notification.kind)),
        )
    except Exception:
        Notification.objects.filter(pk=notification.pk).update(emailed_at=None)  # to be retried
        raise


@shared_task
def expire_and_remind() -> dict:
    """Daily: expire published opportunities past their deadline; remind 7 and 1 days before."""
    today = timezone.localdate()
    expired = sum(
        opportunity_expire(opportunity=opportunity, today=today)
        for opportunity in Opportunity.objects.published().filter(deadline__lt=today)
    )
    reminded = 0
    for days in REMINDER_DAYS:
        due = Opportunity.objects.published().filter(deadline=today + datetime.timedelta(days=days))
        for opportunity in due:
            # Beat runs this every hour: count only the opportunities reminded now, not again.
            if notify_deadline_reminder(opportunity, days=days):
                reminded += 1
    return {"expired": expired, "reminded": reminded}


@shared_task
def send_unsent_notification_emails() -> int:
    """Beat sweeper: e-mail notifications whose message was lost (broker down) or gave up retrying."""
    stale = timezone.now() - datetime.timedelta(minutes=10)
    pending = Notification.objects.filter(emailed_at=None, created_at__lt=stale).values_list("pk", flat=True)[:500]
    for notification_id in pending:
        send_notification_email.delay(notification_id)
    return len(pending)


# --- Introductions and deals ----------------------------------------------------------------------


@shared_task(autoretry_for=(OSError, smtplib.SMTPException), retry_backoff=True, max_retries=6)
def send_introduction_emails(introduction_id: int) -> int:
    """E-mail both sides of an introduction the other's details, each once however often this runs."""
    from .deals import introduction_send_emails

    return introduction_send_emails(introduction_id=introduction_id)


@shared_task(autoretry_for=(OSError, smtplib.SMTPException), retry_backoff=True, max_retries=6)
def send_deal_confirmation_email(deal_id: int, confirmation_round: int) -> bool:
    """E-mail the company the link to confirm a deal, once per confirmation round."""
    from .deals import deal_send_confirmation

    return deal_send_confirmation(deal_id=deal_id, confirmation_round=confirmation_round)


@shared_task
def remind_unanswered_interests() -> int:
    """Hourly: remind the Lab at day 5 and 7 of an unanswered expression of interest, each reminder once."""
    from .interests import interest_send_reminders

    return interest_send_reminders()


# --- Alerts and digests ---------------------------------------------------------------------------


@shared_task
def send_match_alerts() -> int:
    """Every 5 minutes: tell company members about new well-matched opportunities, each once."""
    from .alerts import matches_notify

    return matches_notify()


@shared_task
def send_digests() -> int:
    """Hourly: enqueue each daily or weekly digest due now; each goes out once per person and period."""
    from .alerts import digests_due

    due = digests_due()
    for user_id, kind, period in due:
        send_digest.delay(user_id, kind, period)
    return len(due)


@shared_task(autoretry_for=(OSError, smtplib.SMTPException), retry_backoff=True, max_retries=6)
def send_digest(user_id: int, kind: str, period: str) -> bool:
    """One person's digest for one period, recorded as it is sent: a retry or rerun sends nothing twice."""
    from .alerts import digest_send

    return digest_send(user_id=user_id, kind=kind, period=period)
