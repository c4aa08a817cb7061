"""Writes for opportunities: creating and editing them, and every step of the review workflow.

Each transition checks who may take it here, in one place, and records who did what, when
and why. Notifications go out after the transaction commits.
"""

import datetime
from contextlib import suppress
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from creativelabs.validators import single_line

from ..deals.services import DealError, clean_amount, clean_currency
from ..models import Opportunity, OpportunityEvent, OutsideWin, Status
from ..notifications.services import notify_author, notify_reviewers
from ..permissions import is_author, may_take
from .selectors import opportunity_deals

Action = OpportunityEvent.Action


class WorkflowError(Exception):
    """A transition that doesn't apply to the opportunity as it is now."""


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    who: str  # "author", "reviewer" or "trusted_author": `permissions.may_take` says who that is
    needs_reason: bool = False


TRANSITIONS = {
    "submit": Transition(Action.SUBMITTED, (Status.DRAFT,), Status.SUBMITTED, "author"),
    "send_back": Transition(Action.SENT_BACK, (Status.SUBMITTED,), Status.DRAFT, "reviewer", needs_reason=True),
    "reject": Transition(Action.REJECTED, (Status.SUBMITTED,), Status.REJECTED, "reviewer", needs_reason=True),
    "publish": Transition(Action.PUBLISHED, (Status.SUBMITTED,), Status.PUBLISHED, "reviewer"),
    "publish_directly": Transition(Action.PUBLISHED, (Status.DRAFT,), Status.PUBLISHED, "trusted_author"),
    "close_won": Transition(Action.CLOSED, (Status.PUBLISHED, Status.EXPIRED), Status.CLOSED_WON, "author"),
    "close_not_won": Transition(Action.CLOSED, (Status.PUBLISHED, Status.EXPIRED), Status.CLOSED_NOT_WON, "author"),
    "withdraw": Transition(
        Action.WITHDRAWN, (Status.DRAFT, Status.SUBMITTED, Status.PUBLISHED), Status.WITHDRAWN, "author"
    ),
}

TRANSITION_LABELS = {
    "submit": gettext_lazy("Submit for review"),
    "send_back": gettext_lazy("Send back"),
    "reject": gettext_lazy("Reject"),
    "publish": gettext_lazy("Publish"),
    "publish_directly": gettext_lazy("Publish now"),
    "close_won": gettext_lazy("Close: won"),
    "close_not_won": gettext_lazy("Close: not won"),
    "withdraw": gettext_lazy("Withdraw"),
}


TRANSITION_DONE = {
    "submit": gettext_lazy("Submitted for review. The embassy staff of the country have been told."),
    "send_back": gettext_lazy("Sent back to the author with your reason."),
    "reject": gettext_lazy("Rejected. The author has been told why."),
    "publish": gettext_lazy("Published. Companies can now find it."),
    "publish_directly": gettext_lazy("Published. Companies can now find it."),
    "close_won": gettext_lazy("Closed as won. Congratulations!"),
    "close_not_won": gettext_lazy("Closed as not won."),
    "withdraw": gettext_lazy("Withdrawn."),
}


def available_transitions(user: User, opportunity: Opportunity) -> list[tuple[str, str, bool]]:
    """(name, label, needs a reason) of every step this user may take now."""
    return [
        (name, str(TRANSITION_LABELS[name]), transition.needs_reason)
        for name, transition in TRANSITIONS.items()
        if may_take(user, opportunity, transition)
    ]


def _matching_changed(opportunity_id: int) -> None:
    """Queue a recompute of this opportunity's suggestions, after the change commits."""
    from ..suggestions.queue import mark_opportunity_dirty

    mark_opportunity_dirty(opportunity_id)


def _tell_saved_searches(opportunity_id: int) -> None:
    """The saved searches with immediate alerts that the opportunity appears in are told after commit."""
    from creativelabs.celery import enqueue_on_commit

    from ..searches.tasks import saved_searches_published

    enqueue_on_commit(saved_searches_published, opportunity_id)


def _record(opportunity: Opportunity, *, actor: User | None, action: str, from_status: str, note: str = "") -> None:
    OpportunityEvent.objects.create(
        opportunity=opportunity,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=opportunity.status,
        note=note,
    )


# The same draft again from the same person within this time is the same form sent twice (a double
# click, a browser re-sending it): it is that draft, not a second one.
SAME_SUBMISSION_WINDOW = datetime.timedelta(minutes=10)
_IDENTIFYING = ("lab", "title", "summary", "brief")


@transaction.atomic
def opportunity_create(*, user: User, data: dict, m2m: dict) -> Opportunity:
    """A new draft; the same draft sent again by its author (within a few minutes) is the one made already.

    The author's row is locked, so two identical requests at once make one draft.
    """
    User.objects.select_for_update().filter(pk=user.pk).first()
    same = Opportunity.objects.filter(
        created_by=user,
        status=Status.DRAFT,
        created_at__gte=timezone.now() - SAME_SUBMISSION_WINDOW,
        **{name: data[name] for name in _IDENTIFYING if name in data},
    ).first()
    if same is not None:
        return same
    opportunity = Opportunity.objects.create(created_by=user, status=Status.DRAFT, **data)
    for name, values in m2m.items():
        getattr(opportunity, name).set(values)
    _record(opportunity, actor=user, action=Action.CREATED, from_status="")
    _matching_changed(opportunity.pk)
    return opportunity


@transaction.atomic
def opportunity_update(*, opportunity: Opportunity, user: User, data: dict, m2m: dict) -> Opportunity:
    """Edit; a published opportunity stays published and the edit is recorded in its history."""
    for field, value in data.items():
        setattr(opportunity, field, value)
    opportunity.save()
    for name, values in m2m.items():
        getattr(opportunity, name).set(values)
    _record(opportunity, actor=user, action=Action.EDITED, from_status=opportunity.status)
    _matching_changed(opportunity.pk)
    return opportunity


def _locked(opportunity: Opportunity) -> Opportunity:
    """The opportunity's row as it is now, locked until the transaction ends."""
    return Opportunity.objects.select_for_update().select_related("lab").get(pk=opportunity.pk)


def _check_step(opportunity: Opportunity, user: User, transition: Transition) -> None:
    """The step applies to the opportunity as it is now, and this user may take it."""
    if opportunity.status not in transition.sources:
        raise WorkflowError(
            _("This opportunity has the status “%(status)s”; that step is not possible now.")
            % {"status": opportunity.get_status_display()}
        )
    if not may_take(user, opportunity, transition):
        raise PermissionDenied


def _take(opportunity: Opportunity, user: User, transition: Transition, note: str) -> Opportunity:
    """Move the locked opportunity to the step's status, record the step and tell who needs to know."""
    previous = opportunity.status
    opportunity.status = transition.target
    now = timezone.now()
    if transition.target == Status.SUBMITTED:
        opportunity.submitted_at = now
    if transition.target == Status.PUBLISHED:
        opportunity.published_at = now
    opportunity.save(update_fields=["status", "submitted_at", "published_at", "updated_at"])
    _record(opportunity, actor=user, action=transition.action, from_status=previous, note=note)
    _matching_changed(opportunity.pk)
    if transition.target == Status.PUBLISHED:
        _tell_saved_searches(opportunity.pk)
    if transition.target == Status.SUBMITTED:
        notify_reviewers(opportunity, actor=user)
    elif transition.action in (Action.SENT_BACK, Action.REJECTED, Action.PUBLISHED):
        notify_author(opportunity, action=transition.action, note=note, actor=user)
    return opportunity


@transaction.atomic
def opportunity_transition(*, opportunity: Opportunity, user: User, name: str, note: str = "") -> Opportunity:
    """Take workflow step `name`; PermissionDenied for the wrong person, WorkflowError otherwise.

    Closing as won is `opportunity_close_won`, with the note as its reason.
    """
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise WorkflowError(_("Unknown step."))
    if name == "close_won":
        return opportunity_close_won(opportunity=opportunity, user=user, reason=note)
    opportunity = _locked(opportunity)
    _check_step(opportunity, user, transition)
    note = note.strip()
    if transition.needs_reason and not note:
        raise WorkflowError(_("Please give a reason, so the author knows what to change."))
    return _take(opportunity, user, transition, note)


MAX_OUTSIDE_REASON = OutsideWin._meta.get_field("reason").max_length


@transaction.atomic
def opportunity_close_won(
    *, opportunity: Opportunity, user: User, reason: str = "", value: Decimal | str | None = None, currency: str = ""
) -> Opportunity:
    """Close as won, resting on the deals recorded for the opportunity or, when it has none, on a reason.

    With deals, `reason` is an optional note on the step and there is no value of its own (the deals have
    theirs). Without, the reason how it was won outside the portal is required (one line, at most 500
    characters) and recorded as its `OutsideWin`, with the value if known (its currency then required;
    bounds as a deal's); a currency without a value is not kept. So no path closes as won unexplained,
    and the programme's "won" figures and fee totals can be reconciled. The same close again (a double
    click, a retried request) is the one made already: one record, one step in the history.
    """
    transition = TRANSITIONS["close_won"]
    reason = reason.strip()
    opportunity = _locked(opportunity)
    if opportunity.status == Status.CLOSED_WON and is_author(user, opportunity):
        with suppress(WorkflowError):
            if _closed_so(opportunity, reason, _outside_value(value), currency):
                return opportunity
    _check_step(opportunity, user, transition)
    value = _outside_value(value)
    currency = (currency or "").strip() if value is not None else ""
    if opportunity_deals(opportunity).exists():
        if value is not None:
            raise WorkflowError(
                _("Deals are recorded for this opportunity, so it is won on their values: leave the value out.")
            )
        _check_reason(reason, required=False)
    else:
        _check_reason(reason, required=True)
        if value is not None:
            try:
                currency = clean_currency(currency)
            except DealError:
                raise WorkflowError(_("Choose the currency of the value: EUR, USD or CNY.")) from None
        OutsideWin.objects.create(
            opportunity=opportunity, reason=reason, value=value, currency=currency, recorded_by=user
        )
    return _take(opportunity, user, transition, reason)


def _outside_value(value) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return clean_amount(value)
    except DealError as error:
        raise WorkflowError(str(error)) from None


def _check_reason(reason: str, *, required: bool) -> None:
    if required and not reason:
        raise WorkflowError(_("No deal is recorded for this opportunity: say how it was won outside the portal."))
    if len(reason) > MAX_OUTSIDE_REASON:
        raise WorkflowError(_("Keep the reason to %(count)d characters.") % {"count": MAX_OUTSIDE_REASON})
    try:
        single_line(reason)
    except ValidationError as error:
        raise WorkflowError(" ".join(error.messages)) from None


def _closed_so(opportunity: Opportunity, reason: str, value: Decimal | None, currency: str) -> bool:
    """Closed as won already, as this request would close it: on an outside win with these very terms,
    or on its deals with this note."""
    currency = (currency or "").strip() if value is not None else ""
    outside = OutsideWin.objects.filter(opportunity=opportunity).first()
    if outside is not None:
        return (outside.reason, outside.value, outside.currency) == (reason, value, currency)
    if value is not None or not opportunity_deals(opportunity).exists():
        return False
    step = opportunity.events.filter(action=Action.CLOSED, to_status=Status.CLOSED_WON).last()
    return step is not None and step.note == reason


@transaction.atomic
def opportunity_expire(*, opportunity: Opportunity, today) -> bool:
    """Expire a published opportunity whose deadline has passed; safe to run twice."""
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if opportunity.status != Status.PUBLISHED or opportunity.deadline >= today:
        return False
    opportunity.status = Status.EXPIRED
    opportunity.save(update_fields=["status", "updated_at"])
    _record(opportunity, actor=None, action=Action.EXPIRED, from_status=Status.PUBLISHED)
    _matching_changed(opportunity.pk)
    return True


def opportunity_feature(*, opportunity: Opportunity, featured: bool) -> Opportunity:
    """Feature a published opportunity on its theme pages, or stop featuring it."""
    opportunity.featured_on_themes = featured
    opportunity.save(update_fields=["featured_on_themes", "updated_at"])
    return opportunity
