"""Storing suggestions through the ORM (SQLite in the tests): the same rows as the PostgreSQL storage,
row by row in Python, in the caller's transaction."""

import json

from django.db.models import Q
from django.utils import timezone

from companies.models import Company

from ...models import Opportunity, Suggestion
from .base import WRITE_CHUNK, Rankings, by_rank, columns


class OrmStorage:
    """The `Storage` of any database Django supports (see `base.Storage`)."""

    vendor = "orm"

    def store_full(self, computation, timings: dict) -> None:
        _store_full(computation)

    def store_plan(self, rows: list[tuple]) -> None:
        _store_plan(rows)

    def read_rankings(self, side: str, owners) -> Rankings:
        owners = sorted(owners)
        if not owners:
            return {}
        owner, other, rank = columns(side)
        found = Suggestion.objects.exclude(**{rank: None}).filter(**{f"{owner}__in": owners})
        return by_rank(found.values_list(owner, other, "score", rank))


# Rows a person decided something about, or acted on (a cleared decision keeps its history): a recompute
# takes them out of the rankings but never deletes them.
_KEPT = ~Q(decision="") | Q(actions__isnull=False)


def _chunks(computation, size: int = WRITE_CHUNK):
    for start in range(0, len(computation), size):
        yield computation.stored(start, start + size)


def _store_full(computation) -> None:
    """The full result through the ORM (SQLite): update, insert, delete the undecided rest."""
    from ...matching.engine import ENGINE_VERSION

    now = timezone.now()
    existing = {(s.opportunity_id, s.company_id): s for s in Suggestion.objects.select_for_update()}
    to_update, to_create = [], []
    fields = ["score", "rank_for_opportunity", "rank_for_company", "parts", "engine_version", "computed_at"]
    for chunk in _chunks(computation):
        for opportunity_id, company_id, score, rank_o, rank_c, parts in chunk:
            values = (score, rank_o, rank_c, json.loads(parts), ENGINE_VERSION)
            row = existing.pop((int(opportunity_id), int(company_id)), None)
            if row is None:
                row = Suggestion(opportunity_id=int(opportunity_id), company_id=int(company_id), computed_at=now)
                to_create.append(row)
            elif tuple(getattr(row, field) for field in fields[:5]) != values:
                row.computed_at = now
                to_update.append(row)
            else:
                continue
            row.score, row.rank_for_opportunity, row.rank_for_company, row.parts, row.engine_version = values
    Suggestion.objects.bulk_update(to_update, fields, batch_size=1000)
    Suggestion.objects.bulk_create(to_create, batch_size=1000)
    outside = Suggestion.objects.filter(pk__in=[row.pk for row in existing.values()])
    outside.exclude(_KEPT).delete()
    # Decided rows (and those with a history) outside the top stay, out of the rankings.
    outside.exclude(rank_for_opportunity=None, rank_for_company=None).update(
        rank_for_opportunity=None, rank_for_company=None
    )


def _store_plan(rows) -> None:
    from ...matching.engine import ENGINE_VERSION

    now = timezone.now()
    pairs = Q()
    for opportunity_id, company_id, *_rest in rows:
        pairs |= Q(opportunity_id=opportunity_id, company_id=company_id)
    existing = {(s.opportunity_id, s.company_id): s for s in Suggestion.objects.select_for_update().filter(pairs)}
    valid_companies = set(Company.objects.filter(pk__in={row[1] for row in rows}).values_list("pk", flat=True))
    valid_opportunities = set(Opportunity.objects.filter(pk__in={row[0] for row in rows}).values_list("pk", flat=True))
    to_update, to_create = [], []
    for opportunity_id, company_id, score, rank_o, rank_c, parts, set_o, set_c in rows:
        row = existing.get((opportunity_id, company_id))
        if row is None:
            if parts is None or company_id not in valid_companies or opportunity_id not in valid_opportunities:
                continue
            row = Suggestion(opportunity_id=opportunity_id, company_id=company_id)
            to_create.append(row)
        else:
            to_update.append(row)
        if parts is not None:
            row.score, row.parts, row.engine_version = score, json.loads(parts), ENGINE_VERSION
        row.computed_at = now
        if set_o:
            row.rank_for_opportunity = rank_o
        if set_c:
            row.rank_for_company = rank_c
    fields = ["score", "parts", "engine_version", "computed_at", "rank_for_opportunity", "rank_for_company"]
    Suggestion.objects.bulk_update(to_update, fields, batch_size=1000)
    Suggestion.objects.bulk_create(to_create, batch_size=1000)
    Suggestion.objects.filter(
        pk__in=[row.pk for row in to_update if row.rank_for_opportunity is None and row.rank_for_company is None]
    ).exclude(_KEPT).delete()
