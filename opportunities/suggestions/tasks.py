"""The recompute tasks. Their names are those they had in `opportunities.tasks`, which the beat schedule
(settings) and messages already queued use."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import full, incremental
from .queue import stale_queue_entries

# A dropped connection, a deadlock, a lock timeout: worth a few more tries, further apart each time
# (with full jitter, so tasks that failed together don't retry together). A recompute that gives up
# keeps its queue entry, and the sweeper sends it again later.
TRANSIENT_DB_ERRORS = (OperationalError, InterfaceError)


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
    name="opportunities.tasks.recompute_full_task",
    autoretry_for=TRANSIENT_DB_ERRORS,
    retry_backoff=30,
    retry_backoff_max=300,
    max_retries=3,
)
def recompute_full_task() -> int:
    """Nightly: every open opportunity against every company (never two at once)."""
    return full.recompute_full()


@shared_task(name="opportunities.tasks.sweep_match_queue")
def sweep_match_queue() -> int:
    """Beat sweeper: recompute changes whose message was lost (broker down, worker killed)."""
    entries = list(stale_queue_entries().order_by("dirty_since").values_list("kind", "object_id")[:200])
    for kind, object_id in entries:
        recompute_entry_task.delay(kind, object_id)
    return len(entries)
