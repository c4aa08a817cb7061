"""The full recompute: every open opportunity against every company, stored in one transaction (see
`storage`), never two at once (`full_recompute_lock`). It builds the processed corpus this process keeps
for its incremental recomputes (`corpus`), and deletes the queue entries it covered (`entries`)."""

import datetime
import logging
import time
from contextlib import contextmanager

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from companies.models import Company

from ..models import FullRecompute, MatchQueue, Opportunity, ShardedRecompute, Suggestion
from .corpus import (
    CACHE,
    PER_COMPANY,
    PER_OPPORTUNITY,
    database_fingerprint,
    new_engine,
    one_writer_at_a_time,
    publish_generation,
    trust,
)
from .entries import entries_done
from .loader import company_documents, consistent_reads, opportunity_documents
from .storage import storage_for_connection

logger = logging.getLogger(__name__)

FULL_LOCK = 7_316_253  # PostgreSQL advisory lock: one full recompute at a time (held by the session)
FULL_LOCK_KEY = "matching:full-recompute"  # the same elsewhere (SQLite, one process): a cache key
FULL_LOCK_SECONDS = 30 * 60


# A sharded run (`sharded`) that has not committed this long after it started is taken for lost (its
# callback gone): it no longer holds off other full recomputes or the incremental path.
RUN_LEASE = datetime.timedelta(hours=1)

LOCKED = -1  # what `recompute_full` returns when another full recompute holds the lock


def recompute_full(engine=None, *, timings: dict | None = None) -> int:
    """Every open opportunity against every company; returns the number of pairs kept (`LOCKED`: another
    full recompute is running, nothing was done). `timings` receives seconds per phase (see `match_bench`)."""
    with full_recompute_lock() as acquired:
        if not acquired or active_run() is not None:
            logger.info("A full recompute is already running; this one did not run.")
            return LOCKED
        return _recompute_full(engine or new_engine(), timings if timings is not None else {})


def active_run() -> ShardedRecompute | None:
    """The sharded run between its read and its commit, if any (one older than `RUN_LEASE` is taken for lost)."""
    return (
        ShardedRecompute.objects.filter(state=ShardedRecompute.State.RUNNING, started_at__gt=timezone.now() - RUN_LEASE)
        .defer("documents")
        .first()
    )


def done_since(requested_at) -> bool:
    """Whether a full recompute that read the data at or after `requested_at` has committed."""
    return FullRecompute.objects.filter(read_at__gte=requested_at).exists()


@contextmanager
def full_recompute_lock():
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


def full_recompute_running() -> bool:
    """Whether another process holds the full-recompute lock, or a sharded run is between its read and its
    commit."""
    return _lock_held_elsewhere() or active_run() is not None


def _lock_held_elsewhere() -> bool:
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


def _recompute_full(engine, timings: dict) -> int:
    started = clock = time.perf_counter()
    with consistent_reads():
        synced_at = timezone.now()
        companies, opportunities = company_documents(), opportunity_documents()
        read = ({int(doc.id) for doc in companies}, {int(doc.id) for doc in opportunities})
        seen = list(MatchQueue.objects.values_list("pk", "dirty_since"))
        fingerprint, _changed = database_fingerprint()
    timings["read"] = time.perf_counter() - clock
    index = engine.index(companies, opportunities)
    del companies, opportunities
    computation = index.compute(PER_OPPORTUNITY, PER_COMPANY)
    timings.update(index.timings)
    clock = time.perf_counter()
    with CACHE.lock:
        commit(computation, synced_at=synced_at, seen=seen, read=read, started=started, timings=timings)
        last = {
            side: {int(owner): (total, int(other)) for owner, (total, other) in computation.ranked_at(side, k).items()}
            for side, k in (("opportunity", PER_OPPORTUNITY), ("company", PER_COMPANY))
        }
        CACHE.adopt(index, engine, synced_at, fingerprint, last)
    timings["write"] = time.perf_counter() - clock
    timings["explanations"] = index.timings.get("explanations", 0.0)
    return len(computation)


def commit(computation, *, synced_at, seen: list, read: tuple[set[int], set[int]], started: float, timings: dict):
    """Store a full computation in one transaction (its caller holds the full-recompute lock and `CACHE.lock`):
    the queue entries it saw go, rows of companies and opportunities deleted meanwhile too, and a
    `FullRecompute` row says it committed. Used by the single-process run and the sharded one's commit."""
    CACHE.generation = None
    with one_writer_at_a_time():
        # Changes made since the data was read keep their entries (a newer dirty_since, or not seen).
        entries_done(seen)
        token = publish_generation()
        storage_for_connection().store_full(computation, timings)
        _drop_orphans(*read)
        FullRecompute.objects.create(
            read_at=synced_at,
            finished_at=timezone.now(),
            pairs=len(computation),
            seconds=time.perf_counter() - started,
        )
        transaction.on_commit(lambda: trust(token))


def _drop_orphans(company_ids: set[int], opportunity_ids: set[int]) -> None:
    """Delete the rows of companies and opportunities that were read but are gone now: deleted while the
    recompute ran, after their own suggestions (the table has no foreign-key constraints to stop it). One
    deleted in the moment between this and the commit leaves rows no page shows (they join the company
    and the opportunity), gone at the next full recompute."""
    gone_companies = company_ids - set(Company.objects.values_list("pk", flat=True))
    gone_opportunities = opportunity_ids - set(Opportunity.objects.values_list("pk", flat=True))
    if gone_companies or gone_opportunities:
        Suggestion.objects.filter(Q(company_id__in=gone_companies) | Q(opportunity_id__in=gone_opportunities)).delete()
