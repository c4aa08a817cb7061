"""Rate limits per client, counted like the portal's own (creativelabs/ratelimits.py, allauth's counters).

A visitor counts per address (the client's, behind trusted proxies: TRUSTED_PROXY_COUNT), a partner per
key, with more room. An unknown or revoked key counts against the address under a limit of its own.
Over a limit: 429 with `Retry-After`, the seconds until the oldest counted request falls out.

The limits can be set in `settings.API_RATE_LIMITS` (same notation, per name below). allauth keeps each
rate's recent hits as one list in the cache, so an hourly rate costs a list of that many timestamps per
client: keep hourly amounts in the thousands.
"""

import threading

from allauth.core.internal import ratelimit as allauth_ratelimit
from django.conf import settings
from ninja.errors import Throttled
from ninja.throttling import BaseThrottle

from creativelabs.ratelimits import seconds_until_allowed

APP = "api"
DEFAULT_RATE_LIMITS = {
    "visitor": "60/m/ip,1000/h/ip",
    "partner": "600/m/key,6000/h/key",
    "refused_key": "20/m/ip",
}


def rates(name: str) -> str:
    return {**DEFAULT_RATE_LIMITS, **getattr(settings, "API_RATE_LIMITS", {})}[name]


def consume(request, name: str, key: str | None = None) -> int | None:
    """Count one request under limit `name`; None when allowed, else the seconds to wait."""
    config = {name: rates(name)}
    if allauth_ratelimit.consume(request, app=APP, action=name, config=config, key=key, limit_get=True):
        return None
    return seconds_until_allowed(request, app=APP, action=name, config=config, key=key)


def count_refused_key(request) -> None:
    wait = consume(request, "refused_key")
    if wait is not None:
        raise Throttled(wait=wait)


class ClientRateLimit(BaseThrottle):
    """Ninja's throttle hook: runs after the client is known (`request.auth`, api/clients.py)."""

    def __init__(self) -> None:
        # Ninja asks wait() right after allow_request() in the same thread; requests in other threads
        # must not see this one's answer.
        self._local = threading.local()

    def allow_request(self, request) -> bool:
        api_key = request.auth.api_key
        if api_key is None:
            self._local.wait = consume(request, "visitor")
        else:
            self._local.wait = consume(request, "partner", key=f"key:{api_key.pk}")
        return self._local.wait is None

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)
