"""In-app notifications about opportunities, each also sent by e-mail by the worker (`emails`).

A notification row is written in the same transaction as the event it tells about; the
e-mail is enqueued after commit and marks the row when sent, so a retried task sends once.
"""

import datetime

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, override

from accounts.models import User
from creativelabs.celery import enqueue_on_commit

from ..models import Notification, Opportunity, OpportunityEvent
from .emails import send_notification_email

MESSAGES = {
    "submitted": _("“%(title)s” was submitted for review."),
    OpportunityEvent.Action.SENT_BACK: _("“%(title)s” was sent back: %(note)s"),
    OpportunityEvent.Action.REJECTED: _("“%(title)s” was rejected: %(note)s"),
    OpportunityEvent.Action.PUBLISHED: _("“%(title)s” is published."),
    "reminder": ngettext_lazy(
        "“%(title)s” closes for expressions of interest in %(days)d day, on %(deadline)s.",
        "“%(title)s” closes for expressions of interest in %(days)d days, on %(deadline)s.",
        "days",
    ),
    # A new well-matched opportunity for the company (notifications/alerts.py)
    "match": _("New for your company: “%(title)s” in %(city)s (match: %(band)s)."),
    # Suggestions and expressions of interest
    "suggestion_invited": _("You are invited to express interest in “%(title)s”."),
    "suggestion_invited_note": _("You are invited to express interest in “%(title)s”: %(note)s"),
    "interest_new": _("%(company)s expressed interest in “%(title)s”."),
    "interest_withdrawn": _("%(company)s withdrew its interest in “%(title)s”."),
    "interest_replied": _("Your interest in “%(title)s” has been answered: %(reply)s."),
    "interest_replied_reason": _("Your interest in “%(title)s” has been answered: %(reply)s — %(reason)s"),
    "interest_reminder_5": _("%(company)s's interest in “%(title)s” waits for your answer; please reply by %(due)s."),
    "interest_reminder_7": _("Your answer to %(company)s's interest in “%(title)s” is due today (%(due)s)."),
    # Introductions and deals
    "introduced": _(
        "%(company)s has been introduced to the client for “%(title)s”. "
        "The client's contact details are on your expression of interest."
    ),
    "deal_confirm": _(
        "Please confirm the deal for “%(title)s”: the link is in your e-mail and on your company's opportunities page."
    ),
    "introduction_mailed": _("The introduction e-mail for “%(title)s” went to %(recipient)s."),
    "deal_confirmed": _("%(company)s confirmed the deal for “%(title)s”: %(value)s, fee %(fee)s."),
    "deal_disputed": _("%(company)s disputes the deal for “%(title)s” (%(value)s): %(note)s"),
}


def notify(*, users, kind: str, opportunity: Opportunity, dedupe: str | None = None, **params) -> list[Notification]:
    created = []
    for user in users:
        with override(user.preferred_language):
            # Dates are formatted in the reader's language too, not the worker's.
            values = {
                name: date_format(value) if isinstance(value, datetime.date) else value
                for name, value in params.items()
            }
            message = str(MESSAGES[kind] % {"title": opportunity.title, **values})
        fields = {"user": user, "kind": kind, "opportunity": opportunity, "message": message[:300]}
        if dedupe:
            # get_or_create, not exists() then create(): two runs at once still make one row, without an error.
            notification, is_new = Notification.objects.get_or_create(dedupe_key=f"{dedupe}:{user.pk}", defaults=fields)
            if not is_new:
                continue
        else:
            notification = Notification.objects.create(**fields)
        created.append(notification)
        enqueue_on_commit(send_notification_email, notification.pk)
    return created


def notify_reviewers(opportunity: Opportunity, *, actor: User | None = None) -> None:
    reviewers = User.objects.filter(embassy_staff__post__country_id=opportunity.country_id, is_active=True)
    if actor is not None:  # embassy staff who submit their own draft aren't told about it
        reviewers = reviewers.exclude(pk=actor.pk)
    notify(users=reviewers, kind="submitted", opportunity=opportunity)


def notify_author(opportunity: Opportunity, *, action: str, note: str, actor: User) -> None:
    authors = _authors(opportunity).exclude(pk=actor.pk)
    notify(users=authors, kind=action, opportunity=opportunity, note=note)


def notify_deadline_reminder(opportunity: Opportunity, *, days: int) -> list[Notification]:
    """Remind the authors once per deadline and number of days; the new notifications (none when already sent)."""
    return notify(
        users=_authors(opportunity),
        kind="reminder",
        opportunity=opportunity,
        dedupe=f"reminder:{opportunity.pk}:{opportunity.deadline.isoformat()}:{days}",
        days=days,
        deadline=opportunity.deadline,
    )


def _authors(opportunity: Opportunity):
    """Who is told about an opportunity: its creator and its contact business developers."""
    return User.objects.filter(
        Q(pk=opportunity.created_by_id) | Q(business_developer__contact_for=opportunity), is_active=True
    ).distinct()
