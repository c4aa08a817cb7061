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
    if notification is None:
        return
    send_templated_mail(
        "notification",
        to=[notification.user.email],
        context={"notification": notification, "opportunity": notification.opportunity},
        language=notification.user.preferred_language,
    )
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())


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
            notify_deadline_reminder(opportunity, days=days)
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
