"""From suggestion to expression of interest: decisions on suggestions, interests, replies, reminders.

Who may do what is answered in `opportunities.permissions`, once, for the views and these services alike:
the opportunity's Lab's business developers and admins decide on suggestions (shortlist, dismiss, invite,
clear, add by hand) and answer expressions of interest; members of a company express interest for their
company, withdraw it, and see its answers.

Every write is one transaction; notifications are rows in it and their e-mails go out after commit.
An expression of interest leaves the pair's suggestion as it is (none is created either): the
expression itself is the company's side of the record, and the suggestion stays the Lab's.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from companies.models import Company

from ..models import REPLY_DAYS, Interest, Opportunity, Status, Suggestion, SuggestionAction
from ..notifications.services import notify
from ..permissions import may_decide
from ..suggestions.manual import suggestion_for_pair
from .selectors import company_recipients, fee_note_digest, has_introduction, lab_recipients

Decision = Suggestion.Decision
MAX_NOTE = 500  # Suggestion.decision_note
REMINDER_DAYS = (5, 7)  # after submission, while the expression waits for an answer
REMINDER_GRACE = datetime.timedelta(days=2)  # the day-7 reminder is still sent this long after it fell due
LAB_REPLIES = (Interest.Reply.MORE_INFO, Interest.Reply.NOT_SELECTED, Interest.Reply.CLOSED)


class InterestError(Exception):
    """A step that doesn't apply as things are now; the message says why, for the person who tried."""


class FeeTermsChanged(InterestError):
    """The opportunity's fee terms changed after the person read them."""


# --- Decisions on suggestions ------------------------------------------------------------------------------

ACTIONS = {
    "shortlist": Decision.SHORTLISTED,
    "dismiss": Decision.DISMISSED,
    "invite": Decision.INVITED,
    "clear": Decision.NONE,
}
ADDED = "added"  # SuggestionAction.action of a company added by hand
CLEARED = "cleared"


@transaction.atomic
def suggestion_decide(*, suggestion: Suggestion, user: User, action: str, note: str = "") -> Suggestion:
    """Shortlist, dismiss (a reason is kept), invite (the company is told) or clear; recorded with who and when."""
    if action not in ACTIONS:
        raise InterestError(_("Unknown action."))
    suggestion = Suggestion.objects.select_for_update().select_related("opportunity", "company").get(pk=suggestion.pk)
    opportunity = suggestion.opportunity
    if not may_decide(user, opportunity):
        raise PermissionDenied
    decision = ACTIONS[action]
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise InterestError(_("Keep the note under %(count)d characters.") % {"count": MAX_NOTE})
    if suggestion.decision == Decision.INTRODUCED:
        raise InterestError(_("This company has been introduced to the client; that decision stays."))
    if decision == suggestion.decision:
        if decision == Decision.NONE:
            raise InterestError(_("There is no decision to undo."))
        raise InterestError(
            _("%(company)s is already marked “%(decision)s”.")
            % {"company": suggestion.company.name, "decision": suggestion.get_decision_display()}
        )
    if decision == Decision.INVITED:
        if not opportunity.is_open_for_interest:
            raise InterestError(_("Companies can be invited only while the opportunity is published and open."))
        if (
            Interest.objects.filter(opportunity=opportunity, company=suggestion.company)
            .exclude(state=Interest.State.WITHDRAWN)
            .exists()
        ):
            raise InterestError(_("%(company)s has already expressed interest.") % {"company": suggestion.company.name})
    suggestion.decision = decision
    suggestion.decision_note = note
    suggestion.decided_by = user
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["decision", "decision_note", "decided_by", "decided_at"])
    SuggestionAction.objects.create(suggestion=suggestion, actor=user, action=decision or CLEARED, note=note)
    if decision == Decision.INVITED:
        params = {"note": note} if note else {}
        notify(
            users=company_recipients(suggestion.company),
            kind="suggestion_invited_note" if note else "suggestion_invited",
            opportunity=opportunity,
            **params,
        )
    return suggestion


def suggestion_add_manually(*, opportunity: Opportunity, company: Company, user: User, note: str = "") -> Suggestion:
    """Put a company on the shortlist by hand, scored by the engine for this one pair when it can be."""
    if not may_decide(user, opportunity):
        raise PermissionDenied
    score, parts = _score_pair(opportunity, company)
    return _add_manually(opportunity=opportunity, company=company, user=user, note=note, score=score, parts=parts)


def _score_pair(opportunity: Opportunity, company: Company) -> tuple[float, list[dict]]:
    """The engine's score and parts for one pair (0 and none when its filters leave the pair out)."""
    from ..matching.engine import Engine
    from ..suggestions.loader import company_documents, opportunity_documents

    companies = company_documents(Company.objects.filter(pk=company.pk))
    opportunities = opportunity_documents(Opportunity.objects.filter(pk=opportunity.pk))
    ranked = Engine().rank_for_opportunity(opportunities[0], companies) if companies and opportunities else []
    if not ranked:
        return 0.0, []
    best = ranked[0]
    return best.score, [{"name": p.name, "value": p.value, "detail": p.detail} for p in best.parts]


@transaction.atomic
def _add_manually(
    *, opportunity: Opportunity, company: Company, user: User, note: str, score: float, parts: list
) -> Suggestion:
    from ..matching.engine import ENGINE_VERSION

    note = note.strip()
    if len(note) > MAX_NOTE:
        raise InterestError(_("Keep the note under %(count)d characters.") % {"count": MAX_NOTE})
    if not company.open_to_matching:
        raise InterestError(
            _("%(company)s does not want to be suggested for opportunities.") % {"company": company.name}
        )
    suggestion, created = suggestion_for_pair(
        opportunity=opportunity, company=company, score=score, parts=parts, engine_version=ENGINE_VERSION
    )
    # The engine suggested it already: adding it by hand is shortlisting it (it stays the engine's find).
    if not created and suggestion.decision in (Decision.SHORTLISTED, Decision.INVITED, Decision.INTRODUCED):
        raise InterestError(
            _("%(company)s is already on the list: “%(decision)s”.")
            % {"company": company.name, "decision": suggestion.get_decision_display()}
        )
    suggestion.decision = Decision.SHORTLISTED
    suggestion.decision_note = note
    suggestion.decided_by = user
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["decision", "decision_note", "decided_by", "decided_at"])
    SuggestionAction.objects.create(
        suggestion=suggestion, actor=user, action=ADDED if created else Decision.SHORTLISTED, note=note
    )
    return suggestion


# --- Expressions of interest -----------------------------------------------------------------------------


@transaction.atomic
def interest_submit(
    *,
    opportunity: Opportunity,
    company: Company,
    user: User,
    motivation: str,
    portfolio_items,
    contact: User,
    contact_phone: str = "",
    fee_accepted: bool,
    seen_fee_percentage: Decimal | None,
    seen_fee_digest: str,
) -> Interest:
    """Express interest for `company`, accepting the fee terms as they stand now; one per company.

    A withdrawn expression is submitted again in the same row, with a fresh fee acceptance.
    """
    if not (user.is_authenticated and company.memberships.filter(user=user).exists()):
        raise PermissionDenied
    # Locked, so the terms accepted are the terms stored even while someone edits the opportunity.
    opportunity = Opportunity.objects.select_for_update().select_related("lab").get(pk=opportunity.pk)
    if opportunity.status != Status.PUBLISHED:
        raise InterestError(_("This opportunity is not open for expressions of interest."))
    if opportunity.deadline < timezone.localdate():
        raise InterestError(_("The deadline for expressions of interest has passed."))
    if seen_fee_percentage != opportunity.fee_percentage or seen_fee_digest != fee_note_digest(opportunity):
        raise FeeTermsChanged(
            _(
                "The fee terms of this opportunity have changed since you opened the form. "
                "Read the new terms and accept them again."
            )
        )
    if not fee_accepted:
        raise InterestError(_("Accept the fee terms to express interest."))
    motivation = motivation.strip()
    if not motivation:
        raise InterestError(_("Tell the business developer why your company fits."))
    items = list(portfolio_items)
    if any(item.company_id != company.pk for item in items):
        raise InterestError(_("Choose only portfolio items of your own company."))
    if contact is None or not company.memberships.filter(user=contact, user__is_active=True).exists():
        raise InterestError(_("The contact person must be a member of your company."))
    now = timezone.now()
    fields = {
        "submitted_by": user,
        "contact": contact,
        "contact_phone": contact_phone.strip(),
        "motivation": motivation,
        "accepted_fee_percentage": opportunity.fee_percentage,
        "accepted_fee_note": opportunity.fee_note,
        "accepted_fee_note_nl": opportunity.fee_note_nl,
        "fee_accepted_at": now,
        "state": Interest.State.SUBMITTED,
        "reply": Interest.Reply.NONE,
        "reply_reason": "",
        "replied_by": None,
        "replied_at": None,
        "reply_due": now + datetime.timedelta(days=REPLY_DAYS),
        "withdrawn_at": None,
    }
    interest = Interest.objects.select_for_update().filter(opportunity=opportunity, company=company).first()
    if interest is not None and interest.state != Interest.State.WITHDRAWN:
        raise InterestError(_("Your company has already expressed interest in this opportunity."))
    if interest is None:
        try:
            with transaction.atomic():
                interest = Interest.objects.create(opportunity=opportunity, company=company, **fields)
        except IntegrityError:  # a colleague submitted at the same moment
            raise InterestError(_("Your company has already expressed interest in this opportunity.")) from None
    else:
        for name, value in fields.items():
            setattr(interest, name, value)
        interest.save()
    interest.portfolio_items.set(items)
    notify(users=lab_recipients(opportunity), kind="interest_new", opportunity=opportunity, company=company.name)
    return interest


@transaction.atomic
def interest_withdraw(*, interest: Interest, user: User) -> Interest:
    """Withdraw the company's expression, before the deadline and before an introduction."""
    interest = Interest.objects.select_for_update().select_related("opportunity", "company").get(pk=interest.pk)
    if not interest.company.memberships.filter(user=user).exists():
        raise PermissionDenied
    if interest.state == Interest.State.WITHDRAWN:
        raise InterestError(_("This expression of interest has already been withdrawn."))
    if interest.opportunity.deadline < timezone.localdate():
        raise InterestError(_("The deadline has passed: the expression of interest can no longer be withdrawn."))
    if has_introduction(interest):
        raise InterestError(_("Your company has been introduced to the client; tell the business developer instead."))
    interest.state = Interest.State.WITHDRAWN
    interest.withdrawn_at = timezone.now()
    interest.save(update_fields=["state", "withdrawn_at", "updated_at"])
    notify(
        users=lab_recipients(interest.opportunity),
        kind="interest_withdrawn",
        opportunity=interest.opportunity,
        company=interest.company.name,
    )
    return interest


@transaction.atomic
def interest_reply(*, interest: Interest, user: User, reply: str, reason: str = "") -> Interest:
    """Answer an expression with one of the fixed replies; the company is told, with the reason."""
    interest = Interest.objects.select_for_update().select_related("opportunity", "company").get(pk=interest.pk)
    if not may_decide(user, interest.opportunity):
        raise PermissionDenied
    if reply not in LAB_REPLIES:
        raise InterestError(_("Choose one of the answers."))
    if interest.state == Interest.State.WITHDRAWN:
        raise InterestError(_("The company has withdrawn this expression of interest; there is nothing to answer."))
    if interest.reply == Interest.Reply.INTRODUCED or has_introduction(interest):
        raise InterestError(_("This company has been introduced to the client already."))
    reason = reason.strip()
    if reply == Interest.Reply.NOT_SELECTED and not reason:
        raise InterestError(_("Give the company a reason why it was not selected."))
    if (interest.state, interest.reply, interest.reply_reason) == (Interest.State.ANSWERED, reply, reason):
        return interest  # answered so already (a double click, a retried request): nothing changes, nobody is told
    interest.state = Interest.State.ANSWERED
    interest.reply = reply
    interest.reply_reason = reason
    interest.replied_by = user
    interest.replied_at = timezone.now()
    interest.save(update_fields=["state", "reply", "reply_reason", "replied_by", "replied_at", "updated_at"])
    label = Interest.Reply(reply).label
    if reason:
        notify(
            users=company_recipients(interest.company),
            kind="interest_replied_reason",
            opportunity=interest.opportunity,
            reply=label,
            reason=reason,
        )
    else:
        notify(
            users=company_recipients(interest.company),
            kind="interest_replied",
            opportunity=interest.opportunity,
            reply=label,
        )
    return interest


# --- Reminders ---------------------------------------------------------------------------------------------


def interest_send_reminders(*, now: datetime.datetime | None = None) -> int:
    """Remind the Lab at day 5 and day 7 of an unanswered expression; each reminder once (safe to rerun).

    Days count from the (re)submission, whose reply_due is 7 days later; a re-submitted expression gets
    its own reminders. Returns how many expressions were reminded about now.
    """
    now = now or timezone.now()
    days_before_due = {day: datetime.timedelta(days=REPLY_DAYS - day) for day in REMINDER_DAYS}
    candidates = Interest.objects.filter(
        state=Interest.State.SUBMITTED,
        reply_due__lte=now + max(days_before_due.values()),
        reply_due__gt=now - REMINDER_GRACE,
    ).select_related("opportunity", "company")
    reminded = 0
    for interest in candidates:
        # Only the latest reminder that fell due: after an outage, one message rather than two.
        day = max(day for day, before in days_before_due.items() if now >= interest.reply_due - before)
        sent = notify(
            users=lab_recipients(interest.opportunity),
            kind=f"interest_reminder_{day}",
            opportunity=interest.opportunity,
            dedupe=f"interest-reminder:{interest.pk}:{interest.reply_due:%Y%m%d%H%M%S}:{day}",
            company=interest.company.name,
            due=timezone.localdate(interest.reply_due),
        )
        if sent:
            reminded += 1
    return reminded
