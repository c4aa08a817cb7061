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
from exchanges.models import Exchange
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
    """The opportunities this scope may read (their answers are read by `opportunity_rows`)."""
    if scope.countries:
        return Opportunity.objects.annotate(closed_at=_closed_at()).filter(
            Q(status=Status.PUBLISHED) | scope.closed_q(now=timezone.now())
        )
    return Opportunity.objects.published()


# The columns an opportunity's answer shows (api/serializers.py), read as plain values: a page of 50
# is then four queries and no model instances, which is most of what a page costs in Python.
OPPORTUNITY_COLUMNS = [
    "id",
    "title",
    "summary",
    "status",
    "country_id",
    "city",
    "lab_id",
    "lab__slug",
    "lab__name",
    "client_name",
    "client_is_public",
    "budget_band",
    "currency",
    "expected_start",
    "deadline",
    "languages",
    "published_at",
    "updated_at",
]
NAMED_COLUMNS = ("slug", "name_en", "name_nl")


def opportunity_rows(opportunities: QuerySet) -> list[dict]:
    """The opportunities' columns, each with its themes and disciplines (one query per relation)."""
    columns = [*OPPORTUNITY_COLUMNS, *(["closed_at"] if "closed_at" in opportunities.query.annotations else [])]
    rows = list(opportunities.values(*columns))
    ids = [row["id"] for row in rows]
    related = {
        "themes": _named(Opportunity.themes.through, "theme", ids, order=["theme__name_en"]),
        "required_disciplines": _named(
            Opportunity.required_disciplines.through,
            "discipline",
            ids,
            order=["discipline__ordering", "discipline__name_en"],
        ),
        "nice_disciplines": _named(
            Opportunity.nice_disciplines.through,
            "discipline",
            ids,
            order=["discipline__ordering", "discipline__name_en"],
        ),
    }
    for row in rows:
        for name, by_opportunity in related.items():
            row[name] = by_opportunity.get(row["id"], [])
    return rows


def _named(through, target: str, ids: list[int], *, order: list[str]) -> dict[int, list[dict]]:
    """{opportunity id: [{slug, name_en, name_nl}, ...]} through a many-to-many table, in `order`."""
    found: dict[int, list[dict]] = {}
    if not ids:
        return found
    columns = [f"{target}__{column}" for column in NAMED_COLUMNS]
    for opportunity_id, *values in (
        through.objects.filter(opportunity_id__in=ids).order_by(*order, "id").values_list("opportunity_id", *columns)
    ):
        found.setdefault(opportunity_id, []).append(dict(zip(NAMED_COLUMNS, values, strict=True)))
    return found


def opportunities_changed_at():
    """When any opportunity last changed, for a list's Last-Modified: from the change history, where every
    save (a status change too, so one leaving the list counts) and every deletion is a dated row, read
    through its index (`max(updated_at)` would read the whole table)."""
    return Opportunity.history.aggregate(latest=Max("history_date"))["latest"]


def public_companies() -> QuerySet:
    public_items = PortfolioItem.objects.visible_to(VISITOR).prefetch_related("disciplines", "themes")
    return visible_companies(VISITOR).prefetch_related(
        "disciplines", "themes", Prefetch("portfolio", queryset=public_items, to_attr="public_portfolio")
    )


def companies_changed_at():
    """When a company profile or a portfolio item last changed (a company leaving the directory, or
    deleted, is a change), from their change history as for opportunities."""
    profile = Company.history.aggregate(latest=Max("history_date"))["latest"]
    work = PortfolioItem.history.aggregate(latest=Max("history_date"))["latest"]
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


def public_exchanges():
    """Every exchange a visitor may see (all but drafts: `Exchange.objects.public()`, as on `/exchanges/`),
    with its organiser, country and themes fetched."""
    return (
        Exchange.objects.public().select_related("lab", "post").prefetch_related("themes").order_by("starts_at", "id")
    )


def exchanges_changed_at():
    return Exchange.objects.public().aggregate(latest=Max("updated_at"))["latest"]


def public_networks():
    """The theme networks, as `/networks/` lists them, with theme and countries fetched and the accepted
    offers of help counted."""
    from django.db.models import Count, Q

    from networks.models import Answer, Network

    accepted = Count("requests__answers", filter=Q(requests__answers__state=Answer.State.ACCEPTED), distinct=True)
    return (
        Network.objects.select_related("theme")
        .prefetch_related("countries")
        .annotate(help_accepted=accepted)
        .order_by("name", "id")
    )


def networks_changed_at():
    from networks.models import Network

    return Network.objects.aggregate(latest=Max("updated_at"))["latest"]
