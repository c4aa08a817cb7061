"""The sharded full recompute (`opportunities.suggestions.sharded`): shards in this process, the chord run
in-process, and two real Celery worker processes against PostgreSQL and Redis, one of them killed mid-shard.

Every test compares with the rows of the single-process run over the same synthetic data (match_bench's
generator, written with COPY: transactional databases, PostgreSQL only)."""

import datetime
import io
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils.timezone import now as django_now
from hypothesis import given
from hypothesis import strategies as st

from creativelabs.celery import app
from opportunities.models import FullRecompute, RecomputeShard, ShardedRecompute, Suggestion
from opportunities.suggestions import full, sharded, tasks
from opportunities.suggestions.bench.database import generate
from tests.conftest import requires_postgres, requires_redis

from .factories import full_recompute_elsewhere, held_full_locks

bench_db = pytest.mark.django_db(transaction=True, serialized_rollback=True)
SHARDS = 4


def rows():
    """Every suggestion row as a tuple: all the engine writes and all a person decided."""
    fields = ["opportunity_id", "company_id", "score", "rank_for_opportunity", "rank_for_company", "parts"]
    fields += ["engine_version", "decision", "decided_by_id", "source"]
    return sorted(Suggestion.objects.values_list(*fields), key=repr)


@pytest.fixture
def single_rows():
    """Synthetic data, and the rows of the single-process full recompute over it (then deleted again)."""
    generate(240, 48, seed=5)
    assert full.recompute_full() > 0
    found = rows()
    Suggestion.objects.all().delete()
    FullRecompute.objects.all().delete()
    return found


@given(n=st.integers(0, 500), shards=st.integers(1, 40))
def test_the_shards_cover_every_opportunity_row_once(n, shards):
    blocks = [sharded.shard_rows(n, shards, number) for number in range(shards)]
    assert [row for start, stop in blocks for row in range(start, stop)] == list(range(n))
    sizes = [stop - start for start, stop in blocks]
    assert max(sizes) - min(sizes) <= 1


@requires_postgres
@bench_db
def test_shards_run_here_in_any_order_and_twice_give_the_rows_of_the_single_process_run(single_rows):
    run_id = sharded.start_sharded(SHARDS)
    assert full.full_recompute_running()  # the incremental path leaves its entries queued meanwhile
    assert full.recompute_full() == full.LOCKED
    assert sharded.start_sharded(SHARDS) is None
    for number in (3, 1, 0, 2, 1):  # shard 1 twice: a redelivered message
        assert sharded.run_shard(run_id, number) == number
    assert RecomputeShard.objects.filter(run_id=run_id).count() == SHARDS
    assert not Suggestion.objects.exists()  # nothing written before the commit
    assert sharded.commit_sharded(run_id) == len(single_rows)
    assert rows() == single_rows
    run = ShardedRecompute.objects.get(pk=run_id)
    assert run.state == ShardedRecompute.State.DONE and not bytes(run.documents)
    assert not RecomputeShard.objects.exists()
    assert FullRecompute.objects.filter(read_at=run.read_at).count() == 1
    assert not full.full_recompute_running()
    assert sharded.commit_sharded(run_id) == 0  # a callback delivered twice does nothing more
    assert rows() == single_rows


@requires_postgres
@bench_db
def test_the_command_runs_the_chord_and_exits_non_zero_when_it_did_not_run(single_rows):
    # Tasks run in-process here (the test settings' eager mode): the same chord, on one process.
    out = io.StringIO()
    call_command("recompute_matches", full=True, shards=3, stdout=out)
    assert "Sharded full recompute done" in out.getvalue()
    assert rows() == single_rows
    with full_recompute_elsewhere(), pytest.raises(CommandError, match="already running"):
        call_command("recompute_matches", full=True, shards=3, stdout=io.StringIO())
    with pytest.raises(CommandError, match="1 or more"):
        call_command("recompute_matches", full=True, shards=0, stdout=io.StringIO())


@requires_postgres
@bench_db
def test_a_run_that_a_later_full_recompute_overtook_is_dropped_at_its_commit(single_rows, monkeypatch):
    run_id = sharded.start_sharded(2)
    for number in range(2):
        sharded.run_shard(run_id, number)
    # Lost runs do not hold the others off for ever: past the lease, a single-process run goes ahead.
    monkeypatch.setattr(full, "RUN_LEASE", full.RUN_LEASE * 0)
    assert full.recompute_full() == len(single_rows)
    assert sharded.commit_sharded(run_id) == 0
    assert ShardedRecompute.objects.get(pk=run_id).state == ShardedRecompute.State.SUPERSEDED
    assert not RecomputeShard.objects.exists()
    assert rows() == single_rows


@requires_postgres
@bench_db
def test_a_run_with_every_shard_done_and_no_commit_is_found_stalled_after_a_while(single_rows, monkeypatch):
    run_id = sharded.start_sharded(2)
    sharded.run_shard(run_id, 0)
    later = django_now() + sharded.STALLED_AFTER * 2
    assert sharded.stalled_runs(later) == []  # a shard still to run: not stalled, just not done
    sharded.run_shard(run_id, 1)
    assert sharded.stalled_runs() == []  # just done: the callback is on its way
    assert sharded.stalled_runs(later) == [run_id]
    monkeypatch.setattr(sharded, "STALLED_AFTER", datetime.timedelta(0))
    tasks.sweep_match_queue()  # tasks run in-process here: the sweeper commits it
    assert _state(run_id) == ShardedRecompute.State.DONE
    assert rows() == single_rows
    assert sharded.stalled_runs(later) == []


@requires_postgres
@bench_db
def test_a_commit_that_meets_the_lock_is_tried_again(single_rows):
    run_id = sharded.start_sharded(1)
    sharded.run_shard(run_id, 0)
    with full_recompute_elsewhere():
        assert sharded.commit_sharded(run_id) is None
        assert ShardedRecompute.objects.get(pk=run_id).state == ShardedRecompute.State.RUNNING
    assert sharded.commit_sharded(run_id) == len(single_rows)


# --- Two real worker processes ----------------------------------------------------------------------------


def _database_url() -> str:
    database = connection.settings_dict
    user, password = database["USER"], database["PASSWORD"]
    login = f"{user}:{password}@" if password else f"{user}@"
    return f"postgres://{login}{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"


class Workers:
    """`celery -A creativelabs worker -c 1` twice, as subprocesses on the test database and a queue of their own."""

    def __init__(self, queue: str, pause: float):
        self.queue, self.pause, self.processes = queue, pause, []

    def __enter__(self):
        environment = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            "MATCH_SHARD_DRILL_PAUSE": str(self.pause),
            "MATCHING_FULL_SHARDS": str(SHARDS),
        }
        for number in range(2):
            command = [sys.executable, "-m", "celery", "-A", "creativelabs", "worker", "-c", "1"]
            command += ["-n", f"{self.queue}-{number}@%h", "--without-gossip", "--without-mingle", "-l", "WARNING"]
            self.processes.append(
                subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            )
        return self

    def __exit__(self, *exc):
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGQUIT)  # cold shutdown: do not wait for tasks
        for process in self.processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        return False


@pytest.fixture
def real_broker():
    """This process sends to the Redis broker for real, on a queue only the test's workers read."""
    queue = f"test-sharded-{uuid.uuid4().hex[:10]}"
    saved = {name: app.conf[name] for name in ("task_always_eager", "task_default_queue")}
    app.conf.update(task_always_eager=False, task_default_queue=queue)
    try:
        yield queue
    finally:
        app.conf.update(saved)


def _wait(condition, timeout: float, what: str, state=None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {timeout:.0f} s" + (f"; shards: {state()}" if state else ""))
        time.sleep(0.1)


def _state(run_id):
    return ShardedRecompute.objects.filter(pk=run_id).values_list("state", flat=True).first()


@requires_postgres
@requires_redis
@bench_db
def test_two_real_workers_give_the_rows_of_the_single_process_run(single_rows, real_broker):
    with Workers(real_broker, pause=0):
        tasks.recompute_full_task.delay()  # the nightly task, as beat sends it (MATCHING_FULL_SHARDS=4)
        _wait(lambda: ShardedRecompute.objects.exists(), 60, "the nightly task started no sharded run")
        run_id = ShardedRecompute.objects.get().pk
        _wait(lambda: _state(run_id) == ShardedRecompute.State.DONE, 120, "the sharded run did not commit")
    assert rows() == single_rows
    assert not RecomputeShard.objects.exists()
    assert held_full_locks() == 0


@requires_postgres
@requires_redis
@bench_db
def test_a_worker_killed_mid_shard_leaves_no_lock_nor_half_written_ranking_and_its_shard_runs_again(
    single_rows, real_broker, monkeypatch
):
    # Beat's match-queue sweeper runs beside the workers, as in production: a chord whose callback was
    # lost with the killed process (it happens, on a loaded machine) is committed by it.
    monkeypatch.setattr(sharded, "STALLED_AFTER", datetime.timedelta(seconds=5))

    def committed() -> bool:
        tasks.sweep_match_queue()
        return _state(run_id) == ShardedRecompute.State.DONE

    with Workers(real_broker, pause=4.0):
        run_id = sharded.start_sharded(SHARDS)
        tasks.send_sharded(run_id, SHARDS)
        _wait(lambda: RecomputeShard.objects.filter(run_id=run_id).exists(), 60, "no shard started")
        shard = RecomputeShard.objects.filter(run_id=run_id).order_by("started_at").first()
        # Killed well inside its pause: a pool process killed before its worker has heard that it took the
        # task loses the message until the broker's visibility timeout (an hour), not what this drill is about.
        time.sleep(1.5)
        killed = int(shard.worker.rsplit(":", 1)[1])
        os.kill(killed, signal.SIGKILL)  # the pool process running the shard, as in the drill
        time.sleep(0.5)
        assert held_full_locks() == 0
        assert not Suggestion.objects.exists()
        assert _state(run_id) == ShardedRecompute.State.RUNNING
        _wait(
            committed,
            180,
            "the sharded run did not commit",
            lambda: list(RecomputeShard.objects.filter(run_id=run_id).values_list("number", "worker", "finished_at")),
        )
    assert rows() == single_rows
    assert held_full_locks() == 0
    assert not RecomputeShard.objects.exists()
    assert FullRecompute.objects.count() == 1
