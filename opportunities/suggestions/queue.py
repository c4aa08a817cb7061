"""The match queue, where changes come in: `mark_dirty` records in the caller's transaction that a company
or opportunity changed and enqueues a recompute after commit, delayed by `DEBOUNCE_SECONDS`. Further
changes inside that window find the entry already there (and move its time on), so one recompute serves
them all. `stale_queue_entries` are those the sweeper sends again (a lost message, a killed worker)."""

import contextlib
import datetime
import threading

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import MatchQueue

DEBOUNCE_SECONDS = 10

_held = threading.local()


@contextlib.contextmanager
def recomputes_held():
    """For loading many changes at once (the demo): inside, changes are queued as always but no recompute is
    sent. `recompute_waiting` afterwards recomputes each waiting company and opportunity once, instead of once
    per change; each is recomputed from the data as it then stands, so the outcome is the same."""
    _held.active = True
    try:
        yield
    finally:
        _held.active = False


def recompute_waiting() -> int:
    """Recompute every queued company and opportunity here, oldest change first; how many there were."""
    from .incremental import recompute_entry

    waiting = list(MatchQueue.objects.order_by("dirty_since", "pk").values_list("kind", "object_id"))
    for kind, object_id in waiting:
        recompute_entry(kind, object_id)
    return len(waiting)


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
    if getattr(_held, "active", False):
        return
    from creativelabs.celery import enqueue_on_commit

    # Imported here: the tasks module imports this one (for the sweeper), a service with its own tasks.
    from .tasks import recompute_entry_task

    enqueue_on_commit(recompute_entry_task, kind, object_id, countdown=DEBOUNCE_SECONDS)


def mark_company_dirty(company_id: int) -> None:
    mark_dirty(MatchQueue.Kind.COMPANY, company_id)


def mark_opportunity_dirty(opportunity_id: int) -> None:
    mark_dirty(MatchQueue.Kind.OPPORTUNITY, opportunity_id)


def stale_queue_entries(older_than_seconds: int = 60):
    """Entries waiting longer than that whose message may be lost, leaving out those whose recompute
    failed and waits for its next try (`entries.RETRY_FIRST`, doubling up to `entries.RETRY_LONGEST`)."""
    now = timezone.now()
    cutoff = now - datetime.timedelta(seconds=older_than_seconds)
    return MatchQueue.objects.filter(dirty_since__lt=cutoff).exclude(retry_after__gt=now)


UPDATING = "updating"  # a recompute is queued and on its way
DELAYED = "delayed"  # recomputes failed and wait for their next try: the page stops asking


def matching_state(kind: str, object_id: int) -> str:
    """Whether the suggestions of a company or opportunity are being recomputed: "" (current),
    `UPDATING` or `DELAYED`; what the pages say while they wait (and whether they poll)."""
    attempts = MatchQueue.objects.filter(kind=kind, object_id=object_id).values_list("attempts", flat=True).first()
    if attempts is None:
        return ""
    return DELAYED if attempts else UPDATING


def company_matching_state(company_id: int) -> str:
    return matching_state(MatchQueue.Kind.COMPANY, company_id)


def opportunity_matching_state(opportunity_id: int) -> str:
    return matching_state(MatchQueue.Kind.OPPORTUNITY, opportunity_id)
