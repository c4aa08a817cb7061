"""The staff dashboard's figures (`/insights/`), each built as a `Table` by SQL aggregates, in the viewer's scope.

Scope. Built from `permissions.following_scope`, the rule the lists and detail pages use, applied to the
opportunity's Lab and the Lab's country (as on `/deals/`, `deals.selectors.overview_deals`; the opportunity
form gives an opportunity its Lab's country): business developers see their Lab, embassy staff the Labs of
their post's country, programme admins everything; everybody else is refused by the view. Opportunities by
status are also limited by `visible_opportunities` (embassy staff do not see another person's drafts).

Companies in scope: every company for admins; for the others those that target or are present in one of
the scope's countries, or that have a suggestion or an expression of interest on an opportunity in scope.
A theme or discipline filter keeps the companies with that theme of interest or discipline.

A complete profile: every check of the company dashboard's list (`companies.selectors.company_completeness`):
a description of 200 characters or more, a discipline, a theme, a target country, a working language, a
portfolio item and a logo.

Filters narrow the opportunities (country and Lab: the Lab's; theme; discipline: required or nice to have,
as the opportunity list's filter) and the period picks events by their own date: companies by registration,
opportunities by creation and publication (the counts by status are of now), expressions and
introductions by creation, deals by their date (`closed_on`, as `/deals/`), wins outside the portal by
recording. A figure links to the list behind it only with filters that list has. The funnel takes the
pairs of the opportunities published in the period. Work lists are about now and ignore the period.

The funnel: the (company, opportunity) pairs with a suggestion or an expression of interest. Each pair's
furthest step: suggested (a suggestion or anything later), shortlisted and invited (the decision or its
`SuggestionAction`), interest expressed (an `Interest`, withdrawn ones too), introduced (an `Introduction`),
won (a `Deal`), confirmed by the company (the deal confirmed). A pair counts at each step up to its
furthest. Conversion: the step's count over the previous step's. Median days: between the previous step's
and this step's first date (suggested: the suggestion's computation or first decision, whichever is
earlier; shortlisted and invited: the first such action; then the interest's, the introduction's and the
deal's creation and the confirmation), over the pairs that have both dates in that order; PostgreSQL only.
"""

import datetime
import time
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import roles_of
from companies.models import Company, PortfolioItem

from ..models import (
    Deal,
    Interest,
    Introduction,
    Opportunity,
    Status,
    Suggestion,
    SuggestionAction,
    open_for_interest_q,
)
from . import groups
from .forms import Filters
from .scope import Selection, complete_profile_q, selection, with_completeness
from .tables import Column, Row, Table

CURRENCIES = [code for code, _label in Opportunity.Currency.choices]
WORK_LIST_SIZE = 10
NO_INTEREST_DAYS = 14
MONTHS = 24

ThemeLink = Opportunity.themes.through
RequiredLink = Opportunity.required_disciplines.through
NiceLink = Opportunity.nice_disciplines.through
MEDIANS_AVAILABLE = settings.USING_POSTGRES  # percentile_cont


# --- Links to the lists behind the figures --------------------------------------------------------------


def _url(name: str, **params) -> str:
    query = urlencode({key: value for key, value in params.items() if value not in (None, "")})
    return reverse(name) + (f"?{query}" if query else "")


def _list_params(sel: Selection) -> dict:
    """The dashboard's filters as the opportunity list's parameters, its scope included."""
    f = sel.filters
    roles = roles_of(sel.scope.user)
    lab = f.lab or (roles.business_developer.lab if roles.business_developer and not roles.is_admin else None)
    country = f.country
    if country is None and lab is None and roles.embassy_staff and not roles.is_admin:
        country = roles.embassy_staff.post.country
    return {
        "country": country.code if country else None,
        "lab": lab.slug if lab else None,
        "theme": f.theme.slug if f.theme else None,
        "discipline": f.discipline.slug if f.discipline else None,
    }


def opportunity_list_url(sel: Selection, **extra) -> str:
    return _url("opportunities:list", **{**_list_params(sel), **extra})


def deal_list_url(sel: Selection, **extra) -> str:
    f, period = sel.filters, sel.period
    start = timezone.localtime(period.start).date().isoformat() if period.start else None
    end = None
    if period.end is not None:
        end = (timezone.localtime(period.end).date() - datetime.timedelta(days=1)).isoformat()
    return _url(
        "opportunities:deal_overview",
        lab=f.lab.pk if f.lab else None,
        country=f.country.code if f.country else None,
        theme=f.theme.slug if f.theme else None,
        discipline=f.discipline.slug if f.discipline else None,
        closed_from=start,
        closed_to=end,
        **extra,
    )


def awaiting_list_url(sel: Selection) -> str | None:
    """The Lab workspace lists a business developer's expressions waiting for an answer (no theme or
    discipline filter there, so only without those); no other role has a list of them."""
    roles = roles_of(sel.scope.user)
    if not roles.business_developer or roles.is_admin or sel.filters.theme or sel.filters.discipline:
        return None
    return reverse("opportunities:lab_workspace")


# --- Tiles ----------------------------------------------------------------------------------------------


def _count_rows(items, key: str) -> tuple[Row, ...]:
    return tuple(
        Row(values={"figure": label, key: value}, links={key: link} if link else {}) for label, value, link in items
    )


def _figures_table(key: str, title: str, items) -> Table:
    columns = (Column("figure", _("Figure")), Column("count", _("Number"), numeric=True))
    return Table(key=key, title=title, columns=columns, rows=_count_rows(items, "count"))


def company_tiles(sel: Selection) -> Table:
    period = sel.period
    companies = with_completeness(sel.companies())
    history = Company.history.model.objects.filter(period.q("history_date")).values("id")
    work = PortfolioItem.history.model.objects.filter(period.q("history_date")).values("company_id")
    interests = Interest.objects.filter(period.q("created_at")).values("company_id")
    active = Q(period.q("updated_at")) | Q(pk__in=history) | Q(pk__in=work) | Q(pk__in=interests)
    registered = Q(created_at__lt=period.end) if period.end else Q()
    figures = companies.aggregate(
        registered=Count("pk", filter=registered),
        new=Count("pk", filter=period.q("created_at")),
        active=Count("pk", filter=active),
        complete=Count("pk", filter=registered & complete_profile_q()),
    )
    return _figures_table(
        "companies",
        _("Companies"),
        [
            (_("Registered"), figures["registered"], None),
            (_("New in the period"), figures["new"], None),
            (_("Active in the period"), figures["active"], None),
            (_("With a complete profile"), figures["complete"], None),
        ],
    )


def opportunity_tiles(sel: Selection) -> Table:
    counts = dict(sel.opportunities().order_by().values_list("status").annotate(n=Count("pk")))
    items = [(label, counts.get(value, 0), opportunity_list_url(sel, status=value)) for value, label in Status.choices]
    # A count of now (the period does not apply), so it is exactly what the opportunity list shows.
    return _figures_table("opportunities", _("Opportunities by status now"), items)


def pipeline_tiles(sel: Selection) -> Table:
    period, now = sel.period, timezone.now()
    interests = sel.interests().aggregate(
        total=Count("pk", filter=period.q("created_at")),
        waiting=Count("pk", filter=Q(state=Interest.State.SUBMITTED)),
        overdue=Count("pk", filter=Q(state=Interest.State.SUBMITTED, reply_due__lt=now)),
    )
    introductions = sel.introductions().filter(period.q("created_at")).count()
    deals = (
        sel.deals()
        .filter(period.date_q("closed_on"))
        .aggregate(
            won=Count("pk"),
            confirmed=Count("pk", filter=Q(state=Deal.State.CONFIRMED)),
            disputed=Count("pk", filter=Q(state=Deal.State.DISPUTED)),
            awaiting=Count("pk", filter=Q(state=Deal.State.AWAITING)),
        )
    )
    outside = sel.outside_wins().filter(period.q("recorded_at")).count()
    awaiting_list = awaiting_list_url(sel)
    return _figures_table(
        "pipeline",
        _("Interest, introductions and deals"),
        [
            (_("Expressions of interest"), interests["total"], None),
            (_("Waiting for an answer now"), interests["waiting"], awaiting_list),
            (_("Past their answer deadline now"), interests["overdue"], awaiting_list),
            (_("Introductions"), introductions, None),
            (_("Deals won"), deals["won"], deal_list_url(sel)),
            (_("Deals confirmed by the company"), deals["confirmed"], deal_list_url(sel, state=Deal.State.CONFIRMED)),
            (_("Deals disputed"), deals["disputed"], deal_list_url(sel, state=Deal.State.DISPUTED)),
            (_("Deals awaiting confirmation"), deals["awaiting"], deal_list_url(sel, state=Deal.State.AWAITING)),
            (_("Won outside the portal"), outside, None),
        ],
    )


def fee_table(sel: Selection) -> Table:
    """Deals and fees per currency (never added across currencies), as `/deals/`' totals."""
    zero = Value(Decimal("0.00"), output_field=DecimalField(max_digits=16, decimal_places=2))
    rows = (
        sel.deals()
        .filter(sel.period.date_q("closed_on"))
        .order_by()
        .values("currency")
        .annotate(
            deals=Count("pk"),
            value=Coalesce(Sum("value"), zero),
            fees=Coalesce(Sum("fee_amount"), zero),
            confirmed=Coalesce(Sum("fee_amount", filter=Q(state=Deal.State.CONFIRMED)), zero),
        )
        .order_by("currency")
    )
    columns = (
        Column("currency", _("Currency")),
        Column("deals", _("Deals"), numeric=True),
        Column("value", _("Deal value"), numeric=True),
        Column("fees", _("Fees recorded"), numeric=True),
        Column("confirmed", _("Fees confirmed"), numeric=True),
    )
    return Table(
        key="fees",
        title=_("Deals and fees per currency"),
        columns=columns,
        rows=tuple(Row(values=dict(row), links={"deals": deal_list_url(sel)}) for row in rows),
    )


# --- The funnel -----------------------------------------------------------------------------------------

FUNNEL_STEPS = [
    ("suggested", "suggested_at"),
    ("shortlisted", "shortlisted_at"),
    ("invited", "invited_at"),
    ("interest", "interest_at"),
    ("introduced", "introduced_at"),
    ("won", "won_at"),
    ("confirmed", "confirmed_at"),
]


def _step_labels() -> dict[str, str]:
    return {
        "suggested": _("Suggested"),
        "shortlisted": _("Shortlisted"),
        "invited": _("Invited"),
        "interest": _("Interest expressed"),
        "introduced": _("Introduced"),
        "won": _("Won"),
        "confirmed": _("Confirmed by the company"),
    }


def _funnel_sql(opportunity_sql: str) -> str:
    suggestion = Suggestion._meta.db_table
    action = SuggestionAction._meta.db_table
    interest = Interest._meta.db_table
    introduction = Introduction._meta.db_table
    deal = Deal._meta.db_table
    shortlisted, invited = Suggestion.Decision.SHORTLISTED, Suggestion.Decision.INVITED
    confirmed = Deal.State.CONFIRMED
    # Table names and quoted values come from the models and their choices, never from a request; the
    # opportunities' SQL is Django's, its parameters passed separately.
    pairs = f"""
        WITH opp (oid) AS ({opportunity_sql}),
        acts AS (
            SELECT a.suggestion_id, MIN(a.created_at) AS first_action_at,
                MIN(a.created_at) FILTER (WHERE a.action = '{shortlisted}') AS shortlisted_at,
                MIN(a.created_at) FILTER (WHERE a.action = '{invited}') AS invited_at
            FROM {action} a GROUP BY a.suggestion_id
        ),
        sugg AS (
            SELECT s.opportunity_id, s.company_id, s.decision, s.computed_at,
                acts.first_action_at, acts.shortlisted_at, acts.invited_at
            FROM {suggestion} s LEFT JOIN acts ON acts.suggestion_id = s.id
            WHERE s.opportunity_id IN (SELECT oid FROM opp)
        ),
        intr AS (
            SELECT i.opportunity_id, i.company_id, i.created_at AS interest_at, n.created_at AS introduced_at,
                d.created_at AS won_at,
                CASE WHEN d.state = '{confirmed}' THEN COALESCE(d.confirmed_at, d.updated_at) END AS confirmed_at
            FROM {interest} i
            LEFT JOIN {introduction} n ON n.interest_id = i.id
            LEFT JOIN {deal} d ON d.introduction_id = n.id
            WHERE i.opportunity_id IN (SELECT oid FROM opp)
        ),
        pairs AS (
            SELECT
                CASE WHEN s.first_action_at IS NOT NULL AND s.first_action_at < s.computed_at
                    THEN s.first_action_at ELSE s.computed_at END AS suggested_at,
                s.shortlisted_at, s.invited_at, i.interest_at, i.introduced_at, i.won_at, i.confirmed_at,
                (s.shortlisted_at IS NOT NULL OR s.decision = '{shortlisted}') AS was_shortlisted,
                (s.invited_at IS NOT NULL OR s.decision = '{invited}') AS was_invited
            FROM sugg s LEFT JOIN intr i ON i.opportunity_id = s.opportunity_id AND i.company_id = s.company_id
            UNION ALL
            SELECT NULL, NULL, NULL, i.interest_at, i.introduced_at, i.won_at, i.confirmed_at, FALSE, FALSE
            FROM intr i WHERE NOT EXISTS (
                SELECT 1 FROM sugg s WHERE s.opportunity_id = i.opportunity_id AND s.company_id = i.company_id
            )
        ),
        levels AS (
            SELECT *, CASE
                WHEN confirmed_at IS NOT NULL THEN 6 WHEN won_at IS NOT NULL THEN 5
                WHEN introduced_at IS NOT NULL THEN 4 WHEN interest_at IS NOT NULL THEN 3
                WHEN was_invited THEN 2 WHEN was_shortlisted THEN 1 ELSE 0 END AS level
            FROM pairs
        )
    """  # noqa: S608
    counts = [f"SUM(CASE WHEN level >= {k} THEN 1 ELSE 0 END)" for k in range(len(FUNNEL_STEPS))]
    medians = []
    if connection.vendor == "postgresql":
        for (_prev, before), (_step, after) in zip(FUNNEL_STEPS, FUNNEL_STEPS[1:], strict=False):
            medians.append(
                f"percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM ({after} - {before})) / 86400.0) "
                f"FILTER (WHERE {before} IS NOT NULL AND {after} IS NOT NULL AND {after} >= {before})"
            )
    return pairs + f"SELECT {', '.join(counts + medians)} FROM levels"  # noqa: S608


def funnel(sel: Selection) -> Table:
    opportunities = sel.all_opportunities().filter(sel.period.q("published_at")).order_by().values("pk")
    opportunity_sql, params = opportunities.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(_funnel_sql(opportunity_sql), params)
        result = cursor.fetchone()
    steps = len(FUNNEL_STEPS)
    counts = [int(value or 0) for value in result[:steps]]
    medians = [None, *result[steps:]] if len(result) > steps else [None] * steps
    labels = _step_labels()
    rows = []
    for index, (key, _field) in enumerate(FUNNEL_STEPS):
        previous = counts[index - 1] if index else None
        conversion = None
        if previous:
            conversion = (Decimal(counts[index]) * 100 / previous).quantize(Decimal("0.1"))
        median = medians[index]
        rows.append(
            Row(
                values={
                    "step": labels[key],
                    "pairs": counts[index],
                    "conversion": conversion,
                    "median_days": None if median is None else Decimal(str(median)).quantize(Decimal("0.1")),
                },
            )
        )
    columns = (
        Column("step", _("Step")),
        Column("pairs", _("Company–opportunity pairs"), numeric=True),
        Column("conversion", _("Conversion from the step before (%)"), numeric=True),
        Column("median_days", _("Median days from the step before"), numeric=True),
    )
    return Table(key="funnel", title=_("From suggestion to confirmed deal"), columns=columns, rows=tuple(rows))


# --- Per country, Lab, theme and discipline (`groups`) ---------------------------------------------------


def _subquery_count(queryset):
    counted = queryset.order_by().annotate(_n=Func(F("pk"), function="COUNT")).values("_n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _narrowed(sel: Selection, **params) -> str:
    return opportunity_list_url(sel, **params)


def per_country(sel: Selection) -> Table:
    return groups.per_country(sel, _narrowed)


def per_lab(sel: Selection) -> Table:
    return groups.per_lab(sel, _narrowed)


def per_theme(sel: Selection) -> Table:
    return groups.per_theme(sel, _narrowed)


def per_discipline(sel: Selection) -> Table:
    return groups.per_discipline(sel, _narrowed)


# --- Per month --------------------------------------------------------------------------------------------


def month_starts(count: int = MONTHS) -> list:
    """The first days of the last `count` months, oldest first, this month last (local time)."""
    today = timezone.localdate()
    year, month = today.year, today.month
    starts = []
    for _index in range(count):
        starts.append(today.replace(year=year, month=month, day=1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return starts[::-1]


def _by_month(queryset, field: str, **aggregates) -> dict:
    rows = queryset.annotate(_month=TruncMonth(field)).order_by().values("_month").annotate(**aggregates)
    return {_as_date(row.pop("_month")): row for row in rows}


def _as_date(value):
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def monthly(sel: Selection) -> Table:
    """The last 24 months (the period filter does not apply; the others do)."""
    months = month_starts()
    start = timezone.make_aware(datetime.datetime.combine(months[0], datetime.time.min))
    companies = _by_month(sel.companies().filter(created_at__gte=start), "created_at", n=Count("pk"))
    published = _by_month(sel.all_opportunities().filter(published_at__gte=start), "published_at", n=Count("pk"))
    interests = _by_month(sel.interests().filter(created_at__gte=start), "created_at", n=Count("pk"))
    deals = defaultdict(dict)
    deal_rows = (
        sel.deals()
        .filter(closed_on__gte=months[0])
        .annotate(_month=TruncMonth("closed_on"))
        .order_by()
        .values("_month", "currency")
        .annotate(n=Count("pk"), fees=Sum("fee_amount"))
    )
    for row in deal_rows:
        deals[_as_date(row["_month"])][row["currency"]] = row
    rows = []
    for month in months:
        in_month = deals.get(month, {})
        values = {
            "month": month.strftime("%Y-%m"),
            "companies": companies.get(month, {}).get("n", 0),
            "published": published.get(month, {}).get("n", 0),
            "interests": interests.get(month, {}).get("n", 0),
            "deals": sum(row["n"] for row in in_month.values()),
        }
        for code in CURRENCIES:
            values[f"fees_{code}"] = in_month.get(code, {}).get("fees") or Decimal("0.00")
        rows.append(Row(values=values))
    columns = (
        Column("month", _("Month")),
        Column("companies", _("New companies"), numeric=True),
        Column("published", _("Opportunities published"), numeric=True),
        Column("interests", _("Expressions of interest"), numeric=True),
        Column("deals", _("Deals won"), numeric=True),
        *(Column(f"fees_{code}", _("Fees %(currency)s") % {"currency": code}, numeric=True) for code in CURRENCIES),
    )
    return Table(key="monthly", title=_("Per month, the last 24 months"), columns=columns, rows=tuple(rows))


# --- Work lists ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkList:
    """The first rows of a list that asks for action, and how many there are in all."""

    table: Table
    total: int

    @property
    def more(self) -> int:
        return max(self.total - len(self.table.rows), 0)


def _work_list(queryset, key: str, title: str, columns, row) -> WorkList:
    # The first rows and, with each, the count of all (a window over the whole result): one query, not a
    # count and then the same query again for the page.
    items = list(queryset.annotate(_total=Window(Count("*")))[:WORK_LIST_SIZE])
    total = 0
    if items:
        total = items[0]["_total"] if isinstance(items[0], dict) else items[0]._total
    rows = tuple(row(item) for item in items)
    return WorkList(table=Table(key=key, title=title, columns=columns, rows=rows), total=total)


def stale_opportunities(sel: Selection) -> WorkList:
    """Published for 14 days or more, and no expression of interest yet."""
    since = timezone.now() - datetime.timedelta(days=NO_INTEREST_DAYS)
    queryset = (
        sel.opportunities()
        .filter(status=Status.PUBLISHED, published_at__lte=since)
        .filter(~Exists(Interest.objects.filter(opportunity_id=OuterRef("pk"))))
        .select_related("lab")
        .order_by("published_at", "pk")
    )
    columns = (Column("title", _("Opportunity")), Column("lab", _("Lab")), Column("published", _("Published on")))
    return _work_list(
        queryset,
        "stale_opportunities",
        _("Published %(days)s days or more, no interest yet") % {"days": NO_INTEREST_DAYS},
        columns,
        lambda o: Row(
            values={"title": o.title, "lab": o.lab.name, "published": timezone.localtime(o.published_at).date()},
            links={"title": o.get_absolute_url()},
        ),
    )


def overdue_interests(sel: Selection) -> WorkList:
    queryset = (
        sel.interests()
        .filter(state=Interest.State.SUBMITTED, reply_due__lt=timezone.now())
        .select_related("opportunity", "company")
        .order_by("reply_due", "pk")
    )
    columns = (
        Column("company", _("Company")),
        Column("opportunity", _("Opportunity")),
        Column("due", _("Answer was due")),
    )
    return _work_list(
        queryset,
        "overdue_interests",
        _("Expressions of interest past their answer deadline"),
        columns,
        lambda i: Row(
            values={
                "company": i.company.name,
                "opportunity": i.opportunity.title,
                "due": timezone.localtime(i.reply_due).date(),
            },
            links={"company": reverse("opportunities:interest_detail", kwargs={"pk": i.pk})},
        ),
    )


def awaiting_deals(sel: Selection) -> WorkList:
    queryset = (
        sel.deals()
        .filter(state=Deal.State.AWAITING)
        .select_related("introduction__interest__opportunity", "introduction__interest__company")
        .order_by("closed_on", "pk")
    )
    columns = (
        Column("company", _("Company")),
        Column("opportunity", _("Opportunity")),
        Column("closed_on", _("Deal date")),
    )

    def row(deal):
        interest = deal.introduction.interest
        return Row(
            values={
                "company": interest.company.name,
                "opportunity": interest.opportunity.title,
                "closed_on": deal.closed_on,
            },
            links={"company": reverse("opportunities:interest_detail", kwargs={"pk": interest.pk})},
        )

    return _work_list(queryset, "awaiting_deals", _("Deals waiting for the company's confirmation"), columns, row)


def incomplete_companies(sel: Selection) -> WorkList:
    """Companies with an incomplete profile that are suggested for an opportunity open for interest."""
    # Counted per company over the open suggestions (one GROUP BY), not a count per company in scope.
    incomplete = with_completeness(sel.companies()).exclude(complete_profile_q()).values("pk")
    queryset = (
        sel.suggestions()
        .filter(open_for_interest_q("opportunity__"), company_id__in=incomplete)
        .values("company_id", "company__name", "company__slug")
        .annotate(open_matches=Count("pk"))
        .order_by("-open_matches", "company__name", "company_id")
    )
    columns = (Column("company", _("Company")), Column("open_matches", _("Open opportunities matched"), numeric=True))
    return _work_list(
        queryset,
        "incomplete_companies",
        _("Companies with an incomplete profile that match open opportunities"),
        columns,
        lambda c: Row(
            values={"company": c["company__name"], "open_matches": c["open_matches"]},
            links={"company": reverse("companies:detail", kwargs={"slug": c["company__slug"]})},
        ),
    )


# --- The whole dashboard -----------------------------------------------------------------------------


TABLES = {
    "companies": company_tiles,
    "opportunities": opportunity_tiles,
    "pipeline": pipeline_tiles,
    "fees": fee_table,
    "funnel": funnel,
    "per_country": per_country,
    "per_lab": per_lab,
    "per_theme": per_theme,
    "per_discipline": per_discipline,
    "monthly": monthly,
}
WORK_LISTS = {
    "stale_opportunities": stale_opportunities,
    "overdue_interests": overdue_interests,
    "awaiting_deals": awaiting_deals,
    "incomplete_companies": incomplete_companies,
}


def dashboard_table(user, filters: Filters, key: str) -> Table:
    """One table of the dashboard by its key (for an export): a figure table, or a work list's first rows."""
    sel = selection(user, filters)
    if key in TABLES:
        return TABLES[key](sel)
    return WORK_LISTS[key](sel).table


@dataclass(frozen=True)
class Dashboard:
    scope_label: str
    tables: dict[str, Table]
    work_lists: dict[str, WorkList]


class TooSlow(Exception):
    """The dashboard did not fit in the time it was given (`summaries.counted_within`)."""


def dashboard(user, filters: Filters, *, deadline: float | None = None) -> Dashboard:
    """Every table and work list; with a `deadline` (a `time.monotonic()` value), `TooSlow` once it passed."""
    sel = selection(user, filters)

    def built(builders: dict) -> dict:
        out = {}
        for key, build in builders.items():
            if deadline is not None and time.monotonic() > deadline:
                raise TooSlow(key)
            out[key] = build(sel)
        return out

    return Dashboard(scope_label=str(sel.scope.label()), tables=built(TABLES), work_lists=built(WORK_LISTS))
