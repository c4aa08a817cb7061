"""Rows into the matching engine's documents: flat `values_list` queries fetched straight from the driver
and grouped in Python (no model instances). The engine (`opportunities/matching/`) never sees the ORM."""

import functools
import json
from collections import defaultdict
from contextlib import contextmanager

from django.db import connection, transaction

from companies.models import Company, PortfolioItem, Visibility

from ..matching.documents import CompanyDoc, OpportunityDoc, PortfolioDoc
from ..models import Opportunity


def fetch(queryset) -> list[tuple]:
    """The rows of a values_list queryset as the database driver returns them: no per-row work in the ORM,
    which counts at a few hundred thousand rows. JSON columns come back as text."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _grouped(queryset) -> dict:
    """(owner, value) rows as owner -> (values, sorted)."""
    grouped: dict = defaultdict(list)
    for key, found in fetch(queryset.order_by()):
        grouped[key].append(found)
    return {key: tuple(sorted(values)) for key, values in grouped.items()}


@functools.lru_cache(maxsize=4096)
def _codes(value: str) -> tuple[str, ...]:
    """Country codes from the comma-separated text a multiple CountryField stores."""
    return tuple(code for code in value.split(",") if code) if value else ()


def _languages():
    """Working languages from their JSON text (or the list a driver made of it), parsed once per value."""
    seen: dict = {}

    def parse(value) -> tuple[str, ...]:
        if not isinstance(value, str):
            return tuple(value or ())
        found = seen.get(value)
        if found is None:
            found = seen[value] = tuple(json.loads(value) or ())
        return found

    return parse


def company_documents(companies=None) -> list[CompanyDoc]:
    """Companies open to matching, with the portfolio items matching may read (not private ones)."""
    rows = (companies if companies is not None else Company.objects.all()).filter(open_to_matching=True)
    ids = rows.values("pk")
    disciplines = _grouped(
        Company.disciplines.through.objects.filter(company_id__in=ids).values_list("company_id", "discipline__slug")
    )
    themes = _grouped(
        Company.themes.through.objects.filter(company_id__in=ids).values_list("company_id", "theme__slug")
    )
    items = PortfolioItem.objects.filter(company_id__in=ids).exclude(visibility=Visibility.PRIVATE)
    item_ids = items.values("pk")
    item_disciplines = _grouped(
        PortfolioItem.disciplines.through.objects.filter(portfolioitem_id__in=item_ids).values_list(
            "portfolioitem_id", "discipline__slug"
        )
    )
    item_themes = _grouped(
        PortfolioItem.themes.through.objects.filter(portfolioitem_id__in=item_ids).values_list(
            "portfolioitem_id", "theme__slug"
        )
    )
    portfolio: dict = defaultdict(list)
    empty = ()
    item_rows = items.order_by("company_id", "position", "pk").values_list(
        "pk", "company_id", "title", "description", "client", "year"
    )
    for pk, company_id, title, description, client, year in fetch(item_rows):
        portfolio[company_id].append(
            PortfolioDoc(
                id=str(pk),
                title=title,
                description=description,
                client=client,
                year=year,
                disciplines=item_disciplines.get(pk, empty),
                themes=item_themes.get(pk, empty),
            )
        )
    languages = _languages()
    company_rows = rows.order_by("pk").values_list(
        "pk", "name", "description", "pitch", "city", "target_countries", "presence_countries", "languages"
    )
    return [
        CompanyDoc(
            id=str(pk),
            name=name,
            description=description,
            pitch=pitch,
            city=city,
            disciplines=disciplines.get(pk, empty),
            themes=themes.get(pk, empty),
            target_countries=_codes(targets),
            local_presence=_codes(presence),
            languages=languages(spoken),
            portfolio=tuple(portfolio.get(pk, empty)),
        )
        for pk, name, description, pitch, city, targets, presence, spoken in fetch(company_rows)
    ]


def open_opportunities():
    """What matching considers: the opportunities open for interest."""
    return Opportunity.objects.open_for_interest()


def opportunity_documents(opportunities=None) -> list[OpportunityDoc]:
    rows = opportunities if opportunities is not None else open_opportunities()
    ids = rows.values("pk")
    themes = _grouped(
        Opportunity.themes.through.objects.filter(opportunity_id__in=ids).values_list("opportunity_id", "theme__slug")
    )
    required = _grouped(
        Opportunity.required_disciplines.through.objects.filter(opportunity_id__in=ids).values_list(
            "opportunity_id", "discipline__slug"
        )
    )
    nice = _grouped(
        Opportunity.nice_disciplines.through.objects.filter(opportunity_id__in=ids).values_list(
            "opportunity_id", "discipline__slug"
        )
    )
    empty = ()
    languages = _languages()
    opportunity_rows = rows.order_by("pk").values_list(
        "pk", "title", "summary", "brief", "country_id", "city", "languages"
    )
    return [
        OpportunityDoc(
            id=str(pk),
            title=title,
            description=f"{summary}\n\n{brief}",
            country=country,
            city=city,
            themes=themes.get(pk, empty),
            required_disciplines=required.get(pk, empty),
            nice_disciplines=nice.get(pk, empty),
            languages=languages(spoken),
            is_open=True,
        )
        for pk, title, summary, brief, country, city, spoken in fetch(opportunity_rows)
    ]


@contextmanager
def consistent_reads():
    """One view of the database for several queries: REPEATABLE READ on PostgreSQL when this opens the
    transaction (inside a caller's transaction, that transaction's view)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield
