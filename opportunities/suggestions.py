"""Keeping match suggestions current: the ORM side of the matching engine.

- `company_documents` / `opportunity_documents` turn rows into the engine's documents (the loader: flat
  queries grouped in Python, no model instances); the engine itself (`opportunities/matching/`) never sees
  the ORM.
- `mark_dirty` records in the caller's transaction that a company or opportunity changed and enqueues a
  recompute after commit, delayed by `DEBOUNCE_SECONDS`: further changes inside that window find the entry
  already there (and move its time on), so one recompute serves them all.
- `recompute_full` computes every pair and stores the result; `recompute_entry` recomputes what one changed
  company or opportunity touches. Both store upserts: one row per pair, ranks rewritten, rows that fell out
  of the top deleted in the same transaction unless a person decided something about them or acted on them
  (such a row is never deleted and its decision fields are never written). Running either twice leaves the
  same rows.

Storage (full recompute). On PostgreSQL the rows are rendered chunk by chunk on a thread of their own while
the chunks before stream in with COPY and merge, all in one transaction: into an empty table straight by
COPY; otherwise through a staging table, updating only the rows that changed (the parts are compared as
text: unchanged rows are never written) and inserting the new ones; then decided rows outside the tops
leave the rankings and the undecided rest is deleted, and rows of a company or opportunity deleted
meanwhile go. Elsewhere (SQLite in the tests) the same result through the ORM. Each row's `parts` is
`matching.engine.stored_parts` as canonical JSON text: what the portal shows, adding up to the score.

Incremental recomputes use the processed corpus (`matching.engine.MatchIndex`) that the process keeps: the
one its last full recompute built, or one built on first use (and again after `INDEX_MAX_AGE`). The
changed document is read again and scored exactly against all the others; the rankings on the other side
that it was in or now enters are merged from their stored rows, and scored again only when a full ranking
loses it and its next pair is not stored. Incremental recomputes run one at a time (an advisory lock);
while a full recompute runs they leave their entries queued for after it. What a process knows of the
stored rankings it trusts only while the shared cache holds the generation token it wrote last; otherwise
it reads the changed rows (`updated_at`, and count and id sum for deletions) and the rankings' last pairs
again.
"""

import datetime
import functools
import json
import logging
import queue
import threading
import time
import uuid
from collections import defaultdict
from contextlib import contextmanager

from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from companies.models import Company, PortfolioItem, Visibility

from .matching.documents import CompanyDoc, OpportunityDoc, PortfolioDoc
from .models import MatchQueue, Opportunity, Suggestion, SuggestionAction

logger = logging.getLogger(__name__)

DEBOUNCE_SECONDS = 10
PER_OPPORTUNITY = 20
PER_COMPANY = 10
FULL_LOCK = 7_316_253  # PostgreSQL advisory lock: one full recompute at a time (held by the session)
FULL_LOCK_KEY = "matching:full-recompute"  # the same elsewhere (SQLite, one process): a cache key
FULL_LOCK_SECONDS = 30 * 60
INDEX_MAX_AGE = datetime.timedelta(hours=24)  # a worker's processed corpus is rebuilt after this
SYNC_MARGIN = datetime.timedelta(minutes=2)  # rows saved this long before a sync are read again at the next
# An incremental change whose rankings to score again add up to more pairs than this runs a full recompute
# instead (about 5 s of scoring on two cores).
MAX_RESCORED_PAIRS = 100_000_000
# Rows rendered at a time while the chunk before streams to the database: a tenth of them, within these
# bounds (small chunks overlap better; each chunk of the merge costs a few statements more).
WRITE_CHUNK = 50_000
WRITE_CHUNK_SMALLEST = 10_000
INCREMENTAL_LOCK = 7_316_254  # PostgreSQL advisory lock: one incremental recompute at a time
RETRY_FIRST = datetime.timedelta(minutes=1)  # a failed recompute's entry waits this long, doubling each time,
RETRY_LONGEST = datetime.timedelta(hours=6)  # up to this (the nightly full recompute covers it meanwhile)
RETRY_LOUD = 6  # from this many failures on, each is logged as an error


# --- Loader -------------------------------------------------------------------------------------


def _fetch(queryset) -> list[tuple]:
    """The rows of a values_list queryset as the database driver returns them: no per-row work in the ORM,
    which counts at a few hundred thousand rows. JSON columns come back as text."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _grouped(queryset) -> dict:
    """(owner, value) rows as owner -> (values, sorted)."""
    grouped: dict = defaultdict(list)
    for key, found in _fetch(queryset.order_by()):
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
    for pk, company_id, title, description, client, year in _fetch(item_rows):
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
        for pk, name, description, pitch, city, targets, presence, spoken in _fetch(company_rows)
    ]


def open_opportunities():
    return Opportunity.objects.published().filter(deadline__gte=timezone.localdate())


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
        for pk, title, summary, brief, country, city, spoken in _fetch(opportunity_rows)
    ]


@contextmanager
def _consistent_reads():
    """One view of the database for several queries: REPEATABLE READ on PostgreSQL when this opens the
    transaction (inside a caller's transaction, that transaction's view)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


# --- Marking dirty ---------------------------------------------------------------------------------


def mark_dirty(kind: str, object_id: int) -> None:
    """Record a change in the current transaction; a recompute follows after commit."""
    now = timezone.now()
    # A change while an entry waits moves its time on: a recompute that started earlier leaves it queued.
    # It may also mend what made earlier recomputes fail: they are tried again as if for the first time.
    fresh = {"dirty_since": now, "attempts": 0, "retry_after": None, "last_error": ""}
    if MatchQueue.objects.filter(kind=kind, object_id=object_id).update(**fresh):
        return
    try:
        with transaction.atomic():
            MatchQueue.objects.create(kind=kind, object_id=object_id, dirty_since=now)
    except IntegrityError:  # created meanwhile by a concurrent change, whose recompute is on its way
        MatchQueue.objects.filter(kind=kind, object_id=object_id).update(**fresh)
        return
    from creativelabs.celery import enqueue_on_commit

    from .tasks import recompute_entry_task

    enqueue_on_commit(recompute_entry_task, kind, object_id, countdown=DEBOUNCE_SECONDS)


def mark_company_dirty(company_id: int) -> None:
    mark_dirty(MatchQueue.Kind.COMPANY, company_id)


def mark_opportunity_dirty(opportunity_id: int) -> None:
    mark_dirty(MatchQueue.Kind.OPPORTUNITY, opportunity_id)


def stale_queue_entries(older_than_seconds: int = 60):
    """Entries waiting longer than that whose message may be lost, leaving out those whose recompute
    failed and waits for its next try (`RETRY_FIRST`, doubling up to `RETRY_LONGEST`)."""
    now = timezone.now()
    cutoff = now - datetime.timedelta(seconds=older_than_seconds)
    return MatchQueue.objects.filter(dirty_since__lt=cutoff).exclude(retry_after__gt=now)


def _record_failure(entry_pk: int, error: BaseException) -> None:
    """Note a failed recompute on its entry and when to try it again: a change whose recompute keeps
    failing is tried further and further apart, not every minute for ever."""
    try:
        with transaction.atomic():
            entry = MatchQueue.objects.select_for_update().filter(pk=entry_pk).first()
            if entry is None:
                return
            attempts = entry.attempts + 1
            wait = min(RETRY_FIRST * 2 ** (attempts - 1), RETRY_LONGEST)
            MatchQueue.objects.filter(pk=entry_pk).update(
                attempts=attempts,
                retry_after=timezone.now() + wait,
                last_error=f"{type(error).__name__}: {error}"[:500],
            )
    except Exception:  # noqa: BLE001 - the database is what failed: the entry stays as it was
        logger.warning("Could not record the failed recompute of queue entry %s.", entry_pk, exc_info=True)
        return
    log = logger.error if attempts >= RETRY_LOUD else logger.warning
    log("Recompute of %s %s failed (attempt %d); next try after %s.", entry.kind, entry.object_id, attempts, wait)


# --- The processed corpus this process keeps ---------------------------------------------------------

GENERATION_KEY = "matching:rankings-generation"


def _engine():
    # The engine (numpy, scipy) loads only where suggestions are computed, not on every save.
    from .matching.engine import Engine

    return Engine()


def _engine_key(engine) -> tuple:
    return (tuple(sorted(engine.weights.items())), engine.text_only)


class _IndexCache:
    """What this process keeps between recomputes: the processed corpus (`MatchIndex`), how far it has
    followed the database, and the last-ranked pair of every full ranking (whether a changed company or
    opportunity enters a ranking is a comparison with it).

    The rankings are trusted while the shared cache holds the generation token this process wrote last:
    every write of rankings (here or in another process) puts a new token there first. Otherwise, the
    changed rows are read again and the last-ranked pairs are loaded from the database."""

    def __init__(self):
        self.lock = threading.RLock()
        self.forget()

    def forget(self) -> None:
        self.index = None
        self.engine_key = None
        self.built_at = None
        self.synced_at = None  # app clock before the reads of the last full sync
        self.fingerprint = None
        self.generation = None
        # side -> owner id -> (score in millionths, counterpart id) of its pair at rank PER_OPPORTUNITY /
        # PER_COMPANY; an owner without an entry has a ranking that is not full.
        self.last: dict[str, dict[int, tuple[int, int]]] = {"opportunity": {}, "company": {}}

    def adopt(self, index, engine, synced_at, fingerprint, last) -> None:
        self.index = index
        self.engine_key = _engine_key(engine)
        self.built_at = self.synced_at = synced_at
        self.fingerprint = fingerprint
        self.last = last


_CACHE = _IndexCache()


def forget_index() -> None:
    """Drop this process's processed corpus; the next incremental recompute builds one."""
    with _CACHE.lock:
        _CACHE.forget()


def _published_generation():
    try:
        return cache.get(GENERATION_KEY)
    except Exception:  # noqa: BLE001 - without the cache nothing is trusted, nothing breaks
        return None


def _trust(token: str) -> None:
    """What this process knows of the rankings is what it just committed (an on_commit callback)."""
    _CACHE.generation = token


def _publish_generation() -> str:
    """A new generation token: rankings are being written (called inside the writing transaction, which
    holds the advisory lock, so the next recompute anywhere sees it)."""
    token = uuid.uuid4().hex
    try:
        cache.set(GENERATION_KEY, token, None)
    except Exception:  # noqa: BLE001
        logger.warning("Could not publish the rankings generation; other processes will read them again.")
    return token


def _fingerprint(since=None) -> tuple[tuple, dict[str, set[int]]]:
    """(count and id sum of companies, portfolio items and opportunities, which tell deletions apart), and
    the companies and opportunities changed since `since` (a portfolio item counts for its company)."""
    tables = (
        ("company", Company.objects.all(), "pk"),
        ("item", PortfolioItem.objects.all(), "company_id"),
        ("opportunity", Opportunity.objects.all(), "pk"),
    )
    fingerprint, changed = [], {"company": set(), "opportunity": set()}
    for name, rows, owner in tables:
        if connection.vendor == "postgresql" and since is not None:
            from django.contrib.postgres.aggregates import ArrayAgg

            found = rows.aggregate(
                n=Count("pk"), total=Sum("pk"), changed=ArrayAgg(owner, filter=Q(updated_at__gte=since), default=[])
            )
            changed_ids = found["changed"]
        else:
            found = rows.aggregate(n=Count("pk"), total=Sum("pk"))
            changed_ids = rows.filter(updated_at__gte=since).values_list(owner, flat=True) if since else []
        fingerprint.append((found["n"], found["total"] or 0))
        changed["opportunity" if name == "opportunity" else "company"].update(changed_ids)
    return tuple(fingerprint), changed


def _quick_fingerprint() -> tuple:
    """Count and id sum of companies and opportunities (a deletion leaves no updated_at behind)."""
    found = [rows.aggregate(n=Count("pk"), total=Sum("pk")) for rows in (Company.objects, Opportunity.objects)]
    return tuple((row["n"], row["total"] or 0) for row in found)


def _last_ranked_from_database() -> dict[str, dict[int, tuple[int, int]]]:
    last: dict[str, dict[int, tuple[int, int]]] = {"opportunity": {}, "company": {}}
    for side, rank, limit, owner, other in (
        ("opportunity", "rank_for_opportunity", PER_OPPORTUNITY, "opportunity_id", "company_id"),
        ("company", "rank_for_company", PER_COMPANY, "company_id", "opportunity_id"),
    ):
        rows = Suggestion.objects.filter(**{rank: limit}).values_list(owner, "score", other)
        last[side] = {owner_id: (round(score * 1_000_000), other_id) for owner_id, score, other_id in _fetch(rows)}
    return last


def _load_index(engine) -> None:
    with _consistent_reads():
        synced_at = timezone.now()
        companies, opportunities = company_documents(), opportunity_documents()
        fingerprint, _changed = _fingerprint()
        last = _last_ranked_from_database()
    _CACHE.adopt(engine.index(companies, opportunities), engine, synced_at, fingerprint, last)


def _sync(index, since) -> None:
    """Take in every company and opportunity changed since `since`, and the ones that came or went."""
    cached = _CACHE
    now = timezone.now()
    fingerprint, changed = _fingerprint(since=since)
    if fingerprint != cached.fingerprint:
        # Rows came or went (a deletion leaves no updated_at behind): compare the ids themselves.
        open_companies = set(Company.objects.filter(open_to_matching=True).values_list("pk", flat=True))
        changed["company"] |= {int(company_id) for company_id in index.company_ids} ^ open_companies
        items = set(
            PortfolioItem.objects.filter(company__open_to_matching=True)
            .exclude(visibility=Visibility.PRIVATE)
            .values_list("pk", "company_id")
        )
        indexed = {
            (int(item_id), int(index.company_ids[owner]))
            for item_id, owner in zip(index.item_ids, index.item_owner.tolist(), strict=True)
        }
        changed["company"] |= {company_id for _item, company_id in items ^ indexed}
        open_ids = set(open_opportunities().values_list("pk", flat=True))
        changed["opportunity"] |= open_ids ^ {int(opportunity_id) for opportunity_id in index.opportunity_ids}
    _reload(index, changed)
    cached.synced_at = now
    cached.fingerprint = fingerprint


def _reload(index, changed: dict[str, set[int]]) -> None:
    """Read the given companies and opportunities again (those no longer matched leave the index)."""
    if changed["company"]:
        found = company_documents(Company.objects.filter(pk__in=changed["company"]))
        index.remove_companies(changed["company"] - {int(doc.id) for doc in found})
        index.upsert_companies(found)
    if changed["opportunity"]:
        found = opportunity_documents(open_opportunities().filter(pk__in=changed["opportunity"]))
        index.remove_opportunities(changed["opportunity"] - {int(doc.id) for doc in found})
        index.upsert_opportunities(found)


def _current_index(engine, kind: str, object_id: int):
    """This process's processed corpus and last-ranked pairs, ready for one entry (called holding the
    incremental lock): built first if there is none, it is old, or it was built for other weights; read
    again where the database changed since, if another process has written rankings; and always with the
    entry's own row read fresh."""
    cached = _CACHE
    now = timezone.now()
    if (
        cached.index is None
        or cached.engine_key != _engine_key(engine)
        or not (cached.built_at <= now < cached.built_at + INDEX_MAX_AGE)
        or cached.synced_at > now
    ):
        _load_index(engine)
        cached.generation = _published_generation()
    elif cached.generation is None or cached.generation != _published_generation():
        _sync(cached.index, since=cached.synced_at - SYNC_MARGIN)
        cached.last = _last_ranked_from_database()
        cached.generation = _published_generation()
    elif _quick_fingerprint() != cached.fingerprint[::2]:
        _sync(cached.index, since=cached.synced_at - SYNC_MARGIN)
    _reload(cached.index, {"company": set(), "opportunity": set(), kind: {int(object_id)}})
    return cached.index


# --- Full recompute -----------------------------------------------------------------------------------


def recompute_full(engine=None, *, timings: dict | None = None) -> int:
    """Every open opportunity against every company; returns the number of pairs kept (-1: another full
    recompute is running). `timings` receives seconds per phase (see `match_bench`)."""
    with _full_recompute_lock() as acquired:
        if not acquired:
            logger.info("A full recompute is already running; this one stops.")
            return -1
        return _recompute_full(engine or _engine(), timings if timings is not None else {})


@contextmanager
def _full_recompute_lock():
    """Yields whether this process may run a full recompute now. On PostgreSQL a session-level advisory
    lock: it ends with the connection, so a worker killed mid-run leaves no lock behind. Elsewhere (the
    embedded default runs tasks in-process) a cache key that expires after `FULL_LOCK_SECONDS`."""
    if connection.vendor != "postgresql":
        acquired = cache.add(FULL_LOCK_KEY, timezone.now().isoformat(), FULL_LOCK_SECONDS)
        try:
            yield acquired
        finally:
            if acquired:
                cache.delete(FULL_LOCK_KEY)
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [FULL_LOCK])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [FULL_LOCK])
            except Exception:  # noqa: BLE001 - a broken connection: the lock went with it
                connection.close()


def _recompute_full(engine, timings: dict) -> int:
    clock = time.perf_counter()
    with _consistent_reads():
        synced_at = timezone.now()
        companies, opportunities = company_documents(), opportunity_documents()
        read = ({int(doc.id) for doc in companies}, {int(doc.id) for doc in opportunities})
        seen = list(MatchQueue.objects.values_list("pk", "dirty_since"))
        fingerprint, _changed = _fingerprint()
    timings["read"] = time.perf_counter() - clock
    index = engine.index(companies, opportunities)
    del companies, opportunities
    computation = index.compute(PER_OPPORTUNITY, PER_COMPANY)
    timings.update(index.timings)
    clock = time.perf_counter()
    with _CACHE.lock:
        _CACHE.generation = None
        with _one_incremental_at_a_time():
            # Changes made since the data was read keep their entries (a newer dirty_since, or not seen).
            _delete_seen(seen)
            token = _publish_generation()
            if connection.vendor == "postgresql":
                _store_full_postgres(computation, timings)
            else:
                _store_full_orm(computation)
            _drop_orphans(*read)
            transaction.on_commit(lambda: _trust(token))
        last = {
            side: {int(owner): (total, int(other)) for owner, (total, other) in computation.ranked_at(side, k).items()}
            for side, k in (("opportunity", PER_OPPORTUNITY), ("company", PER_COMPANY))
        }
        _CACHE.adopt(index, engine, synced_at, fingerprint, last)
    timings["write"] = time.perf_counter() - clock
    timings["explanations"] = index.timings.get("explanations", 0.0)
    return len(computation)


def _drop_orphans(company_ids: set[int], opportunity_ids: set[int]) -> None:
    """Delete the rows of companies and opportunities that were read but are gone now: deleted while the
    recompute ran, after their own suggestions (the table has no foreign-key constraints to stop it). One
    deleted in the moment between this and the commit leaves rows no page shows (they join the company
    and the opportunity), gone at the next full recompute."""
    gone_companies = company_ids - set(Company.objects.values_list("pk", flat=True))
    gone_opportunities = opportunity_ids - set(Opportunity.objects.values_list("pk", flat=True))
    if gone_companies or gone_opportunities:
        Suggestion.objects.filter(Q(company_id__in=gone_companies) | Q(opportunity_id__in=gone_opportunities)).delete()


# Rows a person decided something about, or acted on (a cleared decision keeps its history): a recompute
# takes them out of the rankings but never deletes them.
_KEPT = ~Q(decision="") | Q(actions__isnull=False)


def _kept(row: str) -> str:
    """SQL: the suggestion `row` is one to keep (see `_KEPT`)."""
    actions = connection.ops.quote_name(SuggestionAction._meta.db_table)
    return f"({row}.decision <> '' OR EXISTS (SELECT 1 FROM {actions} a WHERE a.suggestion_id = {row}.id))"  # noqa: S608 - names from _meta


def _delete_seen(seen: list) -> None:
    for start in range(0, len(seen), 500):
        entries = Q()
        for pk, dirty_since in seen[start : start + 500]:
            entries |= Q(pk=pk, dirty_since=dirty_since)
        MatchQueue.objects.filter(entries).delete()


def _chunks(computation, size: int = WRITE_CHUNK):
    for start in range(0, len(computation), size):
        yield computation.stored(start, start + size)


def _store_full_orm(computation) -> None:
    """The full result through the ORM (SQLite): update, insert, delete the undecided rest."""
    from .matching.engine import ENGINE_VERSION

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


# --- PostgreSQL: COPY into a staging table, then merge ------------------------------------------------

STAGE = "match_stage"


def _copy_text(value) -> str:
    return r"\N" if value is None else str(value)


def _stage_lines(chunks, flags=None):
    """COPY text lines of stored rows (backslashes doubled: the JSON's escapes survive COPY); rows of the
    incremental path have two more columns (which ranks they set), and may leave score and parts out."""
    for chunk in chunks:
        lines = []
        for row in chunk:
            opportunity_id, company_id, score, rank_o, rank_c, parts = row[:6]
            if parts is None:
                parts = r"\N"
            elif "\\" in parts:
                parts = parts.replace("\\", "\\\\")
            score = r"\N" if score is None else repr(score)
            line = f"{opportunity_id}\t{company_id}\t{score}\t{_copy_text(rank_o)}\t{_copy_text(rank_c)}\t{parts}"
            if flags is not None:
                line += f"\t{'t' if row[6] else 'f'}\t{'t' if row[7] else 'f'}"
            lines.append(line)
        if lines:
            yield "\n".join(lines) + "\n"


class _Reader:
    """A file object over an iterator of strings, for COPY FROM STDIN: the rows are rendered while the
    server takes in the ones before."""

    def __init__(self, chunks):
        self._chunks = iter(chunks)
        self._chunk, self._position = "", 0

    def read(self, size: int = -1) -> str:
        while self._position >= len(self._chunk):
            self._chunk, self._position = next(self._chunks, None), 0
            if self._chunk is None:
                self._chunk = ""
                return ""
        if size is None or size < 0:
            size = len(self._chunk)
        piece = self._chunk[self._position : self._position + size]
        self._position += len(piece)
        return piece

    readline = read


def _copy(cursor, sql: str, chunks) -> None:
    """COPY ... FROM STDIN through the driver (errors as Django's, e.g. IntegrityError)."""
    raw = cursor.cursor
    with connection.wrap_database_errors:
        if hasattr(raw, "copy_expert"):  # psycopg2
            raw.copy_expert(sql, _Reader(chunks), size=1 << 20)
        else:  # psycopg 3
            with raw.copy(sql) as copy:
                for chunk in chunks:
                    copy.write(chunk)


def _stage(cursor, chunks, *, flags: bool, rendered: bool = False) -> None:
    """Stream rows (or COPY text already rendered) into a temporary staging table (dropped at commit, or by
    the caller)."""
    columns = "opportunity_id, company_id, score, rank_for_opportunity, rank_for_company, parts"
    cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {STAGE} (opportunity_id bigint NOT NULL, company_id bigint NOT NULL, "
        "score double precision, rank_for_opportunity integer, rank_for_company integer, "
        "parts text, set_o boolean NOT NULL DEFAULT true, set_c boolean NOT NULL DEFAULT true) "
        "ON COMMIT DROP"
    )
    if flags:
        columns += ", set_o, set_c"
    lines = chunks if rendered else _stage_lines(chunks, flags=True if flags else None)
    _copy(cursor, f"COPY {STAGE} ({columns}) FROM STDIN", lines)


def _insert_columns() -> tuple[str, str, list]:
    """Column list, select list and parameters for inserting staged rows: the engine's columns from the
    stage, every other column its model default."""
    from .matching.engine import ENGINE_VERSION

    quote = connection.ops.quote_name
    staged = {"opportunity", "company", "score", "rank_for_opportunity", "rank_for_company", "parts"}
    names, values, params = [], [], []
    for field in Suggestion._meta.concrete_fields:
        if field.primary_key:
            continue
        names.append(quote(field.column))
        if field.name in staged:
            values.append(f"x.{quote(field.column)}")
        elif field.name == "engine_version":
            values.append("%s")
            params.append(ENGINE_VERSION)
        elif field.name == "computed_at":
            values.append("%s")
            params.append(timezone.now())
        else:
            values.append("%s")
            params.append(field.get_db_prep_save(field.get_default(), connection))
    return ", ".join(names), ", ".join(values), params


def _table() -> str:
    return connection.ops.quote_name(Suggestion._meta.db_table)


def _rendered(computation, timings: dict):
    """COPY text of the computation's rows, chunk by chunk, rendered on a thread of its own while the
    caller streams the chunks before to the database (which waits on the server, not on Python)."""
    chunks: queue.Queue = queue.Queue(maxsize=2)
    stop = threading.Event()

    def render() -> None:
        try:
            # A small first chunk: the database starts on it while the bigger ones render.
            chunk = min(WRITE_CHUNK, max(WRITE_CHUNK_SMALLEST, len(computation) // 10))
            start, size = 0, chunk // 10
            while start < len(computation):
                text = "".join(_stage_lines([computation.stored(start, start + size)]))
                start, size = start + size, chunk
                while not stop.is_set():
                    try:
                        chunks.put(text, timeout=0.5)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            chunks.put(None)
        except BaseException as error:  # noqa: BLE001 - handed to the consumer, raised there
            chunks.put(error)

    worker = threading.Thread(target=render, name="match-render", daemon=True)
    worker.start()
    waited = 0.0
    try:
        while True:
            clock = time.perf_counter()
            item = chunks.get()
            waited += time.perf_counter() - clock
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join()
        timings["write: waiting for rendering"] = waited


def _store_full_postgres(computation, timings: dict) -> None:
    """Every kept pair, chunk by chunk while the next chunk renders: into an empty table straight by COPY;
    otherwise staged, then the rows that changed updated and the new ones inserted. Then decided rows
    outside the top are taken out of the rankings and the undecided rest deleted. Rows that come out the
    same are not written (their computed_at stays that of the run that last changed them)."""
    from .matching.engine import ENGINE_VERSION

    table = _table()
    same_pair = f"x.opportunity_id = {table}.opportunity_id AND x.company_id = {table}.company_id"
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")  # noqa: S608 - names from _meta
        empty = not cursor.fetchone()[0]
        columns, values, params = _insert_columns()
        direct = _direct_copy(now) if empty else None
        keys = f"{STAGE}_keys"
        cursor.execute(f"DROP TABLE IF EXISTS {keys}")
        cursor.execute(f"CREATE TEMPORARY TABLE {keys} (opportunity_id bigint, company_id bigint) ON COMMIT DROP")
        counts = {"updated": 0, "inserted": 0}
        clock = time.perf_counter()
        # A chunk against the whole table: look its pairs up in the unique index, don't scan the table.
        cursor.execute("SET LOCAL enable_hashjoin = off")
        cursor.execute("SET LOCAL enable_mergejoin = off")
        for text in _rendered(computation, timings):
            if direct is not None and _copy_directly(cursor, text, direct):
                counts["inserted"] += text.count("\n")
                continue
            _stage(cursor, [text], flags=False, rendered=True)
            cursor.execute(f"INSERT INTO {keys} SELECT opportunity_id, company_id FROM {STAGE}")  # noqa: S608
            cursor.execute(
                f"UPDATE {table} SET score = x.score, rank_for_opportunity = x.rank_for_opportunity, "  # noqa: S608
                f"rank_for_company = x.rank_for_company, parts = x.parts, engine_version = %s, computed_at = %s "
                f"FROM {STAGE} x WHERE {same_pair} AND ({table}.score, {table}.rank_for_opportunity, "
                f"{table}.rank_for_company, {table}.engine_version, {table}.parts) IS DISTINCT FROM (x.score, "
                f"x.rank_for_opportunity, x.rank_for_company, %s, x.parts)",
                [ENGINE_VERSION, now, ENGINE_VERSION],
            )
            counts["updated"] += cursor.rowcount
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {values} FROM {STAGE} x "  # noqa: S608
                f"WHERE NOT EXISTS (SELECT 1 FROM {table} s WHERE s.opportunity_id = x.opportunity_id "
                f"AND s.company_id = x.company_id) AND {_both_exist()} "
                "ON CONFLICT (opportunity_id, company_id) DO NOTHING",
                params,
            )
            counts["inserted"] += cursor.rowcount
        timings["write: chunks (render, COPY, merge)"] = time.perf_counter() - clock
        timings["rows updated"], timings["rows inserted"] = counts["updated"], counts["inserted"]
        clock = time.perf_counter()
        cursor.execute("SET LOCAL enable_hashjoin = on")
        cursor.execute("SET LOCAL enable_mergejoin = on")
        if not empty:
            cursor.execute(f"ANALYZE {keys}")
            # One pass over the rows no chunk had: decided ones leave the rankings, the rest goes.
            cursor.execute(
                f"WITH gone AS (SELECT s.id, {_kept('s')} AS decided FROM {table} s "  # noqa: S608
                f"WHERE NOT EXISTS (SELECT 1 FROM {keys} k WHERE k.opportunity_id = s.opportunity_id "
                "AND k.company_id = s.company_id)), "
                f"unranked AS (UPDATE {table} SET rank_for_opportunity = NULL, rank_for_company = NULL "
                f"FROM gone WHERE {table}.id = gone.id AND gone.decided AND "
                f"({table}.rank_for_opportunity IS NOT NULL OR {table}.rank_for_company IS NOT NULL) RETURNING 1) "
                f"DELETE FROM {table} USING gone WHERE {table}.id = gone.id AND NOT gone.decided"
            )
            timings["rows deleted"] = cursor.rowcount
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        cursor.execute(f"DROP TABLE {keys}")
        timings["write: stale rows"] = time.perf_counter() - clock


def _both_exist() -> str:
    """SQL: the staged pair's company and opportunity are still there (one deleted meanwhile is skipped)."""
    company, opportunity = (connection.ops.quote_name(model._meta.db_table) for model in (Company, Opportunity))
    return (
        f"EXISTS (SELECT 1 FROM {company} c WHERE c.id = x.company_id) "  # noqa: S608 - names from _meta
        f"AND EXISTS (SELECT 1 FROM {opportunity} o WHERE o.id = x.opportunity_id)"
    )


def _direct_copy(now) -> tuple[str, str]:
    """(COPY statement, text to end each staged line with) to write rendered rows straight into the
    suggestions table: the engine's columns, then every other column its model default."""
    from .matching.engine import ENGINE_VERSION

    quote = connection.ops.quote_name
    columns = ["opportunity_id", "company_id", "score", "rank_for_opportunity", "rank_for_company", "parts"]
    tail = []
    for field in Suggestion._meta.concrete_fields:
        if field.primary_key or field.column in columns:
            continue
        if field.name == "engine_version":
            value = ENGINE_VERSION
        elif field.name == "computed_at":
            value = now.isoformat()
        else:
            value = field.get_db_prep_save(field.get_default(), connection)
            value = {True: "t", False: "f"}.get(value, value) if isinstance(value, bool) else value
        columns.append(quote(field.column))
        tail.append(_copy_text(value))
    return f"COPY {_table()} ({', '.join(columns)}) FROM STDIN", "".join("\t" + value for value in tail)


def _copy_directly(cursor, text: str, direct: tuple[str, str]) -> bool:
    """COPY rendered rows into the suggestions table; False if that failed on a pair already there (added
    by hand meanwhile), with nothing of the chunk written (it goes through the stage instead)."""
    sql, tail = direct
    try:
        with transaction.atomic():
            _copy(cursor, sql, [text.replace("\n", tail + "\n")])
    except IntegrityError:
        return False
    return True


# --- Incremental recompute ------------------------------------------------------------------------------


def _full_recompute_running() -> bool:
    """Whether another process holds the full-recompute lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND classid = 0 AND objid = %s AND objsubid = 1 AND pid <> pg_backend_pid() "
                "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))",
                [FULL_LOCK],
            )
            return cursor.fetchone()[0]
    try:
        return cache.get(FULL_LOCK_KEY) is not None
    except Exception:  # noqa: BLE001 - a cache outage must not stop the worker
        return False


@contextmanager
def _one_incremental_at_a_time():
    """A transaction in which no other process writes rankings (PostgreSQL advisory lock), so each sees
    the rankings the one before it wrote; and this process's corpus, used by one thread at a time."""
    with _CACHE.lock, transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [INCREMENTAL_LOCK])
        yield


def recompute_entry(kind: str, object_id: int, engine=None) -> bool:
    """Recompute what one changed company or opportunity touches; False if nothing was queued."""
    started = timezone.now()
    entry = MatchQueue.objects.filter(kind=kind, object_id=object_id).first()
    if entry is None:
        return False
    if _full_recompute_running():
        # Its results were read before this change: the entry stays queued for after it (the sweeper).
        logger.info("A full recompute is running; %s %s stays queued.", kind, object_id)
        return True
    try:
        return _recompute_entry(entry, engine or _engine(), started)
    except Exception as error:
        _record_failure(entry.pk, error)
        raise


def _recompute_entry(entry: MatchQueue, engine, started) -> bool:
    kind, object_id = entry.kind, entry.object_id
    plan = None
    with _CACHE.lock:
        try:
            with _one_incremental_at_a_time():
                index = _current_index(engine, kind, object_id)
                if kind == MatchQueue.Kind.COMPANY:
                    plan = _plan(index, "company", int(object_id))
                else:
                    plan = _plan(index, "opportunity", int(object_id))
                if plan is not None:
                    token = _publish_generation()
                    _CACHE.generation = None  # trusted again once this commits
                    _store_plan(index, plan)
                    for side, tops in plan.tops.items():
                        limit = PER_OPPORTUNITY if side == "opportunity" else PER_COMPANY
                        for owner, top in tops.items():
                            if len(top) >= limit:
                                _CACHE.last[side][owner] = (top[limit - 1][1], top[limit - 1][0])
                            else:
                                _CACHE.last[side].pop(owner, None)
                    transaction.on_commit(lambda: _trust(token))
        except BaseException:
            _CACHE.generation = None  # rankings and what this process knows of them may differ now
            raise
    if plan is None and recompute_full(engine) < 0:  # the change reaches too far: recompute everything
        # Another full recompute is running, and may have read the data before this change.
        logger.info("A full recompute is running; %s %s stays queued.", kind, object_id)
        return True
    # A change made while we computed moved the entry's time on: it stays for the next run.
    MatchQueue.objects.filter(pk=entry.pk, dirty_since__lte=started).delete()
    return True


def _enters(total: int, own_id: int, last: tuple[int, int] | None) -> bool:
    """Whether a pair scoring `total` (millionths) for id `own_id` belongs in a ranking whose last pair is
    `last` (score, id): the ranking is not full, or it scores higher, or the same with the lower id."""
    return last is None or total > last[0] or (total == last[0] and own_id < last[1])


def _stored_rankings(side: str, owners) -> dict[int, list[tuple[int, int, int]]]:
    """The stored rankings of the given opportunities or companies: owner -> [(counterpart, score in
    millionths, rank)], by rank."""
    owners = sorted(owners)
    if not owners:
        return {}
    if side == "opportunity":
        owner, other, rank = "opportunity_id", "company_id", "rank_for_opportunity"
    else:
        owner, other, rank = "company_id", "opportunity_id", "rank_for_company"
    rows = Suggestion.objects.exclude(**{rank: None})
    if connection.vendor == "postgresql":  # one array parameter, not thousands
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {owner}, {other}, score, {rank} FROM {_table()} "  # noqa: S608 - names from _meta
                f"WHERE {rank} IS NOT NULL AND {owner} = ANY(%s)",
                [owners],
            )
            found = cursor.fetchall()
    else:
        found = rows.filter(**{f"{owner}__in": owners}).values_list(owner, other, "score", rank)
    rankings: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for owner_id, other_id, score, position in found:
        rankings[owner_id].append((other_id, round(score * 1_000_000), position))
    for ranking in rankings.values():
        ranking.sort(key=lambda row: row[2])
    return rankings


_KEEP = object()


class _Plan:
    """What an incremental recompute writes: per pair, the rank columns it sets and whether its score and
    parts are written too; and the new rankings (owner -> [(counterpart, score)]) of each side."""

    def __init__(self):
        self.rows: dict[tuple[int, int], list] = {}  # (opportunity, company) -> [rank_o, rank_c, full]
        self.tops: dict[str, dict[int, list[tuple[int, int]]]] = {"opportunity": {}, "company": {}}

    def set(self, pair, *, rank_o=_KEEP, rank_c=_KEEP, full: bool = False) -> None:
        row = self.rows.setdefault(pair, [_KEEP, _KEEP, False])
        if rank_o is not _KEEP:
            row[0] = rank_o
        if rank_c is not _KEEP:
            row[1] = rank_c
        row[2] = row[2] or full


def _plan(index, side: str, own_id: int) -> _Plan | None:
    """A changed company (side "company") or opportunity: its own ranking, and the other side's rankings
    it was in or now enters, merged from their stored rows (scored again only when a full ranking loses
    the pair and its next one is not known). None if that adds up to more than `MAX_RESCORED_PAIRS`."""
    other_side = "opportunity" if side == "company" else "company"
    own_limit, other_limit = (PER_COMPANY, PER_OPPORTUNITY) if side == "company" else (PER_OPPORTUNITY, PER_COMPANY)
    own_key, other_key = ("company_id", "opportunity_id") if side == "company" else ("opportunity_id", "company_id")
    other_rank = "rank_for_opportunity" if side == "company" else "rank_for_company"

    own, scores = index.score_one(side, str(own_id), own_limit)
    scores = {int(other_id): total for other_id, total in scores.items()}
    stored = dict(Suggestion.objects.filter(**{own_key: own_id}).values_list(other_key, other_rank))
    last = _CACHE.last[other_side]
    affected = {other for other, rank in stored.items() if rank is not None}
    affected |= {other for other, total in scores.items() if _enters(total, own_id, last.get(other))}

    plan = _Plan()
    rankings = _stored_rankings(other_side, affected)
    tops, rescore = plan.tops[other_side], []
    for other in affected:
        ranking = rankings.get(other, [])
        merged = [(member, score) for member, score, _rank in ranking if member != own_id]
        total = scores.get(other)
        if total is not None:
            merged.append((own_id, total))
        merged.sort(key=lambda member: (-member[1], member[0]))
        dropped = total is None or merged.index((own_id, total)) >= other_limit
        if len(ranking) >= other_limit and dropped and any(member == own_id for member, _s, _r in ranking):
            rescore.append(other)  # its next pair is not stored: rank it again
        else:
            tops[other] = merged[:other_limit]
    if len(rescore) * (index.n_c if other_side == "opportunity" else index.n_o) > MAX_RESCORED_PAIRS:
        return None
    if rescore:
        found = index.top(other_side, [str(other) for other in rescore], other_limit)
        for other in rescore:
            tops[other] = [(int(member), total) for member, total in found.get(str(other), [])]

    def pair(other: int, member: int) -> tuple[int, int]:
        return (other, member) if other_side == "opportunity" else (member, other)

    # The other side's rankings: every pair whose rank there changes.
    for other, top in tops.items():
        before = {member: rank for member, _score, rank in rankings.get(other, [])}
        for rank, (member, _total) in enumerate(top, start=1):
            if member != own_id and before.get(member) != rank:
                plan.set(pair(other, member), **{_rank_key(other_side): rank}, full=member not in before)
        for member in before.keys() - {member for member, _total in top} - {own_id}:
            plan.set(pair(other, member), **{_rank_key(other_side): None})
    # The changed document's own pairs: all written again, both ranks set.
    own_ranks = {int(other_id): rank for rank, (other_id, _total) in enumerate(own, start=1)}
    plan.tops[side][own_id] = [(int(other_id), total) for other_id, total in own]
    ranked_there = {
        other: rank for other, top in tops.items() for rank, (member, _t) in enumerate(top, start=1) if member == own_id
    }
    for other in own_ranks.keys() | ranked_there.keys():
        plan.set(
            pair(other, own_id),
            **{_rank_key(side): own_ranks.get(other), _rank_key(other_side): ranked_there.get(other)},
            full=True,
        )
    for other in stored.keys() - own_ranks.keys() - ranked_there.keys():
        plan.set(pair(other, own_id), rank_o=None, rank_c=None)
    return plan


def _rank_key(side: str) -> str:
    return "rank_o" if side == "opportunity" else "rank_c"


def _store_plan(index, plan: _Plan) -> None:
    full = [pair for pair, row in plan.rows.items() if row[2]]
    rendered = {
        (int(row[0]), int(row[1])): row
        for row in index.render([(str(o), str(c)) for o, c in full])  # pairs the index holds
    }
    rows = []
    for (opportunity_id, company_id), (rank_o, rank_c, write_full) in plan.rows.items():
        found = rendered.get((opportunity_id, company_id)) if write_full else None
        if write_full and found is None:  # the index no longer holds one side: no scores to write
            rank_o = None if rank_o is _KEEP else rank_o
            rank_c = None if rank_c is _KEEP else rank_c
        rows.append(
            (
                opportunity_id,
                company_id,
                found[2] if found else None,
                None if rank_o is _KEEP else rank_o,
                None if rank_c is _KEEP else rank_c,
                found[5] if found else None,
                rank_o is not _KEEP,
                rank_c is not _KEEP,
            )
        )
    if connection.vendor == "postgresql":
        _store_plan_postgres(rows)
    else:
        _store_plan_orm(rows)


def _store_plan_postgres(rows) -> None:
    from .matching.engine import ENGINE_VERSION

    if not rows:
        return
    table = _table()
    same_pair = f"x.opportunity_id = {table}.opportunity_id AND x.company_id = {table}.company_id"
    with connection.cursor() as cursor:
        _stage(cursor, [rows], flags=True)
        # A few thousand pairs against the whole table: look them up in its unique index, don't scan it.
        cursor.execute("SET LOCAL enable_hashjoin = off")
        cursor.execute("SET LOCAL enable_mergejoin = off")
        cursor.execute(
            f"UPDATE {table} SET score = COALESCE(x.score, {table}.score), "  # noqa: S608 - names from _meta
            f"parts = COALESCE(x.parts, {table}.parts), "
            f"engine_version = CASE WHEN x.parts IS NULL THEN {table}.engine_version ELSE %s END, computed_at = %s, "
            f"rank_for_opportunity = CASE WHEN x.set_o THEN x.rank_for_opportunity ELSE {table}.rank_for_opportunity "
            f"END, rank_for_company = CASE WHEN x.set_c THEN x.rank_for_company ELSE {table}.rank_for_company END "
            f"FROM {STAGE} x WHERE {same_pair} RETURNING {table}.id, {table}.rank_for_opportunity IS NULL "
            f"AND {table}.rank_for_company IS NULL AND NOT {_kept(table)}",
            [ENGINE_VERSION, timezone.now()],
        )
        # Rows now in no ranking and undecided go (they were all just updated: no other row can be).
        unranked = [pk for pk, gone in cursor.fetchall() if gone]
        columns, values, params = _insert_columns()
        values = values.replace("x.rank_for_opportunity", "CASE WHEN x.set_o THEN x.rank_for_opportunity END")
        values = values.replace("x.rank_for_company", "CASE WHEN x.set_c THEN x.rank_for_company END")
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {values} FROM {STAGE} x "  # noqa: S608
            f"WHERE x.parts IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {table} s WHERE s.opportunity_id = "
            f"x.opportunity_id AND s.company_id = x.company_id) AND {_both_exist()} "
            "ON CONFLICT (opportunity_id, company_id) DO NOTHING",
            params,
        )
        if unranked:
            cursor.execute(f"DELETE FROM {table} WHERE id = ANY(%s)", [unranked])  # noqa: S608
        cursor.execute(f"DROP TABLE {STAGE}")
        cursor.execute("SET LOCAL enable_hashjoin = on")
        cursor.execute("SET LOCAL enable_mergejoin = on")


def _store_plan_orm(rows) -> None:
    from .matching.engine import ENGINE_VERSION

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
