"""The recompute tasks. Their names are those they had in `opportunities.tasks`, which the beat schedule
(settings) and messages already queued use."""

import datetime

from celery import chord, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from . import full, incremental, sharded
from .queue import stale_queue_entries

# A dropped connection, a deadlock, a lock timeout: worth a few more tries, further apart each time
# (with full jitter, so tasks that failed together don't retry together). A recompute that gives up
# keeps its queue entry, and the sweeper sends it again later.
TRANSIENT_DB_ERRORS = (OperationalError, InterfaceError)

# A full recompute that meets the lock tries again every minute, for up to an hour (a full run at the
# benchmark scale takes under one minute; a killed worker's lock goes within seconds).
LOCKED_RETRY_SECONDS = 60
LOCKED_RETRIES = 60


@shared_task(
    name="opportunities.tasks.recompute_entry_task",
    autoretry_for=TRANSIENT_DB_ERRORS,
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=5,
)
def recompute_entry_task(kind: str, object_id: int) -> bool:
    """Recompute one changed company or opportunity; a no-op when another run already did."""
    return incremental.recompute_entry(kind, object_id)


@shared_task(
    bind=True,
    name="opportunities.tasks.recompute_full_task",
    autoretry_for=TRANSIENT_DB_ERRORS,
    retry_backoff=30,
    retry_backoff_max=300,
    max_retries=3,
)
def recompute_full_task(self, requested_at: str | None = None) -> int:
    """Nightly: every open opportunity against every company (never two at once).

    One that meets the lock of a full recompute still running (or of a killed worker's connection the
    database has not let go of yet) is tried again later, not acknowledged as done, unless a full
    recompute that read the data after this one was asked for has committed in the meantime."""
    requested_at = requested_at or timezone.now().isoformat()
    if full.done_since(datetime.datetime.fromisoformat(requested_at)):
        return 0
    if settings.MATCHING_FULL_SHARDS > 1:
        # Split over the workers (`sharded`): this task only reads and sends the shards.
        run = sharded.start_sharded(settings.MATCHING_FULL_SHARDS)
        if run is None:
            raise self.retry(args=(requested_at,), countdown=LOCKED_RETRY_SECONDS, max_retries=LOCKED_RETRIES)
        send_sharded(run, settings.MATCHING_FULL_SHARDS)
        return run
    kept = full.recompute_full()
    if kept == full.LOCKED:
        raise self.retry(args=(requested_at,), countdown=LOCKED_RETRY_SECONDS, max_retries=LOCKED_RETRIES)
    return kept


@shared_task(name="opportunities.tasks.sweep_match_queue")
def sweep_match_queue() -> int:
    """Beat sweeper: recompute changes whose message was lost (broker down, worker killed), and commit the
    sharded recomputes whose callback was lost."""
    entries = list(stale_queue_entries().order_by("dirty_since").values_list("kind", "object_id")[:200])
    for kind, object_id in entries:
        recompute_entry_task.delay(kind, object_id)
    for run_id in sharded.stalled_runs():
        commit_sharded_task.delay(run_id)
    return len(entries)


def send_sharded(run_id: int, shards: int) -> None:
    """The shards of a sharded full recompute as one chord, its commit as the callback, sent once the run's
    row has committed."""
    header = [recompute_shard_task.si(run_id, number) for number in range(shards)]
    transaction.on_commit(chord(header, commit_sharded_task.si(run_id)).apply_async)


@shared_task(
    name="opportunities.tasks.recompute_shard_task",
    ignore_result=False,  # the chord counts its parts in the result backend
    autoretry_for=TRANSIENT_DB_ERRORS,
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=5,
)
def recompute_shard_task(run_id: int, number: int) -> int:
    """One shard of a sharded full recompute (safe to run twice: one row per shard)."""
    return sharded.run_shard(run_id, number)


@shared_task(
    bind=True,
    name="opportunities.tasks.commit_sharded_task",
    autoretry_for=TRANSIENT_DB_ERRORS,
    retry_backoff=30,
    retry_backoff_max=300,
    max_retries=3,
)
def commit_sharded_task(self, run_id: int) -> int:
    """The commit of a sharded full recompute, once every shard is done; tried again while the lock is held."""
    kept = sharded.commit_sharded(run_id)
    if kept is None:
        raise self.retry(args=(run_id,), countdown=LOCKED_RETRY_SECONDS, max_retries=LOCKED_RETRIES)
    return kept
