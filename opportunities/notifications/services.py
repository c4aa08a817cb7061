"""In-app notifications about opportunities, each also sent by e-mail by the worker (`emails`).

A notification row is written in the same transaction as the event it tells about; the
e-mail is enqueued after commit and marks the row when sent, so a retried task sends once.

A notification is kept as its kind (a key of `MESSAGES`) and its parameters (`params.py`: dates,
amounts and labels as data) and put into words by `notification_text` whenever it is shown, in the
reader's language: the page's, or the recipient's preferred language in an e-mail. `message` holds
the words as first written, in the recipient's language: what rows from before the parameters say.
"""

from django.db.models import Q
from django.utils.translation import override

from accounts.models import User
from creativelabs.celery import enqueue_on_commit

from ..models import Notification, Opportunity
from .emails import send_notification_email
from .messages import MESSAGES, notification_text, render_message  # noqa: F401 (the messages' home)
from .params import encode


def notify(*, users, kind: str, opportunity: Opportunity, dedupe: str | None = None, **params) -> list[Notification]:
    """Tell `users` about `opportunity` with the message `MESSAGES[kind]` % params.

    Parameters may be text, numbers, dates, `creativelabs.formats.Money` and lazy labels; each
    reader sees them in their own language and format. `opportunity` may be None for a message about
    something else (an exchange): then `title` is one of the parameters."""
    title = {"title": opportunity.title} if opportunity is not None else {}
    stored = {**title, **{name: encode(value) for name, value in params.items()}}
    created = []
    for user in users:
        with override(user.preferred_language):
            message = render_message(kind, stored)
        fields = {"user": user, "kind": kind, "opportunity": opportunity, "message": message[:300], "params": stored}
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
