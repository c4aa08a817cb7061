"""A Redis cache the portal can lose for a while: an outage reads as an empty cache, not as an error."""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# After a failed call the cache leaves Redis alone this long: a Redis that hangs costs each
# process one socket timeout, not one per cache call (a login makes about ten).
RETRY_AFTER_SECONDS = 5

# Per server list, shared by the backend instances Django makes per thread.
_down_until: dict[str, float] = {}


def _fail_soft(method, fallback):
    @functools.wraps(method)
    def call(self, *args, **kwargs):
        servers = ",".join(self._servers)
        if time.monotonic() < _down_until.get(servers, 0.0):
            return fallback(*args, **kwargs)
        try:
            return method(self, *args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError) as error:
            _down_until[servers] = time.monotonic() + RETRY_AFTER_SECONDS
            logger.warning("Redis cache unavailable; %s() carries on without it: %s", method.__name__, error)
            return fallback(*args, **kwargs)

    return call


def _missing(key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found.")


class FailSoftRedisCache(RedisCache):
    """Django's RedisCache, except that Redis being down or hanging is not an error.

    The cache holds nothing the portal can't do without for a few minutes: allauth's
    rate-limit counters and the full recompute's lock. While Redis can't be reached, reads
    return the default, writes and deletes are dropped, and add() reports success: its
    callers use it as a lock, and refusing every lock would turn the outage into "too many
    attempts" on every login. So during an outage rate limits and cache locks don't hold.
    """

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
