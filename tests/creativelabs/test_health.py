"""/health/: every check named, 200 when all pass, 503 when PostgreSQL, Redis, the broker or the worker fail.

The Redis and broker drill runs a redis-server of its own on port 6393 (6394, ... for further xdist
workers) and stops it. The shared PostgreSQL is never stopped: the database drill makes the database check's
connection fail instead (see test_database_down_is_a_503).
"""

import contextlib
import json
import os
import shutil
import subprocess
import time

import pytest
import redis
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper

from creativelabs import cache as fail_soft
from creativelabs.health import HEARTBEAT_KEY, record_worker_heartbeat

pytestmark = pytest.mark.django_db

# This suite's own port for a Redis it stops; under pytest-xdist each worker takes the next one up.
PRIVATE_REDIS_PORT = 6393 + int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))


def checks(response) -> dict[str, str]:
    return json.loads(response.content)


def test_healthy_embedded_default_names_every_check(client, settings):
    settings.REDIS_URL = ""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.CELERY_BROKER_URL = ""
    response = client.get("/health/?format=json")
    assert response.status_code == 200
    assert checks(response) == {"database": "OK", "cache": "OK", "media disk": "OK"}
    assert "no-store" in response["Cache-Control"]


def test_json_when_asked_by_accept_header_text_and_html_otherwise(client):
    record_worker_heartbeat.delay()  # when the run has a broker, its worker is one of the checks
    assert client.get("/health/", HTTP_ACCEPT="application/json")["Content-Type"] == "application/json"
    text = client.get("/health/?format=text")
    assert text["Content-Type"].startswith("text/plain")
    assert "database: OK" in text.content.decode()
    page = client.get("/health/")
    assert page["Content-Type"].startswith("text/html")
    assert "Everything is working" in page.content.decode()


def test_a_malformed_accept_header_is_a_400_not_a_500(client):
    assert client.get("/health/", HTTP_ACCEPT="nonsense").status_code == 400


def test_no_login_and_no_https_redirect_for_the_load_balancer(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    record_worker_heartbeat.delay()  # when the run has a broker, its worker is one of the checks
    assert client.get("/health/?format=json").status_code == 200
    assert client.get("/opportunities/").status_code == 301


def test_database_down_is_a_503(client, monkeypatch):
    """The shared PostgreSQL (or SQLite file) is not stopped for this: every connection the database check
    opens (in a thread of its own, hence on the class) fails as a refused connection does."""

    @contextlib.contextmanager
    def refused(self):
        raise OperationalError("connection to server failed: Connection refused")
        yield

    monkeypatch.setattr(BaseDatabaseWrapper, "temporary_connection", refused)
    response = client.get("/health/?format=json")
    assert response.status_code == 503
    result = checks(response)
    # Who may read the page is anyone: not the database server's address.
    assert result["database"] == "Unavailable: Cannot connect to the database."
    assert result["cache"] == "OK"


def test_a_full_media_disk_is_a_503(client, settings):
    settings.HEALTH_DISK_MAX_PERCENT = 0.001
    response = client.get("/health/?format=json")
    assert response.status_code == 503
    assert "disk usage" in checks(response)["media disk"]


# --- With a broker: Redis, the broker and the worker's heartbeat -------------------------------------


class PrivateRedis:
    """redis-server on this suite's own port, started and stopped by the test."""

    def __init__(self, directory):
        self.url = f"redis://127.0.0.1:{PRIVATE_REDIS_PORT}/0"
        self.directory = directory
        self.process = None

    def start(self):
        command = ["redis-server", "--port", str(PRIVATE_REDIS_PORT), "--bind", "127.0.0.1", "--save", ""]
        command += ["--appendonly", "no", "--daemonize", "no", "--dir", str(self.directory)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(port=PRIVATE_REDIS_PORT, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(redis.ConnectionError):
                if client.ping():
                    return
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"redis-server did not start on port {PRIVATE_REDIS_PORT} (in use?)")
            time.sleep(0.05)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None


@pytest.fixture
def private_redis(tmp_path):
    if not shutil.which("redis-server"):
        pytest.skip("needs the redis-server program to start a private Redis")
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def broker_at():
    """`broker_at(url)`: the Celery app's broker for this test. Celery reads it through Django's settings
    unless something set it on the app (conftest does under pytest-xdist): set it there, and put back
    exactly what was there before, so later tests still follow their settings."""
    from creativelabs.celery import app

    changes = app.conf.changes
    had_own = "broker_url" in changes
    before = changes.get("broker_url")
    # Celery reads CELERY_BROKER_URL from the environment first (conftest sets it under xdist).
    environ_before = os.environ.get("CELERY_BROKER_URL")

    def point_at(url):
        app.conf.broker_url = url
        if environ_before is not None:
            os.environ["CELERY_BROKER_URL"] = url

    yield point_at
    if environ_before is not None:
        os.environ["CELERY_BROKER_URL"] = environ_before
    if had_own:
        changes["broker_url"] = before
    else:
        changes.pop("broker_url", None)


@pytest.fixture
def on_private_redis(private_redis, settings, monkeypatch, broker_at):
    """The portal configured as in production, with cache and broker on the private Redis."""
    broker_at(private_redis.url)
    settings.REDIS_URL = private_redis.url
    settings.CELERY_BROKER_URL = private_redis.url
    settings.CACHES = {
        "default": {
            "BACKEND": "creativelabs.cache.FailSoftRedisCache",
            "LOCATION": private_redis.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            "KEY_PREFIX": "cl",
        }
    }
    monkeypatch.setattr(fail_soft, "_down_until", {})
    return private_redis


def test_with_a_broker_every_check_is_named_and_redis_down_is_a_503(client, on_private_redis):
    record_worker_heartbeat.delay()  # run in-process here, as a worker runs it for beat
    response = client.get("/health/?format=json")
    assert response.status_code == 200, response.content
    assert checks(response) == {
        "database": "OK",
        "cache": "OK",
        "redis": "OK",
        "media disk": "OK",
        "celery broker": "OK",
        "worker heartbeat": "OK",
    }

    on_private_redis.stop()
    started = time.monotonic()
    response = client.get("/health/?format=json")
    assert time.monotonic() - started < 8
    assert response.status_code == 503
    result = checks(response)
    assert result["database"] == "OK"
    assert result["media disk"] == "OK"
    assert result["redis"] == "Unavailable: Unable to connect to Redis: Connection Error"
    assert result["celery broker"] == "Unavailable: Cannot connect to the broker."
    assert result["cache"] != "OK"
    assert result["worker heartbeat"] != "OK"


def test_without_a_recent_heartbeat_the_worker_is_reported_down(client, on_private_redis, settings):
    response = client.get("/health/?format=json")
    assert response.status_code == 503
    assert checks(response)["worker heartbeat"] == "Unavailable: No heartbeat from a worker."
    from django.core.cache import cache

    cache.set(HEARTBEAT_KEY, time.time() - settings.HEALTH_HEARTBEAT_MAX_AGE - 30, timeout=None)
    response = client.get("/health/?format=json")
    assert response.status_code == 503
    assert "ago" in checks(response)["worker heartbeat"]
    record_worker_heartbeat.delay()
    assert client.get("/health/?format=json").status_code == 200


def test_a_broker_without_a_shared_cache_cannot_hear_the_worker(client, settings, broker_at):
    """A separate broker but no REDIS_URL: the heartbeat the worker writes stays in its own memory."""
    settings.REDIS_URL = ""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    broker_at(settings.CELERY_BROKER_URL)
    result = checks(client.get("/health/?format=json"))
    assert result["worker heartbeat"].startswith("Unavailable: The heartbeat is kept in the cache")


def test_the_heartbeat_is_on_beats_schedule():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["record-worker-heartbeat"]
    assert entry["task"] == record_worker_heartbeat.name
    assert entry["schedule"] < settings.HEALTH_HEARTBEAT_MAX_AGE
