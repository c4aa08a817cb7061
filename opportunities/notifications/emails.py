"""Notification e-mails: each in-app notification also sent by e-mail, once, with a one-click unsubscribe.

A notification row is written in the same transaction as the event it tells about; its e-mail is
enqueued after commit (`send_notification_email`) and claims the row before sending, so a retried
or repeated task sends it once. The sweeper sends what a lost message left behind.
"""

import datetime
import smtplib

from celery import shared_task
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from creativelabs.mail import Unsubscribe, send_templated_mail

from ..models import Notification
from .preferences import Category, category_of, unsubscribe_url, wants_notification_email

# What a notification e-mail's subject says, by kind: what happened, then the opportunity's title.
SUBJECTS = {
    "match": _("A new opportunity for your company"),
    "submitted": _("Submitted for your review"),
    "sent_back": _("Sent back to you"),
    "rejected": _("Not published"),
    "published": _("Published"),
    "reminder": _("Deadline coming up"),
    "invited": _("You are invited to express interest"),
    "suggestion_invited": _("You are invited to express interest"),
    "suggestion_invited_note": _("You are invited to express interest"),
    "interest_new": _("New expression of interest"),
    "interest_received": _("New expression of interest"),
    "interest_withdrawn": _("Interest withdrawn"),
    "interest_replied": _("Your expression of interest has been answered"),
    "interest_replied_reason": _("Your expression of interest has been answered"),
    "interest_reminder_5": _("An expression of interest waits for your answer"),
    "interest_reminder_7": _("Your answer is due today"),
    "introduced": _("You have been introduced"),
    "introduction_mailed": _("Introduction e-mail sent"),
    "deal_confirm": _("Please confirm the deal"),
    "deal_confirmed": _("Deal confirmed"),
    "deal_disputed": _("Deal disputed"),
    "network_join_asked": _("Someone asks to join your network"),
    "network_joined": _("You are a network member now"),
    "network_join_declined": _("Your request to join a network was declined"),
    "network_request": _("A new request for help in your network"),
    "network_answer": _("An offer of help on your request"),
    "network_answer_accepted": _("Your offer of help was accepted"),
}


def notification_subject(kind: str):
    """The subject's first part for a notification of this kind (a general one for a kind not listed)."""
    return SUBJECTS.get(kind) or _("News from Creative Labs")


def unsubscribe_link(user, category: str) -> Unsubscribe:
    """The one-click unsubscribe of `user` from e-mails of `category`, for `send_templated_mail`."""
    return Unsubscribe(url=unsubscribe_url(user, category), label=Category(category).label)


def notification_send_email(*, notification_id: int) -> None:
    """E-mail one notification, once: a retried or repeated call sends nothing twice."""
    notification = (
        Notification.objects.select_related("user", "opportunity").filter(pk=notification_id, emailed_at=None).first()
    )
    # Claim the row first, so a redelivered task and the sweeper can't both send it.
    if notification is None or not Notification.objects.filter(pk=notification.pk, emailed_at=None).update(
        emailed_at=timezone.now()
    ):
        return
    try:
        if not wants_notification_email(notification.user, notification.kind):
            return  # opted out of e-mails of this kind: handled (the in-app row stays), not sent
        send_templated_mail(
            "notification",
            to=[notification.user.email],
            context={
                "notification": notification,
                "opportunity": notification.opportunity,
                "subject": notification_subject(notification.kind),
            },
            language=notification.user.preferred_language,
            unsubscribe=unsubscribe_link(notification.user, category_of(notification.kind)),
        )
    except Exception:
        Notification.objects.filter(pk=notification.pk).update(emailed_at=None)  # to be retried
        raise


# Task names predate the sub-packages; they stay, so messages queued before a deploy still find their task.


@shared_task(
    name="opportunities.tasks.send_notification_email",
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=True,
    max_retries=6,
    outbox=True,  # failed for good: kept and tried again later (creativelabs.outbox)
)
def send_notification_email(notification_id: int) -> None:
    """E-mail one notification, once: a retried or repeated task sends nothing twice."""
    notification_send_email(notification_id=notification_id)


@shared_task(name="opportunities.tasks.send_unsent_notification_emails")
def send_unsent_notification_emails() -> int:
    """Beat sweeper: e-mail notifications whose message was lost (broker down) or gave up retrying."""
    stale = timezone.now() - datetime.timedelta(minutes=10)
    pending = Notification.objects.filter(emailed_at=None, created_at__lt=stale).values_list("pk", flat=True)[:500]
    for notification_id in pending:
        send_notification_email.delay(notification_id)
    return len(pending)
