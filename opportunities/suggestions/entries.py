"""What a recompute does with the queue entries it handled: deletes them when done (unless a newer change
moved their time on meanwhile), or notes a failure and when to try again (further and further apart).

Apart from `queue` (which enqueues the tasks that run the recomputes), so the recomputes need not import
the module that imports them."""

import datetime
import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..models import MatchQueue

logger = logging.getLogger(__name__)

RETRY_FIRST = datetime.timedelta(minutes=1)  # a failed recompute's entry waits this long, doubling each time,
RETRY_LONGEST = datetime.timedelta(hours=6)  # up to this (the nightly full recompute covers it meanwhile)
RETRY_LOUD = 6  # from this many failures on, each is logged as an error


def entry_done(entry_pk: int, started) -> None:
    """The entry's change is recomputed; one made while that ran moved its time on: it stays for the next."""
    MatchQueue.objects.filter(pk=entry_pk, dirty_since__lte=started).delete()


def entries_done(seen: list) -> None:
    """Delete the (pk, dirty_since) entries a full recompute read, unless changed since."""
    for start in range(0, len(seen), 500):
        entries = Q()
        for pk, dirty_since in seen[start : start + 500]:
            entries |= Q(pk=pk, dirty_since=dirty_since)
        MatchQueue.objects.filter(entries).delete()


def record_failure(entry_pk: int, error: BaseException) -> None:
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
