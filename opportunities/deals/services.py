"""Warm introductions, deals and their fees: the writes.

An introduction reveals the two sides to each other: the company sees the client's contact from
then on, and both get an e-mail with the other's details (`emails`). A won introduction becomes a
deal whose fee follows the fee rule (`fees`); the company confirms the value through a signed link
(`links`) before the fee is final. Who may do each step: `opportunities.permissions`.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from creativelabs.celery import enqueue_on_commit
from creativelabs.formats import Money, format_number, parse_number

from ..interests.selectors import company_recipients
from ..models import MAX_DEAL_VALUE, Deal, Interest, Introduction, Opportunity, Suggestion, SuggestionAction
from ..notifications.services import notify
from ..permissions import may_decide
from ..suggestions.manual import suggestion_for_pair
from .fees import CENT, fee_for, fee_recipient_for
from .links import check_confirmation_link
from .selectors import introduction_refusal
from .tasks import send_deal_confirmation_email, send_introduction_emails

RESEND_AFTER = datetime.timedelta(minutes=1)  # a new confirmation link at most this often


class DealError(Exception):
    """A refused introduction or deal step; the message is for the person who tried it."""


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

    suggestion, _created = suggestion_for_pair(
        opportunity=interest.opportunity, company=interest.company, score=0.0, parts=[], engine_version="manual"
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
    enqueue_on_commit(send_introduction_emails, introduction.pk)
    return introduction


# --- Deals ---------------------------------------------------------------------------------------


def clean_amount(raw) -> Decimal:
    """A deal value from what a person typed: more than 0, at most 10⁹, at most two decimals."""
    try:
        value = parse_number(raw)
        if len(str(value).split(".")[0]) > 10:
            raise ValueError("too many digits")
    except (ValueError, InvalidOperation):
        raise DealError(
            _("Enter the amount in digits, such as %(example)s.") % {"example": format_number(Decimal("12500.50"))}
        ) from None
    if value.as_tuple().exponent < -2 and value != value.quantize(CENT):
        raise DealError(_("Give the amount in whole cents: at most two decimals."))
    value = value.quantize(CENT)
    if value <= 0:
        raise DealError(_("The deal value must be more than 0."))
    if value > MAX_DEAL_VALUE:
        raise DealError(
            _("The deal value can be at most %(maximum)s. Check the amount for a typo.")
            % {"maximum": format_number(MAX_DEAL_VALUE, 0)}
        )
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
    Recording what is recorded already (a double click, a retried request) changes and sends nothing.
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
    note = note.strip()[:500]
    if outcome == Introduction.Outcome.WON:
        # The fee rule (`fees`): the percentage the company accepted, not what the opportunity says now.
        percentage = introduction.interest.accepted_fee_percentage
        terms = {
            "value": value,
            "currency": currency,
            "closed_on": closed_on,
            "description": description[:300],
            "fee_percentage": percentage,
            "fee_amount": fee_for(value, percentage),
        }
    if (introduction.outcome, introduction.outcome_note) == (outcome, note):
        # Recorded already (a double click, a retried request): nothing changes and nothing is sent.
        # For a deal that means while the company has the link for these very terms: a new round
        # would void the link it just got.
        if outcome != Introduction.Outcome.WON:
            return None
        if deal is not None and deal.state == Deal.State.AWAITING and _same_terms(deal, terms):
            return deal
    introduction.outcome = outcome
    introduction.outcome_note = note
    introduction.outcome_recorded_by = user
    introduction.outcome_recorded_at = timezone.now()
    introduction.save(update_fields=["outcome", "outcome_note", "outcome_recorded_by", "outcome_recorded_at"])
    if outcome != Introduction.Outcome.WON:
        return None

    recipient = fee_recipient_for(introduction.interest.opportunity)
    fields = {
        **terms,
        "recorded_by": user,
        "state": Deal.State.AWAITING,
        "fee_recipient": recipient,
        "fee_recipient_name": recipient.name if recipient is not None else "",
    }
    if deal is None:
        deal = Deal.objects.create(introduction=introduction, **fields)
    else:
        for name, new in fields.items():
            setattr(deal, name, new)
        deal.save(update_fields=[*fields, "updated_at"])
    _send_confirmation_link(deal)
    return deal


def _same_terms(deal: Deal, terms: dict) -> bool:
    return all(getattr(deal, name) == value for name, value in terms.items())


def _send_confirmation_link(deal: Deal) -> None:
    """A new round: links of earlier rounds stop working; the worker e-mails this one once."""
    deal.confirmation_round += 1
    deal.confirmation_sent_at = None
    deal.save(update_fields=["confirmation_round", "confirmation_sent_at", "updated_at"])
    enqueue_on_commit(send_deal_confirmation_email, deal.pk, deal.confirmation_round)


@transaction.atomic
def deal_resend_confirmation(*, deal: Deal, user: User) -> Deal:
    """Send the company a new confirmation link (a disputed deal goes back to awaiting)."""
    deal = Deal.objects.select_for_update().select_related("introduction__interest__opportunity").get(pk=deal.pk)
    if not may_decide(user, deal.introduction.interest.opportunity):
        raise DealError(_("Only the opportunity's Lab can send confirmation links."))
    if deal.state == Deal.State.CONFIRMED:
        raise DealError(_("The company has already confirmed this deal."))
    if deal.state == Deal.State.AWAITING and deal.updated_at > timezone.now() - RESEND_AFTER:
        # This round began under a minute ago (an awaiting deal is saved only to begin one): a second
        # click or a retried request, which must not void the link that is on its way.
        return deal
    deal.state = Deal.State.AWAITING
    deal.save(update_fields=["state", "updated_at"])
    _send_confirmation_link(deal)
    return deal


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
        value=Money(deal.value, deal.currency),
        fee=Money(deal.fee_amount, deal.currency),
        **params,
    )
