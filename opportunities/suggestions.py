"""Keeping match suggestions current: the ORM side of the matching engine.

- `company_documents` / `opportunity_documents` turn rows into the engine's documents (the
  loader); the engine itself (`opportunities/matching/`) never sees the ORM.
- `mark_dirty` records in the caller's transaction that a company or opportunity changed and
  enqueues a recompute after commit, delayed by `DEBOUNCE_SECONDS`: further changes inside
  that window find the entry already there, so one recompute serves them all.
- `recompute_full` and `recompute_entry` store results as upserts: one row per pair, ranks
  rewritten, rows that fell out of the top deleted in the same transaction unless a person
  decided something about them. Running either twice leaves the same rows.
"""

import datetime
import logging

from django.core.cache import cache
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from companies.models import Company, PortfolioItem, Visibility

from .matching.documents import CompanyDoc, OpportunityDoc, PortfolioDoc
from .models import MatchQueue, Opportunity, Suggestion

logger = logging.getLogger(__name__)

DEBOUNCE_SECONDS = 10
PER_OPPORTUNITY = 20
PER_COMPANY = 10
FULL_LOCK_KEY = "matching:full-recompute"
FULL_LOCK_SECONDS = 30 * 60


# --- Loader -------------------------------------------------------------------------------------


def _slugs(manager) -> tuple[str, ...]:
    return tuple(sorted(item.slug for item in manager.all()))


def company_documents(companies=None) -> list[CompanyDoc]:
    """Companies open to matching, with the portfolio items matching may read (not private ones)."""
    rows = (companies if companies is not None else Company.objects.all()).filter(open_to_matching=True)
    items = PortfolioItem.objects.exclude(visibility=Visibility.PRIVATE).prefetch_related("disciplines", "themes")
    rows = rows.prefetch_related("disciplines", "themes", Prefetch("portfolio", queryset=items))
    return [
        CompanyDoc(
            id=str(company.pk),
            name=company.name,
            description=company.description,
            pitch=company.pitch,
            city=company.city,
            disciplines=_slugs(company.disciplines),
            themes=_slugs(company.themes),
            target_countries=tuple(str(code) for code in company.target_countries),
            local_presence=tuple(str(code) for code in company.presence_countries),
            languages=tuple(company.languages),
            portfolio=tuple(
                PortfolioDoc(
                    id=str(item.pk),
                    title=item.title,
                    description=item.description,
                    client=item.client,
                    year=item.year,
                    disciplines=_slugs(item.disciplines),
                    themes=_slugs(item.themes),
                )
                for item in company.portfolio.all()
            ),
        )
        for company in rows
    ]


def open_opportunities():
    return Opportunity.objects.published().filter(deadline__gte=timezone.localdate())


def opportunity_documents(opportunities=None) -> list[OpportunityDoc]:
    rows = (opportunities if opportunities is not None else open_opportunities()).prefetch_related(
        "themes", "required_disciplines", "nice_disciplines"
    )
    return [
        OpportunityDoc(
            id=str(opportunity.pk),
            title=opportunity.title,
            description=f"{opportunity.summary}\n\n{opportunity.brief}",
            country=opportunity.country_id,
            city=opportunity.city,
            themes=_slugs(opportunity.themes),
            required_disciplines=_slugs(opportunity.required_disciplines),
            nice_disciplines=_slugs(opportunity.nice_disciplines),
            languages=tuple(opportunity.languages),
            is_open=True,
        )
        for opportunity in rows
    ]


# --- Marking dirty ---------------------------------------------------------------------------------


def mark_dirty(kind: str, object_id: int) -> None:
    """Record a change in the current transaction; a recompute follows after commit."""
    now = timezone.now()
    entry, created = MatchQueue.objects.get_or_create(kind=kind, object_id=object_id, defaults={"dirty_since": now})
    if created:
        from creativelabs.celery import enqueue_on_commit

        from .tasks import recompute_entry_task

        enqueue_on_commit(recompute_entry_task, kind, object_id, countdown=DEBOUNCE_SECONDS)


def mark_company_dirty(company_id: int) -> None:
    mark_dirty(MatchQueue.Kind.COMPANY, company_id)


def mark_opportunity_dirty(opportunity_id: int) -> None:
    mark_dirty(MatchQueue.Kind.OPPORTUNITY, opportunity_id)


# --- Storing ---------------------------------------------------------------------------------------


def _engine():
    # The engine (numpy, scipy) loads only where suggestions are computed, not on every save.
    from .matching.engine import Engine

    return Engine()


def _row(suggestion, now) -> dict:
    from .matching.engine import ENGINE_VERSION

    return {
        "score": suggestion.score,
        "rank_for_opportunity": suggestion.rank_for_opportunity,
        "rank_for_company": suggestion.rank_for_company,
        "parts": [{"name": p.name, "value": p.value, "detail": p.detail} for p in suggestion.parts],
        "engine_version": ENGINE_VERSION,
        "computed_at": now,
    }


def _upsert(pairs: dict[tuple[int, int], dict], scope: Q) -> None:
    """Write `pairs` over the rows in `scope`: update, insert, delete the undecided rest."""
    existing = {(s.opportunity_id, s.company_id): s for s in Suggestion.objects.select_for_update().filter(scope)}
    to_update, to_create = [], []
    for (opportunity_id, company_id), values in pairs.items():
        row = existing.pop((opportunity_id, company_id), None)
        if row is None:
            to_create.append(Suggestion(opportunity_id=opportunity_id, company_id=company_id, **values))
        else:
            for field, value in values.items():
                setattr(row, field, value)
            to_update.append(row)
    fields = ["score", "rank_for_opportunity", "rank_for_company", "parts", "engine_version", "computed_at"]
    Suggestion.objects.bulk_update(to_update, fields, batch_size=1000)
    Suggestion.objects.bulk_create(to_create, batch_size=1000)
    stale_undecided = [row.pk for row in existing.values() if not row.decision]
    Suggestion.objects.filter(pk__in=stale_undecided).delete()
    # Decided rows outside the top stay, out of the rankings.
    Suggestion.objects.filter(pk__in=[row.pk for row in existing.values() if row.decision]).update(
        rank_for_opportunity=None, rank_for_company=None
    )


def recompute_full(engine=None) -> int:
    """Every open opportunity against every company; returns the number of pairs kept."""
    if not cache.add(FULL_LOCK_KEY, timezone.now().isoformat(), FULL_LOCK_SECONDS):
        logger.info("A full recompute is already running; this one stops.")
        return -1
    try:
        engine = engine or _engine()
        result = engine.match(
            company_documents(), opportunity_documents(), per_opportunity=PER_OPPORTUNITY, per_company=PER_COMPANY
        )
        now = timezone.now()
        pairs = {(int(s.opportunity_id), int(s.company_id)): _row(s, now) for s in result.suggestions}
        with transaction.atomic():
            _upsert(pairs, Q())
            MatchQueue.objects.filter(dirty_since__lte=now).delete()
        return len(pairs)
    finally:
        cache.delete(FULL_LOCK_KEY)


def recompute_entry(kind: str, object_id: int, engine=None) -> bool:
    """Recompute what one changed company or opportunity touches; False if nothing was queued."""
    started = timezone.now()
    entry = MatchQueue.objects.filter(kind=kind, object_id=object_id).first()
    if entry is None:
        return False
    engine = engine or _engine()
    if kind == MatchQueue.Kind.COMPANY:
        _recompute_company(object_id, engine)
    else:
        _recompute_opportunity(object_id, engine)
    # A change made while we computed keeps its entry (newer dirty_since) for the next run.
    MatchQueue.objects.filter(pk=entry.pk, dirty_since__lte=started).delete()
    return True


def _recompute_company(company_id: int, engine) -> None:
    companies = company_documents(Company.objects.filter(pk=company_id))
    opportunities = opportunity_documents()
    now = timezone.now()
    ranked = engine.rank_for_company(companies[0], opportunities)[:PER_COMPANY] if companies else []
    with transaction.atomic():
        pairs = {}
        for rank, suggestion in enumerate(ranked, start=1):
            row = _row(suggestion, now)
            row["rank_for_company"] = rank
            row["rank_for_opportunity"] = None
            pairs[(int(suggestion.opportunity_id), company_id)] = row
        _upsert(pairs, Q(company_id=company_id))
        _rerank_opportunities([opportunity_id for opportunity_id, _company in pairs])
        _drop_unranked_undecided()


def _recompute_opportunity(opportunity_id: int, engine) -> None:
    opportunities = opportunity_documents(open_opportunities().filter(pk=opportunity_id))
    now = timezone.now()
    ranked = (
        engine.rank_for_opportunity(opportunities[0], company_documents())[:PER_OPPORTUNITY] if opportunities else []
    )
    with transaction.atomic():
        pairs = {}
        for rank, suggestion in enumerate(ranked, start=1):
            row = _row(suggestion, now)
            row["rank_for_opportunity"] = rank
            row["rank_for_company"] = None
            pairs[(opportunity_id, int(suggestion.company_id))] = row
        _upsert(pairs, Q(opportunity_id=opportunity_id))
        _rerank_companies([company_id for _opportunity, company_id in pairs])
        _drop_unranked_undecided()


def _drop_unranked_undecided() -> None:
    Suggestion.objects.filter(rank_for_opportunity=None, rank_for_company=None, decision="").delete()


def _rerank(rows, field: str, limit: int) -> None:
    for rank, row in enumerate(sorted(rows, key=lambda r: (-r.score, r.pk)), start=1):
        setattr(row, field, rank if rank <= limit else None)
    Suggestion.objects.bulk_update(rows, [field])


def _rerank_opportunities(opportunity_ids) -> None:
    for opportunity_id in set(opportunity_ids):
        _rerank(list(Suggestion.objects.filter(opportunity_id=opportunity_id)), "rank_for_opportunity", PER_OPPORTUNITY)


def _rerank_companies(company_ids) -> None:
    for company_id in set(company_ids):
        _rerank(list(Suggestion.objects.filter(company_id=company_id)), "rank_for_company", PER_COMPANY)


def stale_queue_entries(older_than_seconds: int = 60):
    cutoff = timezone.now() - datetime.timedelta(seconds=older_than_seconds)
    return MatchQueue.objects.filter(dirty_since__lt=cutoff)
