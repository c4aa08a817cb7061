"""The opportunities/ part of a person's data export: what they posted, decided, wrote, received and confirmed.

Each section names the person's part in a row ("your_part") when there can be more than one.
"""

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.export import labels, person, record, section
from accounts.models import User

from .models import (
    Deal,
    InsightSummary,
    Interest,
    Introduction,
    Notification,
    Opportunity,
    OpportunityEvent,
    OutsideWin,
    SavedSearch,
    Suggestion,
    SuggestionAction,
)


@section(
    "opportunities",
    title=gettext_lazy("Opportunities you posted or are the contact for"),
    covers=["opportunities.Opportunity.created_by", "opportunities.Opportunity.contacts"],
)
def _opportunities(user: User) -> list:
    rows = (
        Opportunity.objects.filter(Q(created_by=user) | Q(contacts__user=user))
        .distinct()
        .select_related("lab", "country", "created_by")
        .order_by("created_at", "id")
    )
    contact_for = set(Opportunity.objects.filter(contacts__user=user).values_list("pk", flat=True))
    return [
        {
            **record(opportunity, leave_out={"id", "created_by"}),
            "your_part": _parts(
                (opportunity.created_by_id == user.pk, _("you posted it")),
                (opportunity.pk in contact_for, _("you are its contact")),
            ),
        }
        for opportunity in rows
    ]


@section(
    "opportunity_history",
    title=gettext_lazy("Steps you took on opportunities"),
    covers=["opportunities.OpportunityEvent.actor"],
)
def _opportunity_history(user: User) -> list:
    events = OpportunityEvent.objects.filter(actor=user).select_related("opportunity")
    return [record(event, leave_out={"id", "actor"}) for event in events]


@section("notifications", title=gettext_lazy("Notifications you received"), covers=["opportunities.Notification.user"])
def _notifications(user: User) -> list:
    # The dedupe key is bookkeeping against sending twice, not something said to or about the person; the
    # parameters are what the message says, given as the message in the person's language.
    rows = Notification.objects.filter(user=user).select_related("opportunity")
    return [
        {
            **record(notification, leave_out={"id", "user", "dedupe_key", "params", "message"}),
            "message": notification.text,
        }
        for notification in rows
    ]


@section("saved_searches", title=gettext_lazy("Your saved searches"), covers=["opportunities.SavedSearch.user"])
def _saved_searches(user: User) -> list:
    rows = SavedSearch.objects.filter(user=user).prefetch_related("matches").order_by("created_at", "id")
    return [
        {
            **record(search, leave_out={"id", "user"}),
            "told": [
                {"opportunity": match.opportunity_id, "company": match.company_id, "at": match.matched_at.isoformat()}
                for match in search.matches.all()
            ],
        }
        for search in rows
    ]


@section(
    "suggestion_decisions",
    title=gettext_lazy("Your decisions on match suggestions"),
    covers=["opportunities.Suggestion.decided_by", "opportunities.SuggestionAction.actor"],
)
def _suggestion_decisions(user: User) -> dict:
    # Of a suggestion only the pair and the person's decision: scores and ranks are the engine's, not theirs.
    decided = Suggestion.objects.filter(decided_by=user).select_related("opportunity", "company")
    actions = SuggestionAction.objects.filter(actor=user).select_related(
        "suggestion__opportunity", "suggestion__company"
    )
    return {
        "current": [
            record(s, only=["opportunity", "company", "decision", "decision_note", "decided_at"]) for s in decided
        ],
        "history": [
            {
                "opportunity": str(action.suggestion.opportunity),
                "company": str(action.suggestion.company),
                **record(action, leave_out={"id", "suggestion", "actor"}),
            }
            for action in actions
        ],
    }


@section(
    "interests",
    title=gettext_lazy("Expressions of interest you sent, answered or are the contact for"),
    covers=[
        "opportunities.Interest.submitted_by",
        "opportunities.Interest.contact",
        "opportunities.Interest.replied_by",
    ],
)
def _interests(user: User) -> list:
    rows = (
        Interest.objects.filter(Q(submitted_by=user) | Q(contact=user) | Q(replied_by=user))
        .select_related("opportunity", "company", "submitted_by", "contact", "replied_by")
        .prefetch_related("portfolio_items")
        .order_by("created_at", "id")
    )
    people = {"submitted_by", "contact", "replied_by"}
    return [
        {
            **record(interest, leave_out={"id", *people}),
            **{name: person(getattr(interest, name)) for name in people},
            "portfolio_items": [item.title for item in interest.portfolio_items.all()],
            "your_part": _parts(
                (interest.submitted_by_id == user.pk, _("you sent it")),
                (interest.contact_id == user.pk, _("you are its contact")),
                (interest.replied_by_id == user.pk, _("you answered it")),
            ),
        }
        for interest in rows
    ]


@section(
    "introductions",
    title=gettext_lazy("Introductions you made, received or are named in"),
    covers=[
        "opportunities.Introduction.introduced_by",
        "opportunities.Introduction.outcome_recorded_by",
        "opportunities.Introduction.client_contact_email",
    ],
)
def _introductions(user: User) -> list:
    rows = (
        Introduction.objects.filter(
            Q(introduced_by=user)
            | Q(outcome_recorded_by=user)
            | Q(interest__submitted_by=user)
            | Q(interest__contact=user)
            | Q(client_contact_email__iexact=user.email)
        )
        .select_related("interest__opportunity", "interest__company", "introduced_by", "outcome_recorded_by")
        .order_by("created_at", "id")
    )
    return [
        {
            "opportunity": str(introduction.interest.opportunity),
            "company": str(introduction.interest.company),
            **record(introduction, leave_out={"id", "interest", "introduced_by", "outcome_recorded_by"}),
            "introduced_by": person(introduction.introduced_by),
            "outcome_recorded_by": person(introduction.outcome_recorded_by),
            "your_part": _parts(
                (introduction.introduced_by_id == user.pk, _("you made it")),
                (
                    user.pk in (introduction.interest.submitted_by_id, introduction.interest.contact_id),
                    _("your company was introduced"),
                ),
                (introduction.outcome_recorded_by_id == user.pk, _("you recorded its outcome")),
                (introduction.client_contact_email.lower() == user.email.lower(), _("you are the client contact")),
            ),
        }
        for introduction in rows
    ]


@section(
    "deals",
    title=gettext_lazy("Deals you recorded, confirmed or disputed"),
    covers=["opportunities.Deal.recorded_by", "opportunities.Deal.confirmed_by"],
)
def _deals(user: User) -> list:
    # Who disputed a deal is not stored: a company's dispute is in the export of the people its expression
    # of interest names (who sent it, its contact), who are the ones the deal was put to.
    rows = (
        Deal.objects.filter(
            Q(recorded_by=user)
            | Q(confirmed_by=user)
            | Q(introduction__interest__submitted_by=user)
            | Q(introduction__interest__contact=user)
        )
        .select_related("introduction__interest__opportunity", "introduction__interest__company")
        .select_related("recorded_by", "confirmed_by")
        .order_by("created_at", "id")
    )
    return [
        {
            "opportunity": str(deal.introduction.interest.opportunity),
            "company": str(deal.introduction.interest.company),
            # The confirmation round only numbers the links sent; the dates say when they went out.
            **record(deal, leave_out={"id", "introduction", "recorded_by", "confirmed_by", "confirmation_round"}),
            "recorded_by": person(deal.recorded_by),
            "confirmed_by": person(deal.confirmed_by),
            "your_part": _parts(
                (deal.recorded_by_id == user.pk, _("you recorded it")),
                (deal.confirmed_by_id == user.pk, _("you confirmed it")),
                (
                    user.pk in (deal.introduction.interest.submitted_by_id, deal.introduction.interest.contact_id),
                    _("it was put to your company"),
                ),
            ),
        }
        for deal in rows
    ]


def _parts(*candidates: tuple[bool, str]) -> list[str]:
    return [text for applies, text in candidates if applies]


labels(
    {
        "your_part": gettext_lazy("Your part"),
        "opportunity": gettext_lazy("Opportunity"),
        "summary": gettext_lazy("Summary"),
        "brief": gettext_lazy("Full brief"),
        "client_name": gettext_lazy("Local client"),
        "client_is_public": gettext_lazy("Client's name shown to visitors"),
        "budget_band": gettext_lazy("Budget"),
        "currency": gettext_lazy("Currency"),
        "expected_start": gettext_lazy("Expected start"),
        "deadline": gettext_lazy("Deadline for expressions of interest"),
        "fee_percentage": gettext_lazy("Fee percentage"),
        "fee_note": gettext_lazy("What the fee covers"),
        "fee_note_nl": gettext_lazy("What the fee covers (Dutch)"),
        "status": gettext_lazy("Status"),
        "featured_on_themes": gettext_lazy("Featured on its theme pages"),
        "published_at": gettext_lazy("Published at"),
        "submitted_at": gettext_lazy("Submitted at"),
        "action": gettext_lazy("Action"),
        "from_status": gettext_lazy("From status"),
        "to_status": gettext_lazy("To status"),
        "note": gettext_lazy("Note"),
        "message": gettext_lazy("Message"),
        "read_at": gettext_lazy("Read at"),
        "emailed_at": gettext_lazy("E-mailed at"),
        "current": gettext_lazy("Current decisions"),
        "history": gettext_lazy("History"),
        "decision": gettext_lazy("Decision"),
        "decision_note": gettext_lazy("Note on the decision"),
        "decided_at": gettext_lazy("Decided at"),
        "submitted_by": gettext_lazy("Sent by"),
        "contact": gettext_lazy("Contact person"),
        "contact_phone": gettext_lazy("Contact phone"),
        "motivation": gettext_lazy("Motivation"),
        "portfolio_items": gettext_lazy("Portfolio items"),
        "accepted_fee_percentage": gettext_lazy("Accepted fee percentage"),
        "accepted_fee_note": gettext_lazy("Accepted fee terms"),
        "accepted_fee_note_nl": gettext_lazy("Accepted fee terms (Dutch)"),
        "fee_accepted_at": gettext_lazy("Fee accepted at"),
        "state": gettext_lazy("State"),
        "reply": gettext_lazy("Answer"),
        "reply_reason": gettext_lazy("Reason"),
        "replied_by": gettext_lazy("Answered by"),
        "replied_at": gettext_lazy("Answered at"),
        "reply_due": gettext_lazy("Answer due"),
        "withdrawn_at": gettext_lazy("Withdrawn at"),
        "introduced_by": gettext_lazy("Introduced by"),
        "client_contact_name": gettext_lazy("Client contact"),
        "client_contact_email": gettext_lazy("Client contact e-mail"),
        "client_contact_phone": gettext_lazy("Client contact phone"),
        "outcome": gettext_lazy("Outcome"),
        "outcome_note": gettext_lazy("Note on the outcome"),
        "outcome_recorded_by": gettext_lazy("Outcome recorded by"),
        "outcome_recorded_at": gettext_lazy("Outcome recorded at"),
        "value": gettext_lazy("Deal value"),
        "closed_on": gettext_lazy("Date"),
        "fee_amount": gettext_lazy("Fee amount"),
        "fee_recipient": gettext_lazy("Fee recipient (Lab partner)"),
        "fee_recipient_name": gettext_lazy("Fee recipient's name"),
        "partner": gettext_lazy("Lab partner"),
        "recorded_by": gettext_lazy("Recorded by"),
        "confirmation_sent_at": gettext_lazy("Confirmation link sent at"),
        "confirmed_by": gettext_lazy("Confirmed by"),
        "confirmed_at": gettext_lazy("Confirmed at"),
        "dispute_note": gettext_lazy("Why it was disputed"),
        "disputed_at": gettext_lazy("Disputed at"),
    }
)


@section(
    "outside_wins",
    title=gettext_lazy("Wins outside the portal you recorded"),
    covers=["opportunities.OutsideWin.recorded_by"],
)
def _outside_wins(user: User) -> list:
    rows = OutsideWin.objects.filter(recorded_by=user).select_related("opportunity").order_by("recorded_at", "id")
    return [
        {"opportunity": str(win.opportunity), **record(win, leave_out={"id", "opportunity", "recorded_by"})}
        for win in rows
    ]


@section(
    "dashboard_views",
    title=gettext_lazy("Dashboard views kept for you"),
    covers=["opportunities.InsightSummary.user"],
)
def _dashboard_views(user: User) -> list:
    # The kept figures themselves are the programme's counts, not about the person: the view is.
    rows = InsightSummary.objects.filter(user=user).order_by("viewed_at", "id")
    return [
        {
            "filters": view.query or _("(none)"),
            "page_language": view.language,
            "last_viewed": view.viewed_at,
            "figures_counted_at": view.computed_at,
        }
        for view in rows
    ]


labels(
    {
        "filters": gettext_lazy("Filters"),
        "page_language": gettext_lazy("Page language"),
        "last_viewed": gettext_lazy("Last viewed"),
        "figures_counted_at": gettext_lazy("Figures counted at"),
    }
)
