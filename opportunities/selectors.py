"""Who may see, edit and review which opportunities: one answer per question, used by every view."""

from django.db.models import Q

from accounts.roles import roles_of

from .models import Opportunity, Status


def visible_opportunities(user):
    """Published ones for everybody; a Lab's own for its developers; a country's for its posts."""
    roles = roles_of(user)
    opportunities = Opportunity.objects.all()
    if roles.is_admin:
        return opportunities
    visible = Q(status=Status.PUBLISHED)
    if roles.business_developer:
        visible |= Q(lab_id=roles.business_developer.lab_id)
    if roles.embassy_staff:
        visible |= Q(country_id=roles.embassy_staff.post.country_id) & ~Q(status=Status.DRAFT)
        visible |= Q(created_by=user)
    return opportunities.filter(visible)


def editable_opportunities(user):
    """What this user may edit: their Lab's drafts and published ones; an embassy's own drafts."""
    roles = roles_of(user)
    editable_statuses = [Status.DRAFT, Status.PUBLISHED]
    opportunities = Opportunity.objects.filter(status__in=editable_statuses)
    if roles.is_admin:
        return opportunities
    allowed = Q(pk__in=[])
    if roles.business_developer:
        allowed |= Q(lab_id=roles.business_developer.lab_id)
    if roles.embassy_staff:
        allowed |= Q(created_by=user, status=Status.DRAFT)
    return opportunities.filter(allowed)


def reviewable_opportunities(user):
    """Submitted opportunities this user may review: their country's for embassy staff."""
    roles = roles_of(user)
    submitted = Opportunity.objects.filter(status=Status.SUBMITTED)
    if roles.is_admin:
        return submitted
    if roles.embassy_staff:
        return submitted.filter(country_id=roles.embassy_staff.post.country_id)
    return submitted.none()


def can_review(user, opportunity: Opportunity) -> bool:
    roles = roles_of(user)
    return roles.is_admin or (
        roles.embassy_staff is not None and roles.embassy_staff.post.country_id == opportunity.country_id
    )


def is_author(user, opportunity: Opportunity) -> bool:
    """The Lab's business developers, the embassy staff member who created it, and admins."""
    roles = roles_of(user)
    return (
        roles.is_admin
        or (roles.business_developer is not None and roles.business_developer.lab_id == opportunity.lab_id)
        or (opportunity.created_by_id is not None and opportunity.created_by_id == user.pk)
    )


def suggested_companies(user, opportunity: Opportunity, band: str | None = None):
    """The ranked companies for an opportunity: for its Lab's developers and the country's staff only."""
    from .models import BAND_FLOORS, Suggestion

    if not (is_author(user, opportunity) or can_review(user, opportunity)):
        return Suggestion.objects.none()
    suggestions = (
        opportunity.suggestions.filter(rank_for_opportunity__isnull=False)
        .select_related("company")
        .order_by("rank_for_opportunity")
    )
    floors = {b: f for f, b in BAND_FLOORS}
    if band == Suggestion.Band.STRONG:
        suggestions = suggestions.filter(score__gte=floors[Suggestion.Band.STRONG])
    elif band == Suggestion.Band.GOOD:
        suggestions = suggestions.filter(
            score__gte=floors[Suggestion.Band.GOOD], score__lt=floors[Suggestion.Band.STRONG]
        )
    elif band == Suggestion.Band.POSSIBLE:
        suggestions = suggestions.filter(score__lt=floors[Suggestion.Band.GOOD])
    return suggestions


def suggested_opportunities(company):
    """ "Opportunities for you": the company's best open, published opportunities."""
    from django.utils import timezone

    from .models import Suggestion

    return (
        Suggestion.objects.filter(
            company=company,
            rank_for_company__isnull=False,
            opportunity__status=Status.PUBLISHED,
            opportunity__deadline__gte=timezone.localdate(),
        )
        .select_related("opportunity__country", "opportunity__lab")
        .order_by("rank_for_company")
    )
