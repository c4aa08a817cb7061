"""Production settings pass Django's deploy checks; every response carries the security headers."""

import os
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
