"""`/health/` for load balancers and monitoring: each dependency the portal needs, checked and named.

Built on django-health-check 4.x: its checks for the database, the cache, Redis and disk space, and
two of ours: the Celery broker answers, and a worker ran the heartbeat task Celery beat sends every
minute. The broker and the heartbeat are checked only when a broker is configured; the embedded
default (no broker) runs tasks in the web process, so there is no worker to ask about.

The page needs no login and is cheap: a SELECT 1, a cache write and read, a Redis PING, a broker
connection, one cache read and a disk-usage call, run concurrently, each with a timeout of a few seconds.
It answers 200 when every check passes and 503 when one fails, as HTML, as text, or as JSON
(`Accept: application/json` or `?format=json`): `{"database": "OK", "redis": "Unavailable: ..."}`.
"""

import asyncio
import dataclasses
import datetime
import inspect
import time
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import BadRequest
from django.db import transaction
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from health_check.base import HealthCheck
from health_check.checks import Cache, Database
from health_check.contrib.psutil import Disk
from health_check.contrib.redis import Redis
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView, MediaType
from kombu.exceptions import OperationalError as BrokerError
from redis.asyncio import Redis as AsyncRedis

HEARTBEAT_KEY = "health:worker-heartbeat"


@shared_task(name="creativelabs.health.record_worker_heartbeat")
def record_worker_heartbeat() -> None:
    """Beat sends this every minute (CELERY_BEAT_SCHEDULE); the worker that runs it notes the time."""
    cache.set(HEARTBEAT_KEY, time.time(), timeout=None)


@dataclasses.dataclass
class WorkerHeartbeat(HealthCheck):
    """A worker ran the heartbeat task recently: broker, beat and at least one worker all work."""

    max_age: datetime.timedelta

    def run(self):
        if isinstance(caches["default"], LocMemCache):
            raise ServiceUnavailable("The heartbeat is kept in the cache: set REDIS_URL so web and worker share it.")
        beat = cache.get(HEARTBEAT_KEY)
        if beat is None:
            raise ServiceUnavailable("No heartbeat from a worker.")
        age = time.time() - beat
        if age > self.max_age.total_seconds():
            raise ServiceUnavailable(f"Last heartbeat from a worker {age:.0f} s ago.")


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker accepts a connection (for Redis, the channel's PING)."""

    timeout = datetime.timedelta(seconds=3)

    def run(self):
        from creativelabs.celery import app

        try:
            with app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
        except (BrokerError, OSError) as error:
            raise ServiceUnavailable("Cannot connect to the broker.") from error


@dataclasses.dataclass
class PortalDatabase(Database):
    """The library's SELECT 1, without the database server's address in what anyone may read (the
    full error goes to the log)."""

    def run(self):
        try:
            super().run()
        except ServiceUnavailable as error:
            raise ServiceUnavailable("Cannot connect to the database.") from error


@dataclasses.dataclass
class Named(HealthCheck):
    """A check under the name the page shows (the library names a check by its repr, which would
    show the server's host name and paths to anyone who asks)."""

    name: str
    label: str
    check: HealthCheck

    def __post_init__(self):
        self.timeout = self.check.timeout

    def __repr__(self):
        return self.name

    @property
    def labels(self) -> dict[str, str]:
        return {"check": self.name}

    async def run(self):
        if inspect.iscoroutinefunction(self.check.run):
            await self.check.run()
        else:
            await asyncio.get_running_loop().run_in_executor(None, self.check.run)


def configured_checks() -> list[Named]:
    """The checks for this configuration, read from settings on each request (cheap, and tests can change them)."""
    checks = [
        Named("database", _("Database"), PortalDatabase()),
        Named("cache", _("Cache"), Cache()),
    ]
    if settings.REDIS_URL:
        url = settings.REDIS_URL
        client = lambda: AsyncRedis.from_url(url, socket_connect_timeout=1, socket_timeout=1)  # noqa: E731
        checks.append(Named("redis", _("Redis"), Redis(client_factory=client)))
    checks.append(
        Named(
            "media disk",
            _("Disk for uploaded files"),
            Disk(path=_existing(Path(settings.MEDIA_ROOT)), max_disk_usage_percent=settings.HEALTH_DISK_MAX_PERCENT),
        )
    )
    if settings.CELERY_BROKER_URL:
        max_age = datetime.timedelta(seconds=settings.HEALTH_HEARTBEAT_MAX_AGE)
        checks.append(Named("celery broker", _("Task broker"), Broker()))
        checks.append(Named("worker heartbeat", _("Task worker"), WorkerHeartbeat(max_age=max_age)))
    return checks


def _existing(path: Path) -> Path:
    """The media folder, or before the first upload the nearest folder above it: the same disk."""
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


class HealthView(HealthCheckView):
    template_name = "health/status.html"

    def get_checks(self):
        yield from configured_checks()

    @method_decorator(transaction.non_atomic_requests)
    async def dispatch(self, request, *args, **kwargs):
        # A malformed Accept header would be a ValueError deep in the library: a 400 instead.
        try:
            list(MediaType.parse_header(request.headers.get("accept", "*/*")))
        except ValueError:
            raise BadRequest("Malformed Accept header.") from None
        response = await super().dispatch(request, *args, **kwargs)
        # The library answers 500 when a check fails; to a load balancer that reads as the portal's
        # own error, and 503 Service Unavailable is what it means.
        if response.status_code == 500:
            response.status_code = 503
        return response
