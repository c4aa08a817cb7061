"""Concurrent load: the portal served by gunicorn (two workers, started here unless a host is given) and
driven by locust, headless and bounded in users and time (`locustfile.py`), figures read back from
locust's CSV."""

import csv
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.test import Client

from .pages import Page

LOCUSTFILE = Path(__file__).with_name("locustfile.py")


def sessions(people: dict) -> dict[str, str]:
    """A logged-in session per role, as the cookie value the server will read (the sessions live in the
    database, so the server's processes find them)."""
    made = {}
    for role, user in people.items():
        if user is None:
            continue
        client = Client()
        client.force_login(user)
        made[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return made


def write_plan(path: Path, pages: list[Page], people: dict, wait: tuple[float, float]) -> None:
    plan = {
        "cookie": settings.SESSION_COOKIE_NAME,
        "sessions": sessions(people),
        "wait": list(wait),
        "pages": [{"url": page.url, "role": page.role, "name": page.name} for page in pages],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(plan, indent=1), encoding="utf-8")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn with `workers` workers on a free local port, as in production: DEBUG off, the same
    database and secret key as this process (the sessions are signed with it), no HTTPS redirect."""

    def __init__(self, workers: int = 2):
        self.port = free_port()
        self.host = f"http://127.0.0.1:{self.port}"
        env = os.environ | {
            "DEBUG": "0",
            "SECRET_KEY": settings.SECRET_KEY,
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
        }
        command = [
            sys.executable, "-m", "gunicorn", "creativelabs.wsgi", "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(workers), "--timeout", "120", "--log-level", "warning",
        ]  # fmt: skip
        self.process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env)  # noqa: S603 - our own command

    def wait_until_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped with exit code {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.host}/robots.txt", timeout=5) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"gunicorn did not answer on {self.host} within {seconds:.0f} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def run_locust(plan: Path, *, host: str, users: int, spawn_rate: float, seconds: int, prefix: Path) -> list[dict]:
    """Run locust headless; returns its per-URL rows (the CSV's), the aggregate last."""
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "-u", str(users), "-r", str(spawn_rate),
        "-t", f"{seconds}s", "--host", host, "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
        "--stop-timeout", "30",
    ]  # fmt: skip
    env = os.environ | {"PAGE_BENCH_PLAN": str(plan)}
    subprocess.run(command, cwd=settings.BASE_DIR, env=env, check=False, stdout=subprocess.DEVNULL)  # noqa: S603
    with open(f"{prefix}_stats.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


HEADER = (
    f"{'page (role URL)':<68} {'requests':>8} {'fails':>5} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7} {'queries':>7}"
)


def line(row: dict, queries: dict[str, int]) -> str:
    name = row["Name"]
    count = queries.get(name)
    return (
        f"{name:<68} {row['Request Count']:>8} {row['Failure Count']:>5} {row['50%']:>5}ms {row['95%']:>5}ms "
        f"{row['99%']:>5}ms {float(row['Max Response Time']):>5.0f}ms {'' if count is None else count:>7}"
    )
