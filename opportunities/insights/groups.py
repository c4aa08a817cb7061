"""The dashboard's figures per focus country, Lab, theme and discipline, side by side.

One SQL statement gives all four tables: the rows of each kind (opportunities, published ones, expressions
of interest, introductions, deals) are first counted per opportunity, then joined to the opportunity's
group in each dimension (its Lab's country, its Lab, each of its themes, each discipline it requires or
would like) and counted per group. A theme or discipline counts an opportunity once however it is linked.
The selection is the same as the other figures' (`scope.Selection`), so a group's figures add up to the
tiles' where the groups do not overlap (countries, Labs).
"""

from decimal import Decimal

from django.db import connection
from django.db.models import F
from django.utils.translation import gettext as _

from companies.models import Discipline
from labs.models import Theme

from ..models import Deal, Opportunity
from .scope import Selection
from .tables import Column, Row, Table

CURRENCIES = [code for code, _label in Opportunity.Currency.choices]
ThemeLink = Opportunity.themes.through
RequiredLink = Opportunity.required_disciplines.through
NiceLink = Opportunity.nice_disciplines.through
DIMENSIONS = ("country", "lab", "theme", "discipline")
COUNTS = ["opportunities", "published", "interests", "introductions", "deals", "confirmed"]


def _sql(queryset, **columns):
    """`queryset`'s rows as the named columns, in SQL with its parameters (no ordering)."""
    return queryset.order_by().annotate(**columns).values_list(*columns).query.sql_with_params()


def _kinds(sel: Selection):
    """(kind, queryset of the rows of that kind with `_oid`, `_deal_state`, `_currency`, `_fee`)."""
    period = sel.period
    deals = sel.deals().filter(period.date_q("closed_on"))
    return [
        ("opportunities", sel.opportunities().filter(period.q("created_at")), {"_oid": F("pk")}),
        (
            "published",
            sel.opportunities().filter(period.q("published_at"), published_at__isnull=False),
            {"_oid": F("pk")},
        ),
        ("interests", sel.interests().filter(period.q("created_at")), {"_oid": F("opportunity_id")}),
        ("introductions", sel.introductions().filter(period.q("created_at")), {"_oid": F("interest__opportunity_id")}),
        (
            "deals",
            deals,
            {
                "_oid": F("introduction__interest__opportunity_id"),
                "_deal_state": F("state"),
                "_currency": F("currency"),
                "_fee": F("fee_amount"),
            },
        ),
    ]


def _mappings():
    """(dimension, queryset of (`_oid`, `_gid`): an opportunity and a group it belongs to)."""
    required = RequiredLink.objects.annotate(_oid=F("opportunity_id"), _gid=F("discipline_id"))
    nice = NiceLink.objects.annotate(_oid=F("opportunity_id"), _gid=F("discipline_id"))
    return [
        ("country", Opportunity.objects.annotate(_oid=F("pk"), _gid=F("lab__country_id")).values_list("_oid", "_gid")),
        ("lab", Opportunity.objects.annotate(_oid=F("pk"), _gid=F("lab_id")).values_list("_oid", "_gid")),
        ("theme", ThemeLink.objects.annotate(_oid=F("opportunity_id"), _gid=F("theme_id")).values_list("_oid", "_gid")),
        # UNION (not ALL): an opportunity that requires a discipline and would like it too counts once.
        ("discipline", required.values_list("_oid", "_gid").union(nice.values_list("_oid", "_gid"))),
    ]


def group_figures(sel: Selection) -> dict:
    """{dimension: {group id (as text): {figure: value}}} for the four dimensions, in one query."""
    memo = sel.memo
    if "groups" in memo:
        return memo["groups"]
    parts, params = [], []
    for kind, queryset, columns in _kinds(sel):
        columns = {"_oid": columns["_oid"], **{k: v for k, v in columns.items() if k != "_oid"}}
        sql, part_params = _sql(queryset, **columns)
        extra = ["_deal_state", "_currency"]
        nulls = {
            "_deal_state": "CAST(NULL AS TEXT)",
            "_currency": "CAST(NULL AS TEXT)",
            "_fee": "CAST(NULL AS NUMERIC)",
        }
        chosen = ", ".join(f"x.{name}" if name in columns else nulls[name] for name in extra)
        fees = "SUM(x._fee)" if "_fee" in columns else nulls["_fee"]
        grouped = ", ".join(["x._oid", *(f"x.{name}" for name in extra if name in columns)])
        parts.append(
            f"SELECT '{kind}' AS kind, x._oid AS oid, {chosen}, COUNT(*) AS n, {fees} AS fees "  # noqa: S608
            f"FROM ({sql}) x GROUP BY {grouped}"
        )
        params.extend(part_params)
    maps = []
    for dimension, queryset in _mappings():
        sql, map_params = queryset.order_by().query.sql_with_params()
        maps.append(f"SELECT '{dimension}' AS dim, m._oid AS oid, CAST(m._gid AS TEXT) AS gid FROM ({sql}) m")  # noqa: S608
        params.extend(map_params)
    # Kinds and dimensions are this module's constants; every value from a request is a parameter.
    statement = f"""
        WITH per_opportunity (kind, oid, state, currency, n, fees) AS ({" UNION ALL ".join(parts)}),
        groups_ AS ({" UNION ALL ".join(maps)})
        SELECT g.dim, g.gid, p.kind, p.state, p.currency, SUM(p.n), SUM(p.fees)
        FROM per_opportunity p JOIN groups_ g ON g.oid = p.oid
        GROUP BY g.dim, g.gid, p.kind, p.state, p.currency
    """  # noqa: S608
    figures = {dimension: {} for dimension in DIMENSIONS}
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        for dimension, gid, kind, state, currency, count, fees in cursor.fetchall():
            values = figures[dimension].setdefault(gid, _empty())
            values[kind] += int(count)
            if kind == "deals":
                if state == Deal.State.CONFIRMED:
                    values["confirmed"] += int(count)
                if currency in CURRENCIES:
                    values[f"fees_{currency}"] += fees or Decimal("0.00")
    memo["groups"] = figures
    return figures


def _empty() -> dict:
    return {**dict.fromkeys(COUNTS, 0), **{f"fees_{code}": Decimal("0.00") for code in CURRENCIES}}


def _group_columns(label: str) -> tuple[Column, ...]:
    return (
        Column("group", label),
        Column("opportunities", _("Opportunities"), numeric=True),
        Column("published", _("Published"), numeric=True),
        Column("interests", _("Expressions of interest"), numeric=True),
        Column("introductions", _("Introductions"), numeric=True),
        Column("deals", _("Deals won"), numeric=True),
        Column("confirmed", _("Deals confirmed"), numeric=True),
        *(Column(f"fees_{code}", _("Fees %(currency)s") % {"currency": code}, numeric=True) for code in CURRENCIES),
    )


def _group_table(sel: Selection, dimension: str, groups, key: str, title: str, label: str, link) -> Table:
    figures = group_figures(sel)[dimension]
    period = sel.period
    rows = []
    for group in groups:
        counted = figures.get(str(group.pk))
        if counted is None or not any(counted[name] for name in COUNTS):
            continue  # a group with nothing on it
        values = {"group": str(group), **counted}
        # The opportunity list has no dates: only an all-time count is the list behind it.
        unbounded = period.start is None and period.end is None
        rows.append(Row(values=values, links={"published": link(group)} if unbounded else {}))
    return Table(key=key, title=title, columns=_group_columns(label), rows=tuple(rows))


def per_country(sel: Selection, narrowed) -> Table:
    countries = sel.scope.countries()
    if sel.filters.country is not None:
        countries = countries.filter(pk=sel.filters.country.pk)
    return _group_table(
        sel,
        "country",
        countries,
        "per_country",
        _("Per focus country"),
        _("Country"),
        lambda country: narrowed(sel, country=country.code),
    )


def per_lab(sel: Selection, narrowed) -> Table:
    labs = sel.scope.labs()
    if sel.filters.lab is not None:
        labs = labs.filter(pk=sel.filters.lab.pk)
    return _group_table(sel, "lab", labs, "per_lab", _("Per Lab"), _("Lab"), lambda lab: narrowed(sel, lab=lab.slug))


def per_theme(sel: Selection, narrowed) -> Table:
    themes = Theme.objects.all()
    if sel.filters.theme is not None:
        themes = themes.filter(pk=sel.filters.theme.pk)
    return _group_table(
        sel, "theme", themes, "per_theme", _("Per theme"), _("Theme"), lambda theme: narrowed(sel, theme=theme.slug)
    )


def per_discipline(sel: Selection, narrowed) -> Table:
    disciplines = Discipline.objects.all()
    if sel.filters.discipline is not None:
        disciplines = disciplines.filter(pk=sel.filters.discipline.pk)
    return _group_table(
        sel,
        "discipline",
        disciplines,
        "per_discipline",
        _("Per discipline"),
        _("Discipline"),
        lambda discipline: narrowed(sel, discipline=discipline.slug),
    )
