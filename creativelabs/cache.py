"""A Redis cache the portal can lose for a while: an outage falls back to the database, not to an error."""

import functools
import logging
import time

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# After a failed call the cache leaves Redis alone this long: a Redis that hangs costs each
# process one socket timeout, not one per cache call (a login makes about ten).
RETRY_AFTER_SECONDS = 5

# Per server list, shared by the backend instances Django makes per thread.
_down_until: dict[str, float] = {}


def _fail_soft(method, soft):
    name = method.__name__

    @functools.wraps(method)
    def call(self, *args, **kwargs):
        servers = ",".join(self._servers)
        if time.monotonic() < _down_until.get(servers, 0.0):
            return self._without_redis(name, soft, *args, **kwargs)
        try:
            return method(self, *args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError) as error:
            _down_until[servers] = time.monotonic() + RETRY_AFTER_SECONDS
            logger.warning("Redis cache unavailable; %s() carries on without it: %s", name, error)
            return self._without_redis(name, soft, *args, **kwargs)

    return call


def _missing(key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found.")


class FailSoftRedisCache(RedisCache):
    """Django's RedisCache, except that Redis being down or hanging is not an error.

    The cache holds rate-limit counters (allauth's and the portal's, creativelabs/ratelimits.py),
    the locks around them and the full recompute's lock. While Redis can't be reached:

    - with `OPTIONS["FALLBACK"]` naming another cache (settings name a database cache), every call
      goes to that cache instead, so counters keep counting and locks keep locking: an attacker
      gains nothing from an outage, whether it happens or is provoked;
    - without one, reads return the default, writes and deletes are dropped, and add() reports
      success (its callers use it as a lock, and refusing every lock would turn the outage into
      "too many attempts" on every login), so rate limits and cache locks don't hold.

    What was counted in the fallback stays there when Redis is back: each store limits on its own,
    for the few seconds of the switch a limit may count from the other store's figure.
    """

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        self.fallback_alias = options.pop("FALLBACK", None)
        super().__init__(server, {**params, "OPTIONS": options})

    def _without_redis(self, name, soft, *args, **kwargs):
        if self.fallback_alias is None:
            return soft(*args, **kwargs)
        return getattr(caches[self.fallback_alias], name)(*args, **kwargs)

    add = _fail_soft(RedisCache.add, lambda *args, **kwargs: True)
    get = _fail_soft(RedisCache.get, lambda key, default=None, version=None: default)
    set = _fail_soft(RedisCache.set, lambda *args, **kwargs: None)
    touch = _fail_soft(RedisCache.touch, lambda *args, **kwargs: False)
    delete = _fail_soft(RedisCache.delete, lambda *args, **kwargs: False)
    get_many = _fail_soft(RedisCache.get_many, lambda *args, **kwargs: {})
    has_key = _fail_soft(RedisCache.has_key, lambda *args, **kwargs: False)
    incr = _fail_soft(RedisCache.incr, _missing)
    set_many = _fail_soft(RedisCache.set_many, lambda data, *args, **kwargs: list(data))
    delete_many = _fail_soft(RedisCache.delete_many, lambda *args, **kwargs: None)
    clear = _fail_soft(RedisCache.clear, lambda: False)
