"""Two-factor codes and login limits hold while Redis is down: a private Redis is started, the cache
pointed at it as in production (a database cache behind it) and the Redis stopped mid-test."""

import shutil
import socket
import subprocess
import time
from types import SimpleNamespace

import pytest
import redis
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection

from demo.accounts import totp_code
from tests.factories import PASSWORD, TOTP_SECRET

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not (shutil.which("redis-server") and shutil.which("redis-cli")),
        reason="needs redis-server and redis-cli, to start a private Redis and stop it",
    ),
]

LOGIN = "/accounts/login/"
AUTHENTICATE = "/accounts/2fa/authenticate/"
NOW = 1_900_000_015.0  # mid-period: the TOTP code stays the same throughout a test
ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"


def _free_port() -> int:
    # A port of our own (not the shared Redis's), so parallel workers never stop each other's.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def private_redis(tmp_path):
    port = _free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port, socket_connect_timeout=0.2)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail(f"the private redis-server on port {port} did not start")
            time.sleep(0.05)

    def stop():
        subprocess.run(["redis-cli", "-p", str(port), "shutdown", "nosave"], capture_output=True, timeout=10)
        process.wait(timeout=10)

    yield SimpleNamespace(url=f"redis://127.0.0.1:{port}/0", stop=stop, process=process)
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=10)


def _caches(redis_url: str, *, fallback: bool) -> dict:
    options = {"socket_connect_timeout": 1, "socket_timeout": 1}
    caches = {
        "default": {"BACKEND": "creativelabs.cache.FailSoftRedisCache", "LOCATION": redis_url, "KEY_PREFIX": "cl"}
    }
    if fallback:
        options["FALLBACK"] = "outage"
        caches["outage"] = {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "cache_during_redis_outage",
            "KEY_PREFIX": "cl",
        }
    caches["default"]["OPTIONS"] = options
    return caches


@pytest.fixture
def redis_down(settings, private_redis):
    """The cache as in production, on a Redis that worked and then stopped."""
    settings.CACHES = _caches(private_redis.url, fallback=True)
    call_command("createcachetable", verbosity=0)  # there already when the settings had it at set-up
    assert cache.add("before-the-outage", 1) is True
    assert redis.Redis.from_url(private_redis.url).exists("cl:1:before-the-outage")
    private_redis.stop()
    return private_redis


@pytest.fixture
def frozen_totp_clock(monkeypatch):
    monkeypatch.setattr("allauth.mfa.totp.internal.auth.time", SimpleNamespace(time=lambda: NOW))


def two_factor_login(client, user, code):
    response = client.post(LOGIN, {"login": user.email, "password": PASSWORD})
    assert response["Location"] == AUTHENTICATE
    return client.post(AUTHENTICATE, {"code": code})


@pytest.mark.parametrize("fallback", [True, False], ids=["database fallback", "no fallback at all"])
def test_a_totp_code_is_not_accepted_twice_while_redis_is_stopped(
    client, developer_a, settings, private_redis, frozen_totp_clock, fallback
):
    settings.CACHES = _caches(private_redis.url, fallback=fallback)
    if fallback:
        call_command("createcachetable", verbosity=0)
    private_redis.stop()
    # Without a fallback the cache remembers nothing now: allauth's record of a used code would be lost.
    assert cache.add("probe", 1) is True
    assert cache.add("probe", 1) is (not fallback)

    code = totp_code(TOTP_SECRET, at=NOW)
    assert two_factor_login(client, developer_a, code).status_code == 302
    assert client.session["_auth_user_id"] == str(developer_a.pk)
    client.logout()
    replay = two_factor_login(client, developer_a, code)
    assert replay.status_code == 200
    assert "Incorrect code" in replay.content.decode()
    assert "_auth_user_id" not in client.session


def test_wrong_passwords_are_still_limited_while_redis_is_stopped(client, developer_a, redis_down):
    for _attempt in range(5):
        response = client.post(LOGIN, {"login": developer_a.email, "password": "wrong"}, REMOTE_ADDR=ATTACKER)
        assert response.status_code == 200
    refused = client.post(LOGIN, {"login": developer_a.email, "password": PASSWORD}, REMOTE_ADDR=ATTACKER)
    assert refused.status_code == 429
    assert refused["Retry-After"]
    # The counts are in the database now, and the owner still gets in from their own client.
    response = client.post(LOGIN, {"login": developer_a.email, "password": PASSWORD}, REMOTE_ADDR=OWNER)
    assert response["Location"] == AUTHENTICATE


def test_guessing_the_two_factor_code_is_still_limited_while_redis_is_stopped(
    client, developer_a, redis_down, frozen_totp_clock
):
    client.post(LOGIN, {"login": developer_a.email, "password": PASSWORD})
    wrong = "000000" if totp_code(TOTP_SECRET, at=NOW) != "000000" else "111111"
    for _attempt in range(5):
        assert "Incorrect code" in client.post(AUTHENTICATE, {"code": wrong}).content.decode()
    # The sixth try in a minute is refused even with the right code.
    response = client.post(AUTHENTICATE, {"code": totp_code(TOTP_SECRET, at=NOW)})
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_portal_limits_hold_while_redis_is_stopped(client, db, settings, redis_down):
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "search": "2/m/user"}
    assert client.get("/opportunities/").status_code == 200
    assert client.get("/opportunities/").status_code == 200
    assert client.get("/opportunities/").status_code == 429


def test_migrate_makes_the_table_the_cache_falls_back_to(settings, db):
    table = "cache_fallback_made_by_migrate"
    settings.CACHES = {
        **settings.CACHES,
        "outage": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": table},
    }
    assert table not in connection.introspection.table_names()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")  # what `migrate` does at its end
    assert table in connection.introspection.table_names()
