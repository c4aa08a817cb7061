"""Production settings pass Django's deploy checks; every response carries the security headers."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # Only what the test sets: not the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE, say.
    unset = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_deploy_check_passes_with_production_like_environment():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="a-real-secret-key-that-is-long-and-random-enough-0123456789-abcdefghij",
        ALLOWED_HOSTS="portal.creativelabs.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_missing_secret_key_with_debug_off_fails_loudly():
    result = run_manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG"),
        ("DATABASE_URL", "mysql://root@localhost/portal", "PostgreSQL"),
        ("REDIS_URL", "http://localhost:6379", "REDIS_URL"),
    ],
)
def test_bad_values_stop_the_process(name, value, message):
    result = run_manage("check", **{name: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_security_headers_on_home(client, db):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp


def test_pages_have_no_inline_scripts(client, db):
    page = client.get("/").content.decode()
    for chunk in page.split("<script")[1:]:
        assert chunk.split(">", 1)[0].strip().startswith("src="), chunk[:120]
    assert " style=" not in page


PROXY_SETTINGS = (
    "from django.conf import settings; "
    "print(settings.ALLAUTH_TRUSTED_PROXY_COUNT, settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER)"
)


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"BEHIND_TLS_PROXY": "false", "TRUSTED_CLIENT_IP_HEADER": ""}, "0 None"),
        ({"BEHIND_TLS_PROXY": "true"}, "1 None"),
        ({"TRUSTED_PROXY_COUNT": "2", "TRUSTED_CLIENT_IP_HEADER": "X-Real-IP"}, "2 X-Real-IP"),
    ],
)
def test_the_proxies_allauth_trusts_for_the_client_address_come_from_the_environment(environment, expected):
    result = run_manage("shell", "-c", PROXY_SETTINGS, **environment)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == expected


# --- Redis and Celery: an outage slows a request down by seconds at most, and nothing is lost ------


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


CACHE_CALLS = """
import time
from django.core.cache import caches
cache = caches["default"]
started = time.monotonic()
print(
    type(cache).__name__, cache.get("k", "default"), cache.add("k", 1), cache.add("k", 2), cache.set("k", 3),
    cache.get("k"), cache.delete("k"), cache.get_many(["k"]), cache.has_key("k"), round(time.monotonic() - started),
)
"""


def test_with_redis_configured_but_down_the_cache_uses_the_database_instead_of_failing(tmp_path):
    environment = {
        "REDIS_URL": f"redis://127.0.0.1:{_closed_port()}/0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    made = run_manage("createcachetable", **environment)  # `migrate` makes it too (accounts/apps.py)
    assert made.returncode == 0, made.stderr
    result = run_manage("shell", "-c", CACHE_CALLS, **environment)
    assert result.returncode == 0, result.stderr
    # Counts and locks still hold (the second add is refused), and nothing waits for Redis.
    assert result.stdout.splitlines()[-1] == "FailSoftRedisCache default True False None 3 True {} False 0"


def test_the_fail_soft_cache_stops_asking_a_redis_that_failed_for_a_few_seconds(monkeypatch):
    """Without a FALLBACK, the cache reads as empty while Redis is down."""
    from creativelabs import cache as fail_soft

    monkeypatch.setattr(fail_soft, "_down_until", {})
    backend = fail_soft.FailSoftRedisCache(
        f"redis://127.0.0.1:{_closed_port()}/0", {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}
    )
    asked = []
    real_get_client = backend._cache.get_client
    monkeypatch.setattr(backend._cache, "get_client", lambda *a, **k: asked.append(1) or real_get_client(*a, **k))
    assert backend.get("k", "default") == "default"
    assert backend.add("lock", 1) is True
    with pytest.raises(ValueError, match="not found"):
        backend.incr("k")
    assert len(asked) == 1


def test_publishing_and_redelivery_settings_fit_together():
    from django.conf import settings

    from opportunities.suggestions.queue import DEBOUNCE_SECONDS
    from opportunities.suggestions.tasks import recompute_entry_task, recompute_full_task

    transport = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    policy = settings.CELERY_TASK_PUBLISH_RETRY_POLICY
    # Each publish attempt on a hanging Redis costs a connect and a read timeout at most.
    attempts = policy["max_retries"] + 1
    waits = sum(
        min(policy["interval_max"], policy["interval_start"] + policy["interval_step"] * retry)
        for retry in range(policy["max_retries"])
    )
    worst_publish = attempts * (transport["socket_connect_timeout"] + transport["socket_timeout"]) + waits
    assert worst_publish <= 5
    assert settings.CACHES["default"].get("OPTIONS", {}).get("socket_timeout", 1) <= 1
    # Acknowledged after the task ran, put back when its process dies: a killed task runs again.
    assert settings.CELERY_TASK_ACKS_LATE
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    # Never handed out twice while it runs or waits for its countdown (debounce, retry backoff).
    longest_retry_wait = max(
        min(task.retry_backoff_max, task.retry_backoff * 2 ** (task.max_retries - 1))
        for task in (recompute_entry_task, recompute_full_task)
    )
    assert transport["visibility_timeout"] > max(settings.CELERY_TASK_TIME_LIMIT, longest_retry_wait, DEBOUNCE_SECONDS)
