"""Rate limits on the portal's own actions (search, downloads, expressions of interest, unsubscribe),
counted the way allauth counts logins, and the 429 answer that says when to come back.

The limits are settings (`PORTAL_RATE_LIMITS`, in allauth's notation: "20/m/user,100/h/user"), far
above what a person does, so that only scripts meet them; tests lower them. The counters live in the
default cache, which falls back to the database while Redis is down (creativelabs/cache.py).
"""

import math
import time
from functools import wraps

from allauth.core.internal import ratelimit as allauth_ratelimit
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from .errors import too_many_requests

APP = "creativelabs"


def rate_limited(action: str, *, methods: tuple[str, ...] = ("POST",), key=None):
    """Answer 429 to `methods` requests over `PORTAL_RATE_LIMITS[action]`, before the view runs.

    "user" rates count per person when logged in and per client address otherwise (a visitor has
    no account to count against); "key" rates count per `key(request, *args, **kwargs)`, a link's
    token, say. Other requests pass uncounted.
    """
    if action not in settings.PORTAL_RATE_LIMITS:
        raise ImproperlyConfigured(f"PORTAL_RATE_LIMITS has no limit for {action!r}.")

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in methods:
                counted_key = key(request, *args, **kwargs) if key else None
                config = {action: _rates_for(request, settings.PORTAL_RATE_LIMITS[action], counted_key)}
                if not allauth_ratelimit.consume(
                    request, app=APP, action=action, config=config, key=counted_key, limit_get=True
                ):
                    wait = seconds_until_allowed(request, app=APP, action=action, config=config, key=counted_key)
                    return too_many_requests(request, retry_after=wait)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _rates_for(request, rates: str, key) -> str:
    parts = [part.strip() for part in rates.split(",") if part.strip()]
    if key is None and any(part.endswith("/key") for part in parts):
        raise ImproperlyConfigured(f"{rates!r} counts per key, but the view gives no key.")
    if request.user.is_authenticated:
        return ",".join(parts)
    return ",".join(part.removesuffix("/user") + "/ip" if part.endswith("/user") else part for part in parts)


def seconds_until_allowed(request, *, app: str, action: str, config: dict | None = None, key=None, user=None) -> int:
    """Seconds until `request` may do `action` again: when the oldest hit that fills a full rate
    expires (allauth keeps each rate's hits newest first). At least one second."""
    now = time.time()
    waits = []
    for rate in allauth_ratelimit.get_rates(app=app, action=action, config=config):
        cache_key = allauth_ratelimit.get_cache_key(request, app=app, action=action, rate=rate, key=key, user=user)
        hits = [hit for hit in cache.get(cache_key, []) if hit > now - rate.duration]
        if len(hits) >= rate.amount:
            waits.append(hits[rate.amount - 1] + rate.duration - now)
    return max(1, math.ceil(max(waits, default=1)))
