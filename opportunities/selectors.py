"""Which opportunities a user may see, edit and review: one queryset per question, used by every view.

Each is built from the scopes in `permissions`, so a list never shows what the detail page refuses.
"""

from django.db.models import Q

from .models import Opportunity, Status
from .permissions import managing_scope, reviewing_scope


def visible_opportunities(user):
    """Published ones for everybody; a Lab's own for its developers; a country's for its posts."""
    managing = managing_scope(user)
    if managing.everything:
        return Opportunity.objects.all()
    visible = Q(status=Status.PUBLISHED) | managing.q()
    reviewing = reviewing_scope(user)
    if reviewing.country_ids:
        visible |= reviewing.q() & ~Q(status=Status.DRAFT)
        visible |= Q(created_by=user)
    return Opportunity.objects.filter(visible)


def editable_opportunities(user):
    """What this user may edit: their Lab's drafts and published ones; an embassy's own drafts."""
    opportunities = Opportunity.objects.filter(status__in=[Status.DRAFT, Status.PUBLISHED])
    managing = managing_scope(user)
    if managing.everything:
        return opportunities
    allowed = managing.q()
    if reviewing_scope(user).country_ids:
        allowed |= Q(created_by=user, status=Status.DRAFT)
    return opportunities.filter(allowed)


def reviewable_opportunities(user):
    """Submitted opportunities this user may review: their country's for embassy staff, all for admins."""
    return Opportunity.objects.filter(reviewing_scope(user).q(), status=Status.SUBMITTED)


def explanation_labels() -> dict[str, str]:
    """Discipline and theme names by slug, in the active language, for the pages that show explanations.

    Read per request, so a rename by staff shows at once.
    """
    from companies.models import Discipline
    from labs.models import Theme

    return {item.slug: item.name for item in [*Discipline.objects.all(), *Theme.objects.all()]}
