"""What the API may read, for a visitor or a partner's scope: the same rules as the portal's pages.

- Opportunities: the published ones, as the public list shows (`Opportunity.objects.published()`);
  a partner's `country:XX` scope adds that country's opportunities closed in the last year
  (api/scopes.py). Never drafts, submitted, rejected or withdrawn ones.
- Companies: those a visitor sees (`companies.selectors.visible_companies` of an anonymous user: the
  opt-in directory), each with the portfolio items a visitor sees (`PortfolioItem.visible_to`: public).
- Themes, focus countries, Labs and posts: all of them are public.

Every queryset fetches what the answers show in a fixed number of queries, whatever the page size.
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from companies.models import Company, PortfolioItem
from companies.selectors import visible_companies
from labs.models import Country, Lab, Post, Theme
from opportunities.models import Opportunity, OpportunityEvent, Status

from .scopes import Scope

VISITOR = AnonymousUser()


def _closed_at():
    """When the opportunity reached its current status: its latest workflow step to it (the row's
    last change for one that has no recorded step, as rows loaded in bulk)."""
    step = OpportunityEvent.objects.filter(opportunity=OuterRef("pk"), to_status=OuterRef("status"))
    return Coalesce(Subquery(step.order_by("-created_at").values("created_at")[:1]), F("updated_at"))


def readable_opportunities(scope: Scope) -> QuerySet:
    """The opportunities this scope may read, with what their answers show."""
    if scope.countries:
        opportunities = Opportunity.objects.annotate(closed_at=_closed_at()).filter(
            Q(status=Status.PUBLISHED) | scope.closed_q(now=timezone.now())
        )
    else:
        opportunities = Opportunity.objects.published()
    return opportunities.select_related("lab", "country").prefetch_related(
        "themes", "required_disciplines", "nice_disciplines"
    )


def opportunities_changed_at():
    """The last change to any opportunity: one leaving the list (unpublished, withdrawn) changes the list too,
    so every status counts."""
    return Opportunity.objects.aggregate(latest=Max("updated_at"))["latest"]


def public_companies() -> QuerySet:
    public_items = PortfolioItem.objects.visible_to(VISITOR).prefetch_related("disciplines", "themes")
    return visible_companies(VISITOR).prefetch_related(
        "disciplines", "themes", Prefetch("portfolio", queryset=public_items, to_attr="public_portfolio")
    )


def companies_changed_at():
    """The last change to a company profile or a portfolio item (a company leaving the directory is one)."""
    profile = Company.objects.aggregate(latest=Max("updated_at"))["latest"]
    work = PortfolioItem.objects.aggregate(latest=Max("updated_at"))["latest"]
    return max((moment for moment in (profile, work) if moment is not None), default=None)


def public_themes() -> QuerySet:
    return Theme.objects.prefetch_related("countries").order_by("name_en", "id")


def themes_changed_at():
    return Theme.objects.aggregate(latest=Max("updated_at"))["latest"]


def public_countries() -> QuerySet:
    return Country.objects.focus().order_by("ordering", "code")


def public_labs() -> QuerySet:
    return Lab.objects.select_related("country").order_by("country__ordering", "name", "id")


def public_posts() -> QuerySet:
    return Post.objects.filter(country__is_focus=True).order_by("country__ordering", "kind", "city", "id")
