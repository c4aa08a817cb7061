"""The full recompute split into shards that run as Celery tasks on any number of workers (a chord of Celery's
canvas): `start_sharded` reads the data once under the full-recompute lock and keeps the documents with the
run (`ShardedRecompute`), `tasks.send_sharded` sends the chord; each shard (`run_shard`) builds the same
processed corpus from them and runs the block pass over its block of open opportunities against every company,
keeping its candidate pairs per run and shard (`RecomputeShard`, one row per shard: a shard run again writes
the same row); the chord's callback (`commit_sharded`) takes the lock again, scores the union of the
candidates exactly, ranks both sides and commits as the single-process run does (`full.commit`), deleting the
shards' rows with it.

Every opportunity's true top-k is among its shard's candidates, and every company's among the union of the
shards' tops of it, so the kept rows are those of the single-process run (`full.recompute_full`). Nothing is
written to the suggestions before the commit, and the lock is held only while reading and committing: a
worker killed mid-shard leaves neither a lock nor a half-written ranking, and its shard is delivered again
(`CELERY_TASK_REJECT_ON_WORKER_LOST`). While a run is between its read and its commit, incremental
recomputes leave their entries queued (`full.active_run`), as they do while the single-process run holds the lock.
"""

import datetime
import io
import logging
import os
import pickle
import socket
import threading
import time
import zlib

import numpy as np
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from ..models import FullRecompute, MatchQueue, RecomputeShard, ShardedRecompute
from . import full
from .corpus import CACHE, PER_COMPANY, PER_OPPORTUNITY, new_engine
from .loader import company_documents, consistent_reads, opportunity_documents

logger = logging.getLogger(__name__)


# This process's processed corpus of the run it last worked on (run id, index): the shards a worker runs
# one after another, and the commit, build it once.
_built: dict = {}
_built_lock = threading.Lock()


def start_sharded(shards: int) -> int | None:
    """Read the data for a sharded full recompute; returns the run's id (its shards are for
    `tasks.send_sharded`), or None when a full recompute (single-process or sharded) is running."""
    shards = max(1, int(shards))
    with full.full_recompute_lock() as acquired:
        if not acquired or full.active_run() is not None:
            return None
        with consistent_reads():
            read_at = timezone.now()
            companies, opportunities = company_documents(), opportunity_documents()
            seen = [[pk, since.isoformat()] for pk, since in MatchQueue.objects.values_list("pk", "dirty_since")]
            documents = zlib.compress(pickle.dumps((companies, opportunities), pickle.HIGHEST_PROTOCOL), 1)
            run = ShardedRecompute.objects.create(read_at=read_at, shards=shards, documents=documents, seen=seen)
    return run.pk


def shard_rows(n_opportunities: int, shards: int, number: int) -> tuple[int, int]:
    """Opportunity rows start:stop of shard `number` of `shards` (blocks as even as they come)."""
    size, extra = divmod(n_opportunities, shards)
    start = number * size + min(number, extra)
    return start, start + size + (1 if number < extra else 0)


def _index_of(run: ShardedRecompute):
    with _built_lock:
        if _built.get("run") != run.pk:
            _built.clear()
            companies, opportunities = pickle.loads(zlib.decompress(bytes(run.documents)))  # noqa: S301 - ours
            read = ({int(doc.id) for doc in companies}, {int(doc.id) for doc in opportunities})
            _built.update(run=run.pk, index=new_engine().index(companies, opportunities), read=read)
        return _built["index"], _built["read"]


def run_shard(run_id: int, number: int) -> int:
    """Run one shard: its candidate pairs kept on its row. Returns the shard's number (a no-op when it is done
    already or its run is over)."""
    from ..matching.screening import candidates

    run = ShardedRecompute.objects.filter(pk=run_id, state=ShardedRecompute.State.RUNNING).first()
    if run is None or RecomputeShard.objects.filter(run_id=run_id, number=number, finished_at__isnull=False).exists():
        return number
    worker = f"{socket.gethostname()}:{os.getpid()}"
    RecomputeShard.objects.update_or_create(
        run_id=run_id,
        number=number,
        defaults={"worker": worker, "started_at": timezone.now(), "finished_at": None, "pairs": None},
    )
    clock = time.perf_counter()
    _drill_pause()
    index, _read = _index_of(run)
    start, stop = shard_rows(index.n_o, run.shards, number)
    if index.n_c and stop > start:
        o, c, _seconds = candidates(index, PER_OPPORTUNITY, PER_COMPANY, rows=(start, stop))
    else:
        o = c = np.zeros(0, dtype=np.int64)
    pairs = np.column_stack(
        (
            np.asarray([int(index.opportunity_ids[row]) for row in o.tolist()], dtype=np.int64),
            np.asarray([int(index.company_ids[row]) for row in c.tolist()], dtype=np.int64),
        )
    ).reshape(-1, 2)
    buffer = io.BytesIO()
    np.save(buffer, pairs, allow_pickle=False)
    RecomputeShard.objects.filter(run_id=run_id, number=number).update(
        pairs=buffer.getvalue(), finished_at=timezone.now(), seconds=time.perf_counter() - clock, worker=worker
    )
    return number


def _drill_pause() -> None:
    # Drills and the tests that kill a worker mid-shard need a shard that lasts: MATCH_SHARD_DRILL_PAUSE seconds.
    pause = float(os.environ.get("MATCH_SHARD_DRILL_PAUSE") or 0)
    if pause > 0:
        time.sleep(pause)


def commit_sharded(run_id: int) -> int | None:
    """The chord's callback: under the full-recompute lock, the union of the shards' candidates scored exactly,
    ranked on both sides and committed. Returns the pairs kept, 0 when there was nothing to do (the run is
    over, or a full recompute that read later has committed: this one is dropped), None when the lock is
    held (try again later)."""
    from ..matching.ranking import rank_candidates

    started = time.perf_counter()
    with full.full_recompute_lock() as acquired:
        if not acquired:
            return None
        run = ShardedRecompute.objects.filter(pk=run_id, state=ShardedRecompute.State.RUNNING).first()
        if run is None:
            return 0
        if FullRecompute.objects.filter(read_at__gt=run.read_at).exists():
            _close(run, ShardedRecompute.State.SUPERSEDED)
            return 0
        found = list(RecomputeShard.objects.filter(run=run, finished_at__isnull=False).values_list("number", "pairs"))
        missing = set(range(run.shards)) - {number for number, _pairs in found}
        if missing:
            raise RuntimeError(f"Sharded recompute {run_id}: shards {sorted(missing)} have no result")
        index, read = _index_of(run)
        pairs = np.concatenate(
            [np.load(io.BytesIO(bytes(blob)), allow_pickle=False) for _number, blob in found]
            + [np.zeros((0, 2), dtype=np.int64)]
        )
        o_row = {int(doc_id): row for row, doc_id in enumerate(index.opportunity_ids)}
        c_row = {int(doc_id): row for row, doc_id in enumerate(index.company_ids)}
        keys = np.unique(
            np.asarray([o_row[o] for o in pairs[:, 0].tolist()], dtype=np.int64) * max(index.n_c, 1)
            + np.asarray([c_row[c] for c in pairs[:, 1].tolist()], dtype=np.int64)
        )
        computation = rank_candidates(
            index, keys // max(index.n_c, 1), keys % max(index.n_c, 1), PER_OPPORTUNITY, PER_COMPANY
        )
        seen = [(pk, datetime.datetime.fromisoformat(dirty_since)) for pk, dirty_since in run.seen]
        with CACHE.lock, transaction.atomic():
            full.commit(computation, synced_at=run.read_at, seen=seen, read=read, started=started, timings={})
            # This process's corpus for incremental recomputes is left to be built or synced as usual.
            CACHE.forget()
            _close(run, ShardedRecompute.State.DONE)
        with _built_lock:
            _built.clear()
        return len(computation)


# A run whose shards are all done this long ago and that has not committed lost its chord's callback.
STALLED_AFTER = datetime.timedelta(minutes=1)


def stalled_runs(now=None) -> list[int]:
    """Running sharded recomputes whose shards are all done for `STALLED_AFTER` and that have not committed:
    their chord's callback was lost (the worker running it killed, a part counted twice after a redelivery).
    The match-queue sweeper sends their commit again; a commit that runs twice does nothing the second time."""
    now = now or timezone.now()
    runs = ShardedRecompute.objects.filter(state=ShardedRecompute.State.RUNNING).annotate(
        done=Count("shard_rows", filter=Q(shard_rows__finished_at__isnull=False)),
        last=Max("shard_rows__finished_at"),
    )
    return [run.pk for run in runs if run.done >= run.shards and run.last and run.last < now - STALLED_AFTER]


def _close(run: ShardedRecompute, state: str) -> None:
    """The run is over: its documents and its shards' rows go."""
    RecomputeShard.objects.filter(run=run).delete()
    ShardedRecompute.objects.filter(pk=run.pk).update(state=state, finished_at=timezone.now(), documents=b"")
