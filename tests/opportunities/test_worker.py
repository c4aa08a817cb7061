"""The worker that keeps suggestions current: a real Celery worker against Redis, Redis outages,
retries on transient database errors, and tasks that run twice or die halfway.

The tests with a worker run it in a thread (`celery.contrib.testing`) against Redis under a key
prefix of their own, on transactional databases so the worker sees what the test committed.
"""

import contextlib
import datetime
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import uuid

import pytest
import redis
from celery.app import autoretry
from celery.contrib.testing.worker import start_worker
from celery.exceptions import MaxRetriesExceededError, Retry
from celery.signals import before_task_publish, task_postrun, task_prerun
from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import F
from django.test import override_settings
from django.utils import timezone

from companies.models import Discipline
from creativelabs import cache as fail_soft_cache
from creativelabs import celery as celery_module
from creativelabs.celery import app
from labs.models import Theme
from opportunities.models import FullRecompute, MatchQueue, Suggestion
from opportunities.suggestions import incremental
from opportunities.suggestions import queue as match_queue
from opportunities.suggestions.tasks import recompute_entry_task, recompute_full_task, sweep_match_queue
from tests.conftest import requires_redis
from tests.factories import PASSWORD

COMPANY, OPPORTUNITY = MatchQueue.Kind.COMPANY, MatchQueue.Kind.OPPORTUNITY

# The worker sees only committed rows; the data migrations' rows (countries, themes) come back
# for each test.
from .factories import held_full_locks, make_company, make_opportunity  # noqa: E402

worker_db = pytest.mark.django_db(transaction=True, serialized_rollback=True)


# --- The world ------------------------------------------------------------------------------------


@pytest.fixture
def world(lab_a):
    return {
        "cycling": make_opportunity(
            lab_a, "Cycling safety for children", "A game that teaches children to cycle safely."
        ),
        "care": make_opportunity(
            lab_a,
            "Elderly care at home",
            "Services for older people living alone.",
            disciplines=("service-design",),
            themes=("elderly-care",),
        ),
        "school": make_opportunity(
            lab_a, "Safe routes to school", "Maps and games that make the way to school safer for children."
        ),
        "quest": make_company(
            "Quest Games", "Serious games about cycling safety for children.", presence_countries=["DE"]
        ),
        "carers": make_company(
            "Care Design",
            "Service design for elderly care and people living alone.",
            disciplines=("service-design",),
            themes=("elderly-care",),
        ),
        "skin": make_company(
            "Glow Branding", "Skin-care branding for an anti-ageing range.", disciplines=("branding",), themes=()
        ),
    }


def profile(company, **overrides):
    """The company edit form as its owner sends it, about cycling safety unless told otherwise."""
    data = {
        "name": company.name,
        "kvk_number": company.kvk_number,
        "city": company.city,
        "size": company.size,
        "pitch": "Games that teach children to cycle safely.",
        "description": "We make serious games about cycling safety for children.",
        "disciplines": [Discipline.objects.get(slug="serious-games").pk],
        "themes": [Theme.objects.get(slug="mobility").pk],
        "target_countries": ["DE"],
        "presence_countries": ["DE"],
        "languages": ["nl", "en"],
        "is_listed": "on",
        "open_to_matching": "on",
    }
    data.update(overrides)
    return data


def brief(opportunity, **overrides):
    """The opportunity edit form as its business developer sends it."""
    data = {
        "lab": opportunity.lab_id,
        "title": opportunity.title,
        "summary": opportunity.summary,
        "brief": opportunity.brief,
        "client_name": "City of Berlin",
        "city": opportunity.city,
        "themes": list(opportunity.themes.values_list("pk", flat=True)),
        "required_disciplines": list(opportunity.required_disciplines.values_list("pk", flat=True)),
        "budget_band": "25k-100k",
        "currency": "EUR",
        "deadline": opportunity.deadline.isoformat(),
        "languages": ["de", "en"],
        "fee_percentage": "5",
        "fee_note": "Introduction and local follow-up.",
    }
    data.update(overrides)
    return data


def rows(with_ids=False):
    """Every suggestion row as a tuple: all the engine writes and all a person decided."""
    fields = [
        "opportunity_id",
        "company_id",
        "score",
        "rank_for_opportunity",
        "rank_for_company",
        "parts",
        "engine_version",
        "decision",
        "decided_by_id",
        "source",
    ]
    return sorted(Suggestion.objects.values_list(*(["id", *fields] if with_ids else fields)), key=repr)


def queued(kind, object_id) -> bool:
    return MatchQueue.objects.filter(kind=kind, object_id=object_id).exists()


def wait_for(condition, timeout=20.0, what="the worker"):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not finish within {timeout} s")
        time.sleep(0.05)


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


# --- Broker, worker and a private Redis ------------------------------------------------------------


@pytest.fixture(autouse=True)
def _broker_and_cache_trusted_again():
    """Each test starts with neither the broker nor the cache marked down by an earlier one."""
    celery_module._broker_down_until = 0.0
    fail_soft_cache._down_until.clear()
    yield
    celery_module._broker_down_until = 0.0
    fail_soft_cache._down_until.clear()


def _drop_broker_connections() -> None:
    # Celery keeps its connection and producer pools for the life of the app; the next
    # publish must use the broker configured now.
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def broker(url, *, shared=True):
    """Send tasks to the broker at `url` for real, under a key prefix no other test run shares;
    yields the names of the tasks published, in order. Leaves nothing behind on a shared Redis."""
    conf = app.conf
    names = ("broker_url", "broker_transport_options", "task_always_eager", "worker_hijack_root_logger")
    saved = {name: conf[name] for name in names}
    prefix = f"test-worker-{uuid.uuid4().hex[:12]}:"
    # Celery reads CELERY_BROKER_URL from the environment before its own setting, and under
    # pytest-xdist conftest puts the worker's broker there: point it here too, for this block.
    saved_environ = os.environ.get("CELERY_BROKER_URL")
    if saved_environ is not None:
        os.environ["CELERY_BROKER_URL"] = url
    conf.update(
        broker_url=url,
        broker_transport_options={**saved["broker_transport_options"], "global_keyprefix": prefix},
        task_always_eager=False,
        worker_hijack_root_logger=False,
    )
    _drop_broker_connections()
    published = []

    def record(sender=None, **kwargs):
        published.append(sender)

    before_task_publish.connect(record, weak=False)
    try:
        yield published
    finally:
        before_task_publish.disconnect(record)
        _drop_broker_connections()
        conf.update(saved)
        if saved_environ is not None:
            os.environ["CELERY_BROKER_URL"] = saved_environ
        if shared:
            client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
            keys = list(client.scan_iter(match=f"{prefix}*"))
            if keys:
                client.delete(*keys)


@contextlib.contextmanager
def worker():
    """A real worker in a thread, consuming the broker set up by `broker()`; yields the names
    of the tasks it has finished, in order."""
    finished = []

    def record(sender=None, **kwargs):
        finished.append(sender.name)

    task_postrun.connect(record, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            yield finished
    finally:
        task_postrun.disconnect(record)


class PrivateRedis:
    """A redis-server of this test's own, to stop, freeze and start again."""

    def __init__(self, directory):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = directory
        self.process = None

    def start(self):
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", str(self.directory)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(redis.ConnectionError):
                if client.ping():
                    return
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            self.process.wait(10)
        self.process = None

    def freeze(self):
        """Still accepting connections, never answering: a hung server or a dead network path."""
        self.process.send_signal(signal.SIGSTOP)


@pytest.fixture
def private_redis(tmp_path):
    if not shutil.which("redis-server"):
        pytest.skip("needs the redis-server program to start a private Redis")
    # The port is free when probed, but another process (a parallel test run's private Redis, say)
    # may take it before redis-server binds it: then try another.
    for attempt in range(3):
        server = PrivateRedis(tmp_path)
        try:
            server.start()
            break
        except RuntimeError:
            server.stop()
            if attempt == 2:
                raise
    yield server
    server.stop()


def cache_at(url):
    """The configured caches, the default one on another Redis (its database fallback as configured)."""
    return {**settings.CACHES, "default": {**settings.CACHES["default"], "LOCATION": url}}


# --- The incremental path, with a real worker ---------------------------------------------------------


@requires_redis
@worker_db
def test_a_company_saved_in_the_app_gets_its_suggestions_from_a_real_worker(
    world, company, sme_owner, login, monkeypatch
):
    monkeypatch.setattr(match_queue, "DEBOUNCE_SECONDS", 2)
    client = login(sme_owner)
    with broker(settings.CELERY_BROKER_URL) as published, worker() as finished:
        # Two saves inside the debounce window: one queue entry, one recompute.
        for pitch in ("Cycling games.", "Games that teach children to cycle safely."):
            assert client.post("/company/edit/", profile(company, pitch=pitch)).status_code == 302
        assert queued(COMPANY, company.pk)
        assert not Suggestion.objects.filter(company=company).exists()
        wait_for(lambda: recompute_entry_task.name in finished)
    assert published == [recompute_entry_task.name]
    assert finished == [recompute_entry_task.name]
    assert not queued(COMPANY, company.pk)
    ranked = list(
        Suggestion.objects.filter(company=company).exclude(rank_for_company=None).order_by("rank_for_company")
    )
    assert ranked[0].opportunity == world["cycling"]
    assert world["care"] not in [suggestion.opportunity for suggestion in ranked]


@requires_redis
@worker_db
def test_a_transient_database_error_in_the_worker_is_retried_through_the_broker(world, monkeypatch):
    real_recompute = incremental.recompute_entry
    attempts = []

    def recompute_entry(kind, object_id, engine=None):
        attempts.append(time.monotonic())
        if len(attempts) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real_recompute(kind, object_id, engine)

    monkeypatch.setattr(incremental, "recompute_entry", recompute_entry)
    # The first retry waits up to 2 s, drawn at random: make it one second exactly.
    monkeypatch.setattr(autoretry, "get_exponential_backoff_interval", lambda **kwargs: 1)
    MatchQueue.objects.create(kind=OPPORTUNITY, object_id=world["cycling"].pk, dirty_since=timezone.now())
    with broker(settings.CELERY_BROKER_URL) as published, worker() as finished:
        recompute_entry_task.delay(OPPORTUNITY, world["cycling"].pk)
        wait_for(lambda: finished.count(recompute_entry_task.name) == 2)
    # The retry went back through the broker, and waited its countdown there.
    assert published == [recompute_entry_task.name] * 2
    assert len(attempts) == 2
    assert attempts[1] - attempts[0] >= 0.9
    assert not queued(OPPORTUNITY, world["cycling"].pk)
    assert Suggestion.objects.filter(opportunity=world["cycling"], rank_for_opportunity=1).exists()


# --- Redis down ---------------------------------------------------------------------------------------


@requires_redis
@worker_db
def test_with_redis_down_saves_and_logins_go_through_and_suggestions_catch_up_after(
    world, company, sme_owner, developer_a, client, login, private_redis
):
    cycling = world["cycling"]
    with broker(private_redis.url, shared=False), override_settings(CACHES=cache_at(private_redis.url)):
        private_redis.stop()

        response, seconds = timed(lambda: login(sme_owner).post("/company/edit/", profile(company)))
        assert response.status_code == 302
        assert seconds < 3
        company.refresh_from_db()
        assert company.description == "We make serious games about cycling safety for children."
        assert queued(COMPANY, company.pk)

        changed = "A game and a campaign that teach children to cycle safely."
        response, seconds = timed(
            lambda: login(developer_a).post(f"/opportunities/{cycling.pk}/edit/", brief(cycling, brief=changed))
        )
        assert response.status_code == 302
        assert seconds < 3
        cycling.refresh_from_db()
        assert cycling.brief == changed
        assert queued(OPPORTUNITY, cycling.pk)

        # allauth counts logins in the cache: with the cache gone they aren't counted, not refused.
        client.logout()
        credentials = {"login": sme_owner.email, "password": PASSWORD}
        response, seconds = timed(lambda: client.post("/accounts/login/", credentials))
        assert response.status_code == 302
        assert seconds < 3
        assert client.session["_auth_user_id"] == str(sme_owner.pk)

        assert not Suggestion.objects.exists()
        private_redis.start()
        # The messages were lost; a few minutes on, beat runs the sweeper, which finds both changes.
        MatchQueue.objects.update(dirty_since=F("dirty_since") - datetime.timedelta(minutes=2))
        with worker() as finished:
            sweep_match_queue.delay()
            wait_for(lambda: finished.count(recompute_entry_task.name) == 2)
    assert finished[0] == sweep_match_queue.name
    assert not MatchQueue.objects.exists()
    best_for_company = Suggestion.objects.filter(company=company, rank_for_company=1).get()
    assert best_for_company.opportunity == cycling
    assert Suggestion.objects.filter(opportunity=cycling, company=company).exists()


@requires_redis
@worker_db
def test_a_hanging_redis_slows_saves_and_logins_down_by_seconds_at_most(
    world, company, sme_owner, developer_a, client, login, private_redis
):
    cycling = world["cycling"]
    credentials = {"login": sme_owner.email, "password": PASSWORD}
    with broker(private_redis.url, shared=False), override_settings(CACHES=cache_at(private_redis.url)):
        # Connections to Redis are open and pooled, as in a process that has served requests.
        assert client.post("/accounts/login/", credentials).status_code == 302
        assert login(sme_owner).post("/company/edit/", profile(company)).status_code == 302
        MatchQueue.objects.all().delete()  # as if a worker had been there
        private_redis.freeze()

        # One publish waits out the timeouts; after that the process stops trying for a while.
        response, seconds = timed(
            lambda: login(sme_owner).post("/company/edit/", profile(company, pitch="Safer cycling."))
        )
        assert response.status_code == 302
        assert seconds < 5
        response, seconds = timed(lambda: login(developer_a).post(f"/opportunities/{cycling.pk}/edit/", brief(cycling)))
        assert response.status_code == 302
        assert seconds < 1

        client.logout()
        response, seconds = timed(lambda: client.post("/accounts/login/", credentials))
        assert response.status_code == 302
        assert seconds < 3
    assert queued(COMPANY, company.pk)
    assert queued(OPPORTUNITY, cycling.pk)


@pytest.mark.django_db
def test_the_sweeper_resends_changes_left_over_a_minute_oldest_first(world):
    now = timezone.now()
    for name, kind, age in (("quest", COMPANY, 2), ("cycling", OPPORTUNITY, 5), ("care", OPPORTUNITY, 0)):
        dirty_since = now - datetime.timedelta(minutes=age)
        MatchQueue.objects.create(kind=kind, object_id=world[name].pk, dirty_since=dirty_since)
    recomputed = []

    def record(sender=None, args=None, **kwargs):
        if sender.name == recompute_entry_task.name:
            recomputed.append(tuple(args))

    task_prerun.connect(record, weak=False)
    try:
        assert sweep_match_queue.delay().get() == 2
    finally:
        task_prerun.disconnect(record)
    assert recomputed == [(OPPORTUNITY, world["cycling"].pk), (COMPANY, world["quest"].pk)]
    assert queue() == [(OPPORTUNITY, world["care"].pk)]  # its own message may still be on its way


# --- Retries on transient database errors ------------------------------------------------------------

# Writes of the recompute itself; not the note of a failure on the queue entry, made after it.
WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE)\b(?!.*\"attempts\" = )", re.IGNORECASE | re.DOTALL)


@contextlib.contextmanager
def watched_writes(fail=lambda number: None):
    """Yield the database writes made in the block as (sql, made inside a transaction the block
    opened); before each, raise what `fail(its number)` returns."""
    writes = []

    def depth():
        # The test runs in a transaction already, so the code's own transactions are savepoints.
        return sum(sid is not None for sid in connection.savepoint_ids)

    outside = depth()

    def wrapper(execute, sql, params, many, context):
        if WRITE.match(sql):
            writes.append((sql, depth() > outside))
            error = fail(len(writes))
            if error is not None:
                raise error
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield writes


def deliver(task, *args, countdowns):
    """Run `task` as a worker would, retries included, and return its result; raises what it
    finally gives up on. The countdown of each retry it asks for goes into `countdowns`."""
    attempt = lambda: task.delay(*args)  # noqa: E731
    while True:
        try:
            return attempt().get()
        except Retry as retry:  # eager tasks raise what a worker would send back to the broker
            countdowns.append(retry.when)
            attempt = retry.sig.apply  # the retry message: the same arguments, retries + 1


@pytest.fixture
def longest_waits(monkeypatch):
    """The longest countdown Celery could draw for each retry (it draws with full jitter); the
    last one is drawn before Celery finds the retries used up."""
    longest = []
    real = autoretry.get_exponential_backoff_interval

    def record(**kwargs):
        longest.append(real(**{**kwargs, "full_jitter": False}))
        return real(**kwargs)

    monkeypatch.setattr(autoretry, "get_exponential_backoff_interval", record)
    return longest


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("task", "args", "expected_longest"),
    [
        (recompute_entry_task, (OPPORTUNITY, "cycling"), [2, 4, 8, 16, 32]),
        (recompute_full_task, (), [30, 60, 120]),
    ],
    ids=["entry", "full"],
)
def test_transient_database_errors_are_retried_further_apart_then_given_up(
    world, longest_waits, task, args, expected_longest
):
    args = tuple(world[arg].pk if arg in world else arg for arg in args)
    MatchQueue.objects.create(kind=OPPORTUNITY, object_id=world["cycling"].pk, dirty_since=timezone.now())
    countdowns = []
    with (
        watched_writes(lambda number: OperationalError("deadlock detected")) as writes,
        pytest.raises(OperationalError),
    ):
        deliver(task, *args, countdowns=countdowns)
    # The first run and max_retries retries, each as far as its first write, then no more.
    assert len(writes) == task.max_retries + 1 == len(expected_longest) + 1
    assert longest_waits[: len(countdowns)] == expected_longest
    assert all(0 <= wait <= longest for wait, longest in zip(countdowns, longest_waits[: len(countdowns)], strict=True))
    # Given up, not lost: the change is still queued for the sweeper, and no lock is left behind.
    assert queued(OPPORTUNITY, world["cycling"].pk)
    entry = MatchQueue.objects.get(kind=OPPORTUNITY, object_id=world["cycling"].pk)
    if task is recompute_entry_task:  # each failed run noted on the entry, the next try put off
        assert entry.attempts == len(writes)
        assert entry.last_error == "OperationalError: deadlock detected"
        assert entry.retry_after > timezone.now()
    else:  # the full recompute failed, not this change's
        assert (entry.attempts, entry.retry_after) == (0, None)
    assert not Suggestion.objects.exists()
    assert held_full_locks() == 0


@pytest.mark.django_db
def test_a_recompute_that_fails_twice_on_the_database_succeeds_on_the_third_try(world, longest_waits):
    MatchQueue.objects.create(kind=COMPANY, object_id=world["quest"].pk, dirty_since=timezone.now())
    with watched_writes(lambda number: OperationalError("could not obtain lock") if number <= 2 else None):
        countdowns = []
        assert deliver(recompute_entry_task, COMPANY, world["quest"].pk, countdowns=countdowns) is True
    assert longest_waits == [2, 4]
    assert all(0 <= countdown <= longest for countdown, longest in zip(countdowns, longest_waits, strict=True))
    assert not queued(COMPANY, world["quest"].pk)
    assert Suggestion.objects.get(company=world["quest"], rank_for_company=1).opportunity in (
        world["cycling"],
        world["school"],
    )


@pytest.mark.django_db
def test_other_errors_are_not_retried(world, longest_waits):
    MatchQueue.objects.create(kind=COMPANY, object_id=world["quest"].pk, dirty_since=timezone.now())
    with watched_writes(lambda number: ValueError("a bug")) as writes, pytest.raises(ValueError):
        deliver(recompute_entry_task, COMPANY, world["quest"].pk, countdowns=[])
    assert len(writes) == 1
    assert longest_waits == []
    assert queued(COMPANY, world["quest"].pk)


# --- Running twice, dying halfway -------------------------------------------------------------------


@pytest.fixture
def changed_world(world, developer_a):
    """Suggestions computed, one of them decided, then a company rewritten and queued."""
    recompute_full_task.delay()
    Suggestion.objects.filter(opportunity=world["cycling"], company=world["quest"]).update(
        decision=Suggestion.Decision.SHORTLISTED, decided_by=developer_a, decided_at=timezone.now()
    )
    carers = world["carers"]
    carers.description = "Service design and games that teach children to cycle safely to school."
    carers.save()
    carers.disciplines.add(Discipline.objects.get(slug="serious-games"))
    carers.themes.add(Theme.objects.get(slug="mobility"))
    MatchQueue.objects.create(kind=COMPANY, object_id=carers.pk, dirty_since=timezone.now())
    MatchQueue.objects.create(kind=OPPORTUNITY, object_id=world["school"].pk, dirty_since=timezone.now())
    return world


RUNS = {
    "company": lambda world: recompute_entry_task.delay(COMPANY, world["carers"].pk),
    "opportunity": lambda world: recompute_entry_task.delay(OPPORTUNITY, world["school"].pk),
    "full": lambda world: recompute_full_task.delay(),
}


@pytest.mark.django_db
@pytest.mark.parametrize("run", RUNS.values(), ids=RUNS.keys())
def test_running_a_recompute_twice_leaves_exactly_the_same_rows(changed_world, run):
    run(changed_world)
    first = rows(with_ids=True)
    run(changed_world)  # the same message delivered twice: the queue entry is gone, nothing to do
    assert rows(with_ids=True) == first
    for kind, name in ((COMPANY, "carers"), (OPPORTUNITY, "school")):
        MatchQueue.objects.get_or_create(
            kind=kind, object_id=changed_world[name].pk, defaults={"dirty_since": timezone.now()}
        )
    run(changed_world)  # queued again without a change: computed again, the same rows, updated in place
    assert rows(with_ids=True) == first


class WorkerKilled(Exception):
    """Stands for the worker dying: its open transaction is rolled back, its message not acked."""


class _Undo(Exception):
    pass


def queue():
    return sorted(MatchQueue.objects.values_list("kind", "object_id"))


@pytest.mark.django_db
@pytest.mark.parametrize("run", RUNS.values(), ids=RUNS.keys())
def test_a_task_killed_at_any_write_and_redelivered_leaves_the_rows_of_a_clean_run(changed_world, run):
    before, queued_before = rows(), queue()
    with contextlib.suppress(_Undo), transaction.atomic():
        with watched_writes() as writes:
            run(changed_world)
        clean = rows()
        raise _Undo
    assert clean != before, "a recompute that changes nothing proves nothing here"
    # Suggestions are written in one transaction; only the queue entry is removed after it commits
    # (dying just before that is a task run twice: test_running_a_recompute_twice_...).
    assert all(in_transaction or "matchqueue" in sql for sql, in_transaction in writes), writes

    for killed_at, (sql, in_transaction) in enumerate(writes, start=1):
        if not in_transaction:
            continue
        with contextlib.suppress(_Undo), transaction.atomic():
            with pytest.raises(WorkerKilled), watched_writes(lambda n, k=killed_at: WorkerKilled() if n == k else None):
                run(changed_world)
            # Nothing of it is left, and the change is still queued for the redelivery or the sweeper.
            assert rows() == before, f"killed before write {killed_at}: {sql[:100]}"
            assert queue() == queued_before, f"killed before write {killed_at}: {sql[:100]}"
            run(changed_world)
            assert rows() == clean, f"killed before write {killed_at}, then redelivered: {sql[:100]}"
            raise _Undo


# --- Starting --------------------------------------------------------------------------------------


def test_a_worker_process_loads_the_language_model_as_it_starts(monkeypatch):
    from celery.signals import worker_process_init

    from opportunities.matching import text

    monkeypatch.setattr(text, "_IDENTIFIER", None)
    worker_process_init.send(sender=None)
    assert text._IDENTIFIER is not None
    assert text.detect_language("Wij ontwerpen spellen over verkeersveiligheid voor kinderen.") == "nl"


# --- A full recompute that meets the lock ------------------------------------------------------------


@pytest.mark.django_db
def test_a_full_recompute_that_meets_the_lock_is_tried_again_then_runs(world):
    from .factories import full_recompute_elsewhere

    countdowns = []
    with full_recompute_elsewhere() as kill:
        with pytest.raises(Retry) as first:
            recompute_full_task.delay().get()
        assert first.value.when == 60
        assert not Suggestion.objects.exists()
        kill()  # the other run's worker dies, its lock with it; the retry message runs later
        kept = deliver_retry(first.value, countdowns)
    assert kept > 0 and Suggestion.objects.count() == kept
    assert FullRecompute.objects.count() == 1
    assert held_full_locks() == 0


@pytest.mark.django_db
def test_a_full_recompute_asked_for_before_one_that_committed_is_done(world, monkeypatch):
    from opportunities.suggestions import full

    asked = timezone.now()
    assert recompute_full_task.delay().get() > 0  # another request's run, which read the data after `asked`
    monkeypatch.setattr(full, "recompute_full", lambda: pytest.fail("a covered request recomputed again"))
    assert recompute_full_task.delay(asked.isoformat()).get() == 0


@pytest.mark.django_db
def test_a_full_recompute_asked_for_after_the_last_one_read_runs(world):
    recompute_full_task.delay().get()
    first = FullRecompute.objects.get()
    asked = timezone.now()
    assert first.read_at < asked
    assert recompute_full_task.delay(asked.isoformat()).get() > 0
    assert FullRecompute.objects.count() == 2
    assert FullRecompute.objects.latest().read_at >= asked


@pytest.mark.django_db
def test_a_full_recompute_gives_up_after_an_hour_of_meeting_the_lock(world):
    from .factories import full_recompute_elsewhere

    countdowns = []
    with full_recompute_elsewhere(), pytest.raises(MaxRetriesExceededError):
        deliver(recompute_full_task, countdowns=countdowns)
    assert countdowns == [60] * 60
    assert not FullRecompute.objects.exists()


def deliver_retry(retry: Retry, countdowns: list):
    """Go on delivering from a retry message, as `deliver` does."""
    attempt = retry.sig.apply
    while True:
        try:
            return attempt().get()
        except Retry as again:
            countdowns.append(again.when)
            attempt = again.sig.apply
