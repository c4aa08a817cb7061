"""The history shown on an opportunity's page and on an expression of interest's page, as one timeline each.

The field changes come from the tracked models (`creativelabs.history`). An opportunity's workflow steps
keep their own record with the reasons people gave (`OpportunityEvent`): the timeline shows those steps
and leaves the fields they set (status and its dates) out of the changes, so each step is told once.
An event "created" or "edited" from before the opportunity's history began is shown as it was: it is all
that is known of that time.

Closing steps say how they closed: as won (on the deals recorded), as won outside the portal (the step's note
is the reason, the value if known is told with it) or as not won.

Who may read these: `permissions.may_follow` (the views ask; these functions don't).
"""

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from creativelabs.history import Entry, history_of, merged

from .models import Deal, Interest, Introduction, Opportunity, OpportunityEvent, OutsideWin, Status

# Set only by the workflow's steps, which the timeline shows as events.
WORKFLOW_FIELDS = ("status", "submitted_at", "published_at")
# The number of the newest confirmation link: bookkeeping of the links, said by the deal's state.
DEAL_BOOKKEEPING = ("confirmation_round",)
_SAID_BY_HISTORY = (OpportunityEvent.Action.CREATED, OpportunityEvent.Action.EDITED)


def opportunity_timeline(opportunity: Opportunity) -> list[Entry]:
    """Workflow steps with their reasons, and every edit with what changed, oldest first."""
    changes = history_of(opportunity, hidden=WORKFLOW_FIELDS)
    began = opportunity.history.order_by("history_date").values_list("history_date", flat=True).first()
    outside = OutsideWin.objects.filter(opportunity_id=opportunity.pk).first()
    steps = [
        Entry(
            when=event.created_at,
            who=str(event.actor) if event.actor is not None else "",
            action=_step_label(event, outside),
            note=event.note,
        )
        for event in opportunity.events.select_related("actor")
        if event.action not in _SAID_BY_HISTORY or began is None or event.created_at < began
    ]
    return merged(changes, steps)


def _step_label(event: OpportunityEvent, outside: OutsideWin | None) -> str:
    if event.action != OpportunityEvent.Action.CLOSED:
        return event.get_action_display()
    if event.to_status == Status.CLOSED_NOT_WON:
        return _("closed as not won")
    if outside is None:
        return _("closed as won")
    if outside.value is None:
        return _("closed as won outside the portal")
    return _("closed as won outside the portal, worth %(value)s %(currency)s") % {
        "value": number_format(outside.value, 2, force_grouping=True),
        "currency": outside.currency,
    }


def interest_timeline(interest: Interest) -> list[Entry]:
    """The expression, its introduction and its deal: every change to each, oldest first."""
    introduction = Introduction.objects.filter(interest=interest).first()
    deal = Deal.objects.filter(introduction=introduction).first() if introduction is not None else None
    parts = [history_of(interest, subject=lambda _obj: _("Expression of interest"))]
    if introduction is not None:
        parts.append(history_of(introduction, subject=lambda _obj: _("Introduction")))
    if deal is not None:
        parts.append(history_of(deal, hidden=DEAL_BOOKKEEPING, subject=lambda _obj: _("Deal")))
    return merged(*parts)
