"""Reads for introductions and deals: who may see which, what the pages show, and the overview's totals.

Every role-scoped queryset is built from the scopes in `opportunities.permissions`.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import roles_of
from companies.models import Membership

from ..interests.selectors import answerable_interests
from ..models import Deal, Interest, Introduction, Opportunity, Status
from ..permissions import following_scope, is_company_member, may_decide, may_follow

# Opportunities in these states have no client to introduce anybody to.
_NO_INTRODUCTIONS = (Status.DRAFT, Status.REJECTED, Status.WITHDRAWN)


def manageable_introductions(user):
    """Introductions whose outcome this user records: their Lab's (developers), all (admins)."""
    return Introduction.objects.filter(interest__in=answerable_interests(user))


def manageable_deals(user):
    return Deal.objects.filter(introduction__interest__in=answerable_interests(user))


def overview_deals(user):
    """Deals on the overview: the Lab's (developers), the country's Labs' (embassy staff), all (admins)."""
    return Deal.objects.filter(
        following_scope(user).q("introduction__interest__opportunity__", country="lab__country_id")
    )


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


def introduction_refusal(interest: Interest) -> str | None:
    """Why this interest can't be introduced (None when it can)."""
    if interest.state == Interest.State.WITHDRAWN:
        return _("The company withdrew its expression of interest, so it can't be introduced.")
    if Introduction.objects.filter(interest=interest).exists():
        return _("This company has already been introduced for this opportunity.")
    if interest.opportunity.status in _NO_INTRODUCTIONS:
        return _("Companies can only be introduced for an opportunity that was published.")
    return None


def confirmation_recipients(deal: Deal):
    """Who gets the confirmation link: the interest's contact and the company's owners, if still members."""
    interest = deal.introduction.interest
    return User.objects.filter(
        Q(pk=interest.contact_id) | Q(membership__role=Membership.Role.OWNER),
        membership__company_id=interest.company_id,
        is_active=True,
    ).order_by("pk")


def introduction_panel(user, interest: Interest) -> dict:
    """What the viewer of an expression of interest may see and do about its introduction and deal.

    The client's contact is shown only once there is an introduction, and only to the company and
    the opportunity's Lab and post; before that there is nothing to reveal.
    """
    opportunity = interest.opportunity
    is_member = is_company_member(user, interest.company_id)
    staff = may_follow(user, opportunity)
    manages = may_decide(user, opportunity)
    introduction = (
        Introduction.objects.select_related("introduced_by", "outcome_recorded_by", "deal__recorded_by")
        .filter(interest_id=interest.pk)
        .first()
        if is_member or staff
        else None
    )
    deal = getattr(introduction, "deal", None) if introduction else None
    refusal = None if introduction else introduction_refusal(interest)
    return {
        "visible": is_member or staff,
        "is_member": is_member,
        "staff": staff,
        "introduction": introduction,
        "deal": deal,
        "can_introduce": manages and introduction is None and refusal is None,
        "refusal": refusal if manages else None,
        "can_record_outcome": manages
        and introduction is not None
        and (deal is None or deal.state != Deal.State.CONFIRMED),
        "can_resend": manages and deal is not None and deal.state != Deal.State.CONFIRMED,
    }


def introductions_for_opportunity(user, opportunity: Opportunity) -> list | None:
    """The opportunity's introductions with their deals, for its Lab and post; None for everybody else."""
    if not user.is_authenticated or not may_follow(user, opportunity):
        return None
    return list(
        introductions_visible_on(user, opportunity)
        .select_related("interest__company", "introduced_by", "deal")
        .order_by("created_at", "pk")
    )


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
