"""Introduction and deal-confirmation e-mails, sent by the worker, each once however often a task runs."""

from django.utils import timezone, translation

from accounts.models import User
from companies.models import Membership
from creativelabs.mail import send_templated_mail

from ..models import Deal, Interest, Introduction, Notification
from ..notifications.emails import unsubscribe_link
from ..notifications.messages import MESSAGES
from ..notifications.preferences import Category, wants_notification_email
from .links import DEAL_CONFIRMATION_MAX_AGE, deal_confirmation_url
from .selectors import confirmation_recipients

CLIENT_LANGUAGE = "en"  # the local client is no portal user: English is the programme's shared language


def introduction_send_emails(*, introduction_id: int) -> int:
    """E-mail the company and the client each the other's details; returns how many went out now.

    What was sent is recorded as an (already read) notification to the introducing developer,
    claimed before sending: a retried or repeated task finds the record and sends nothing twice.
    """
    introduction = (
        Introduction.objects.select_related(
            "interest__opportunity__lab", "interest__company", "interest__contact", "introduced_by"
        )
        .filter(pk=introduction_id)
        .first()
    )
    if introduction is None or introduction.introduced_by is None:
        return 0  # undone, or the developer's account is gone: nobody stands behind this introduction any more
    interest = introduction.interest
    contact = _company_contact(interest)
    if contact is None:
        return 0  # nobody left at the company to introduce
    context = {
        "introduction": introduction,
        "interest": interest,
        "opportunity": interest.opportunity,
        "company": interest.company,
        "contact": contact,
        "contact_phone": interest.contact_phone if contact.pk == interest.contact_id else "",
        "developer": introduction.introduced_by,
    }
    sent = _send_once(
        introduction,
        side="company",
        recipient=contact,
        name="introduction_company",
        to=[contact.email],
        context=context,
        language=contact.preferred_language,
    )
    sent += _send_once(
        introduction,
        side="client",
        name="introduction_client",
        to=[introduction.client_contact_email],
        context=context,
        language=CLIENT_LANGUAGE,
    )
    return sent


def _company_contact(interest: Interest) -> User | None:
    """The interest's contact if still with the company, else its first owner."""
    members = User.objects.filter(membership__company_id=interest.company_id, is_active=True)
    contact = members.filter(pk=interest.contact_id).first() if interest.contact_id else None
    return contact or members.filter(membership__role=Membership.Role.OWNER).order_by("pk").first()


def _send_once(
    introduction: Introduction,
    *,
    side: str,
    name: str,
    to: list[str],
    context: dict,
    language: str,
    recipient: User | None = None,
) -> int:
    """Send one side's e-mail unless already recorded; `recipient`, a portal user, may have turned it off."""
    developer = introduction.introduced_by
    with translation.override(developer.preferred_language):
        message = str(
            MESSAGES["introduction_mailed"]
            % {"title": introduction.interest.opportunity.title, "recipient": ", ".join(to)}
        )
    now = timezone.now()
    record, is_new = Notification.objects.get_or_create(
        dedupe_key=f"introduction-mail:{introduction.pk}:{side}",
        defaults={
            "user": developer,
            "kind": "introduction_mailed",
            "opportunity": introduction.interest.opportunity,
            "message": message[:300],
            "emailed_at": now,
            "read_at": now,
        },
    )
    if not is_new:
        return 0
    unsubscribe = None
    if recipient is not None:
        if not wants_notification_email(recipient, "introduced"):
            return 0  # turned these e-mails off: the introduction shows on the company's pages
        unsubscribe = unsubscribe_link(recipient, Category.STATUS)
    try:
        send_templated_mail(name, to=to, context=context, language=language, unsubscribe=unsubscribe)
    except Exception:
        record.delete()  # not sent: the retry claims it again
        raise
    return 1


def deal_send_confirmation(*, deal_id: int, confirmation_round: int) -> bool:
    """E-mail this round's confirmation link to each person asked, once; False when nothing (more) was sent.

    Each recipient gets their own message (with their own unsubscribe link) and an in-app
    notification, which is also the record that it went out: a retried task after a mail-server
    failure sends only to those not reached yet, and a task for a replaced round sends nothing.
    Someone who turned off these e-mails is told in the app only.
    """
    deal = (
        Deal.objects.select_related(
            "introduction__interest__opportunity__lab", "introduction__interest__company", "recorded_by"
        )
        .filter(pk=deal_id, confirmation_round=confirmation_round, state=Deal.State.AWAITING)
        .first()
    )
    if deal is None:
        return False
    interest = deal.introduction.interest
    context = {
        "deal": deal,
        "interest": interest,
        "opportunity": interest.opportunity,
        "company": interest.company,
        "confirm_url": deal_confirmation_url(deal),
        "days": DEAL_CONFIRMATION_MAX_AGE // (24 * 3600),
    }
    sent = 0
    for person in confirmation_recipients(deal):
        with translation.override(person.preferred_language):
            message = str(MESSAGES["deal_confirm"] % {"title": interest.opportunity.title})
        record, is_new = Notification.objects.get_or_create(
            dedupe_key=f"deal-confirmation:{deal.pk}:{confirmation_round}:{person.pk}",
            defaults={
                "user": person,
                "kind": "deal_confirm",
                "opportunity": interest.opportunity,
                "message": message[:300],
                "emailed_at": timezone.now(),
            },
        )
        if not is_new or not wants_notification_email(person, "deal_confirm"):
            continue
        try:
            send_templated_mail(
                "deal_confirmation",
                to=[person.email],
                context=context,
                language=person.preferred_language,
                unsubscribe=unsubscribe_link(person, Category.STATUS),
            )
        except Exception:
            record.delete()  # not sent: the retry sends it
            raise
        sent += 1
    Deal.objects.filter(pk=deal.pk, confirmation_round=confirmation_round, confirmation_sent_at=None).update(
        confirmation_sent_at=timezone.now()
    )
    return sent > 0
