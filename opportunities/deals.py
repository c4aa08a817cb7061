"""Warm introductions, deals and their fees: who may see and do what, and the writes themselves.

An introduction reveals the two sides to each other: the company sees the client's contact from
then on, and both get an e-mail with the other's details. A won introduction becomes a deal whose
fee is computed from the percentage the company accepted with its expression of interest (never
the opportunity's current one); the company confirms the value through a signed link before the
fee is final. Money is `Decimal` everywhere, rounded half-up to cents.
"""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.preferences import Category, wants_notification_email
from accounts.roles import roles_of
from companies.models import Membership
from creativelabs.celery import enqueue_on_commit
from creativelabs.mail import send_templated_mail
from creativelabs.tokens import LinkError

from .interests import answerable_interests, company_recipients, may_decide, may_follow
from .models import (
    MAX_DEAL_VALUE,
    Deal,
    Interest,
    Introduction,
    Notification,
    Opportunity,
    Status,
    Suggestion,
    SuggestionAction,
)
from .notifications import MESSAGES, notify

DEAL_CONFIRMATION_MAX_AGE = 14 * 24 * 3600  # the link in the e-mail works for 14 days
_CONFIRMATION_SALT = "opportunities.deal-confirmation"
CENT = Decimal("0.01")
_AMOUNT = re.compile(r"^\d{1,10}(\.\d+)?$")
# Opportunities in these states have no client to introduce anybody to.
_NO_INTRODUCTIONS = (Status.DRAFT, Status.REJECTED, Status.WITHDRAWN)


class DealError(Exception):
    """A refused introduction or deal step; the message is for the person who tried it."""


# --- Who may see what ----------------------------------------------------------------------------


def manageable_introductions(user):
    """Introductions whose outcome this user records: their Lab's (developers), all (admins)."""
    return Introduction.objects.filter(interest__in=answerable_interests(user))


def manageable_deals(user):
    return Deal.objects.filter(introduction__interest__in=answerable_interests(user))


def overview_deals(user):
    """Deals on the overview: the Lab's (developers), the country's Labs' (embassy staff), all (admins)."""
    roles = roles_of(user)
    deals = Deal.objects.all()
    if roles.is_admin:
        return deals
    allowed = Q(pk__in=[])
    if roles.business_developer:
        allowed |= Q(introduction__interest__opportunity__lab_id=roles.business_developer.lab_id)
    if roles.embassy_staff:
        allowed |= Q(introduction__interest__opportunity__lab__country_id=roles.embassy_staff.post.country_id)
    return deals.filter(allowed)


def company_deals(user):
    """The deals of the user's own company: what its members may confirm or dispute."""
    membership = roles_of(user).membership
    if membership is None:
        return Deal.objects.none()
    return Deal.objects.filter(introduction__interest__company_id=membership.company_id)


def introductions_visible_on(user, opportunity: Opportunity):
    """An opportunity's introductions, for its Lab's developers, its country's embassy staff and admins."""
    if not may_follow(user, opportunity):
        return Introduction.objects.none()
    return Introduction.objects.filter(interest__opportunity=opportunity)


def is_company_member(user, interest: Interest) -> bool:
    membership = roles_of(user).membership
    return membership is not None and membership.company_id == interest.company_id


def introduction_refusal(interest: Interest) -> str | None:
    """Why this interest can't be introduced (None when it can)."""
    if interest.state == Interest.State.WITHDRAWN:
        return _("The company withdrew its expression of interest, so it can't be introduced.")
    if Introduction.objects.filter(interest=interest).exists():
        return _("This company has already been introduced for this opportunity.")
    if interest.opportunity.status in _NO_INTRODUCTIONS:
        return _("Companies can only be introduced for an opportunity that was published.")
    return None


# --- Introductions -------------------------------------------------------------------------------


@transaction.atomic
def introduce(
    *,
    interest: Interest,
    user: User,
    client_contact_name: str,
    client_contact_email: str,
    client_contact_phone: str = "",
    note: str = "",
) -> Introduction:
    """Introduce the company to the local client: once per interest, by the opportunity's Lab.

    The pair's suggestion records the introduction; a company introduced without one (it came
    in through an invitation or by itself) gets a suggestion added by hand, so the Lab's view of
    an opportunity always holds every company it introduced, with its history.
    """
    interest = Interest.objects.select_for_update().select_related("opportunity", "company").get(pk=interest.pk)
    if not may_decide(user, interest.opportunity):
        raise DealError(_("Only the opportunity's Lab can introduce companies for it."))
    refusal = introduction_refusal(interest)
    if refusal:
        raise DealError(refusal)
    name, email = client_contact_name.strip(), client_contact_email.strip()
    if not name or not email:
        raise DealError(_("Give the client contact's name and e-mail address."))
    now = timezone.now()
    introduction = Introduction.objects.create(
        interest=interest,
        introduced_by=user,
        client_contact_name=name,
        client_contact_email=email,
        client_contact_phone=client_contact_phone.strip(),
        note=note.strip(),
    )
    interest.reply = Interest.Reply.INTRODUCED
    interest.state = Interest.State.ANSWERED
    interest.replied_by = user
    interest.replied_at = now
    interest.save(update_fields=["reply", "state", "replied_by", "replied_at", "updated_at"])

    suggestion, _created = Suggestion.objects.select_for_update().get_or_create(
        opportunity=interest.opportunity,
        company=interest.company,
        defaults={
            "score": 0,
            "parts": [],
            "engine_version": "manual",
            "computed_at": now,
            "source": Suggestion.Source.MANUAL,
        },
    )
    suggestion.decision = Suggestion.Decision.INTRODUCED
    suggestion.decided_by = user
    suggestion.decided_at = now
    suggestion.save(update_fields=["decision", "decided_by", "decided_at"])
    SuggestionAction.objects.create(
        suggestion=suggestion, actor=user, action=Suggestion.Decision.INTRODUCED, note=introduction.note
    )

    notify(
        users=company_recipients(interest.company),
        kind="introduced",
        opportunity=interest.opportunity,
        dedupe=f"introduced:{interest.pk}",
        company=interest.company.name,
    )
    from .tasks import send_introduction_emails

    enqueue_on_commit(send_introduction_emails, introduction.pk)
    return introduction


# --- Deals ---------------------------------------------------------------------------------------


def fee_for(value: Decimal, percentage: Decimal) -> Decimal:
    """The fee on `value` at `percentage` percent, rounded half-up to cents."""
    return (value * percentage / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)


def clean_amount(raw) -> Decimal:
    """A deal value from what a person typed: more than 0, at most 10⁹, at most two decimals."""
    text = str(raw).strip().replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # a decimal comma, as Dutch and German write it
    if not _AMOUNT.match(text):
        raise DealError(_("Enter the amount in digits, such as 12500 or 12500.50, without thousands separators."))
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise DealError(_("Enter the amount in digits, such as 12500 or 12500.50.")) from None
    if value.as_tuple().exponent < -2 and value != value.quantize(CENT):
        raise DealError(_("Give the amount in whole cents: at most two decimals."))
    value = value.quantize(CENT)
    if value <= 0:
        raise DealError(_("The deal value must be more than 0."))
    if value > MAX_DEAL_VALUE:
        raise DealError(_("The deal value can be at most 1,000,000,000. Check the amount for a typo."))
    return value


def clean_currency(currency: str) -> str:
    if currency not in Opportunity.Currency.values:
        raise DealError(
            _("Choose one of the currencies %(currencies)s.") % {"currencies": ", ".join(Opportunity.Currency.values)}
        )
    return currency


@transaction.atomic
def introduction_record_outcome(
    *,
    introduction: Introduction,
    user: User,
    outcome: str,
    note: str = "",
    value=None,
    currency: str = "",
    closed_on: datetime.date | None = None,
    description: str = "",
) -> Deal | None:
    """Record how an introduction ended; a won one becomes (or corrects) its deal and asks the company to confirm.

    A won deal can be corrected until the company confirmed it; each correction sends a new link
    and makes the older ones stop working. Once won, the outcome itself no longer changes.
    """
    introduction = (
        Introduction.objects.select_for_update()
        .select_related("interest__opportunity", "interest__company")
        .get(pk=introduction.pk)
    )
    if not may_decide(user, introduction.interest.opportunity):
        raise DealError(_("Only the opportunity's Lab can record the outcome of its introductions."))
    if outcome not in (Introduction.Outcome.WON, Introduction.Outcome.LOST, Introduction.Outcome.STALLED):
        raise DealError(_("Choose won, lost or stalled."))
    if outcome != Introduction.Outcome.WON and introduction.outcome == Introduction.Outcome.WON:
        raise DealError(_("This introduction was won; a recorded deal can be corrected but not undone."))
    deal = Deal.objects.select_for_update().filter(introduction=introduction).first()
    if outcome == Introduction.Outcome.WON:
        if deal is not None and deal.state == Deal.State.CONFIRMED:
            raise DealError(_("The company confirmed this deal; its value can no longer be changed."))
        value = clean_amount(value)
        currency = clean_currency(currency)
        description = description.strip()
        if closed_on is None or not description:
            raise DealError(_("A won deal needs its date and a short description."))
        if closed_on > timezone.localdate():
            raise DealError(_("The deal date can't be in the future."))
    introduction.outcome = outcome
    introduction.outcome_note = note.strip()[:500]
    introduction.outcome_recorded_by = user
    introduction.outcome_recorded_at = timezone.now()
    introduction.save(update_fields=["outcome", "outcome_note", "outcome_recorded_by", "outcome_recorded_at"])
    if outcome != Introduction.Outcome.WON:
        return None

    # The percentage the company accepted when it expressed interest, not what the opportunity says now.
    percentage = introduction.interest.accepted_fee_percentage
    fields = {
        "value": value,
        "currency": currency,
        "closed_on": closed_on,
        "description": description[:300],
        "fee_percentage": percentage,
        "fee_amount": fee_for(value, percentage),
        "recorded_by": user,
        "state": Deal.State.AWAITING,
    }
    if deal is None:
        deal = Deal.objects.create(introduction=introduction, **fields)
    else:
        for name, new in fields.items():
            setattr(deal, name, new)
        deal.save(update_fields=[*fields, "updated_at"])
    _send_confirmation_link(deal)
    return deal


def _send_confirmation_link(deal: Deal) -> None:
    """A new round: links of earlier rounds stop working; the worker e-mails this one once."""
    deal.confirmation_round += 1
    deal.confirmation_sent_at = None
    deal.save(update_fields=["confirmation_round", "confirmation_sent_at", "updated_at"])
    from .tasks import send_deal_confirmation_email

    enqueue_on_commit(send_deal_confirmation_email, deal.pk, deal.confirmation_round)


@transaction.atomic
def deal_resend_confirmation(*, deal: Deal, user: User) -> Deal:
    """Send the company a new confirmation link (a disputed deal goes back to awaiting)."""
    deal = Deal.objects.select_for_update().select_related("introduction__interest__opportunity").get(pk=deal.pk)
    if not may_decide(user, deal.introduction.interest.opportunity):
        raise DealError(_("Only the opportunity's Lab can send confirmation links."))
    if deal.state == Deal.State.CONFIRMED:
        raise DealError(_("The company has already confirmed this deal."))
    deal.state = Deal.State.AWAITING
    deal.save(update_fields=["state", "updated_at"])
    _send_confirmation_link(deal)
    return deal


def confirmation_recipients(deal: Deal):
    """Who gets the confirmation link: the interest's contact and the company's owners, if still members."""
    interest = deal.introduction.interest
    return User.objects.filter(
        Q(pk=interest.contact_id) | Q(membership__role=Membership.Role.OWNER),
        membership__company_id=interest.company_id,
        is_active=True,
    ).order_by("pk")


def deal_confirmation_token(deal: Deal) -> str:
    """A signed link token for the deal's current confirmation round."""
    return signing.dumps({"deal": deal.pk, "round": deal.confirmation_round}, salt=_CONFIRMATION_SALT)


def read_confirmation_token(token: str) -> tuple[int, int]:
    """The (deal id, confirmation round) of a link; LinkError when tampered with or expired.

    Not creativelabs.tokens.read_link_token: that one carries an e-mail address, this one the
    round, so that sending a new link makes every older one stop working.
    """
    try:
        payload = signing.loads(token, salt=_CONFIRMATION_SALT, max_age=DEAL_CONFIRMATION_MAX_AGE)
    except signing.SignatureExpired:
        raise LinkError(_("This link has expired. Ask the business developer to send you a new one.")) from None
    except signing.BadSignature:
        raise LinkError(_("This link is not valid. Check that you copied all of it.")) from None
    if (
        not isinstance(payload, dict)
        or not isinstance(payload.get("deal"), int)
        or not isinstance(payload.get("round"), int)
    ):
        raise LinkError(_("This link is not valid. Check that you copied all of it."))
    return payload["deal"], payload["round"]


def check_confirmation_link(deal: Deal, confirmation_round: int) -> None:
    """LinkError unless the link is the latest one and the deal still waits for an answer."""
    if deal.state == Deal.State.CONFIRMED:
        raise LinkError(_("This deal has already been confirmed. Thank you."))
    if deal.state == Deal.State.DISPUTED:
        raise LinkError(
            _("This deal has been disputed. The business developer will correct it and send you a new link.")
        )
    if confirmation_round != deal.confirmation_round:
        raise LinkError(_("A newer link has been sent for this deal. Use the link in the latest e-mail."))


def _answer(*, deal: Deal, confirmation_round: int) -> Deal:
    deal = (
        Deal.objects.select_for_update()
        .select_related("introduction__interest__opportunity", "introduction__interest__company")
        .get(pk=deal.pk)
    )
    check_confirmation_link(deal, confirmation_round)
    return deal


@transaction.atomic
def deal_confirm(*, deal: Deal, user: User, confirmation_round: int) -> Deal:
    """The company confirms the deal value: the fee is final."""
    deal = _answer(deal=deal, confirmation_round=confirmation_round)
    deal.state = Deal.State.CONFIRMED
    deal.confirmed_by = user
    deal.confirmed_at = timezone.now()
    deal.save(update_fields=["state", "confirmed_by", "confirmed_at", "updated_at"])
    _notify_developers(deal, kind="deal_confirmed")
    return deal


@transaction.atomic
def deal_dispute(*, deal: Deal, user: User, confirmation_round: int, note: str) -> Deal:
    """The company disputes the deal value, saying why; the developer corrects it and sends a new link."""
    note = note.strip()
    if not note:
        raise DealError(_("Tell the business developer what is wrong with the deal."))
    deal = _answer(deal=deal, confirmation_round=confirmation_round)
    deal.state = Deal.State.DISPUTED
    deal.dispute_note = note[:2000]
    deal.disputed_at = timezone.now()
    deal.save(update_fields=["state", "dispute_note", "disputed_at", "updated_at"])
    _notify_developers(deal, kind="deal_disputed", note=deal.dispute_note)
    return deal


def _notify_developers(deal: Deal, *, kind: str, **params) -> None:
    """Tell who recorded the deal and who made the introduction; the Lab's developers if both are gone."""
    introduction = deal.introduction
    opportunity = introduction.interest.opportunity
    people = User.objects.filter(pk__in=[deal.recorded_by_id, introduction.introduced_by_id], is_active=True)
    if not people.exists():
        people = User.objects.filter(business_developer__lab_id=opportunity.lab_id, is_active=True)
    notify(
        users=people,
        kind=kind,
        opportunity=opportunity,
        dedupe=f"{kind}:{deal.pk}:{deal.confirmation_round}",
        company=introduction.interest.company.name,
        value=f"{deal.value} {deal.currency}",
        fee=f"{deal.fee_amount} {deal.currency}",
        **params,
    )


# --- E-mails (sent by the worker, each once) ---------------------------------------------------------

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
        unsubscribe=(contact, Category.STATUS),
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
    unsubscribe: tuple | None = None,
) -> int:
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
    if unsubscribe is not None and not wants_notification_email(unsubscribe[0], "introduced"):
        return 0  # turned these e-mails off: the introduction shows on the company's pages
    try:
        send_templated_mail(name, to=to, context=context, language=language, unsubscribe=unsubscribe)
    except Exception:
        record.delete()  # not sent: the retry claims it again
        raise
    return 1


def deal_confirmation_url(deal: Deal) -> str:
    return settings.SITE_URL + reverse("opportunities:deal_confirm", kwargs={"token": deal_confirmation_token(deal)})


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
                unsubscribe=(person, Category.STATUS),
            )
        except Exception:
            record.delete()  # not sent: the retry sends it
            raise
        sent += 1
    Deal.objects.filter(pk=deal.pk, confirmation_round=confirmation_round, confirmation_sent_at=None).update(
        confirmation_sent_at=timezone.now()
    )
    return sent > 0


# --- The overview --------------------------------------------------------------------------------


@dataclass
class Total:
    """Sums for one group in one currency; amounts of different currencies are never added up."""

    currency: str
    count: int = 0
    value: Decimal = Decimal("0.00")
    fees_due: Decimal = Decimal("0.00")  # awaiting confirmation or disputed
    fees_confirmed: Decimal = Decimal("0.00")

    def add(self, deal: Deal) -> None:
        self.count += 1
        self.value += deal.value
        if deal.state == Deal.State.CONFIRMED:
            self.fees_confirmed += deal.fee_amount
        else:
            self.fees_due += deal.fee_amount


@dataclass
class Group:
    label: str
    totals: list[Total] = field(default_factory=list)


def deal_totals(deals) -> dict[str, list]:
    """Totals per currency: overall, per Lab and per business developer who recorded the deal.

    Summed in Python from the listed rows, as exact Decimals (SQLite would sum in floating point).
    """
    overall: dict[str, Total] = {}
    by_lab: dict[tuple, dict[str, Total]] = defaultdict(dict)
    by_developer: dict[tuple, dict[str, Total]] = defaultdict(dict)
    for deal in deals:
        lab = deal.introduction.interest.opportunity.lab
        developer = deal.recorded_by
        for bucket in (
            overall,
            by_lab[(lab.name, lab.pk)],
            by_developer[(str(developer) if developer else _("(account removed)"), deal.recorded_by_id or 0)],
        ):
            bucket.setdefault(deal.currency, Total(currency=deal.currency)).add(deal)

    def groups(source):
        ordered = sorted(source.items())
        return [Group(label=label, totals=[totals[c] for c in sorted(totals)]) for (label, _pk), totals in ordered]

    return {
        "overall": [overall[c] for c in sorted(overall)],
        "by_lab": groups(by_lab),
        "by_developer": groups(by_developer),
    }
