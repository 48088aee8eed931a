"""Django's Redis cache, failing open: with Redis unreachable the portal keeps serving.

The cache holds nothing that cannot be lost or recomputed: rate-limit counters and the
role grants (read again from the database). So while Redis is down (stopped, restarted,
a network cut) every call answers as an empty cache would, after at most the short
socket timeouts of ``settings.CACHES``: a read misses, a write is dropped, ``incr``
counts from zero (rate limits let the request through), instead of turning a
resident's submission into an error page. One warning is logged per process and
``LOG_EVERY`` seconds, not one per call.
"""

from __future__ import annotations

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("yuyao_portal.cache")

# Redis cannot be reached: refused, reset, timed out, or still loading its data after a
# restart (BusyLoadingError is a ConnectionError).
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
LOG_EVERY = 30.0  # seconds between two warnings of the same process

_last_warning = 0.0


def _warn(operation: str, exc: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= LOG_EVERY or _last_warning == 0.0:
        _last_warning = now
        logger.warning(
            "Cache unreachable (%s: %s): %s answered as a miss; the portal goes on without it.",
            type(exc).__name__,
            exc,
            operation,
        )


def _fail_open(fallback):
    """Call the method; on an unreachable Redis, log and return ``fallback(*args)``."""

    def decorator(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as exc:
                _warn(method.__name__, exc)
                return fallback(*args, **kwargs)

        return wrapper

    return decorator


def _default(key, default=None, version=None):
    return default


def _delta(key, delta=1, version=None):
    return delta


def _failed_keys(data, timeout=None, version=None):
    return list(data)


class FailOpenRedisCache(RedisCache):
    """``RedisCache`` whose every operation answers as an empty cache when Redis is
    unreachable (see the module's docstring)."""

    get = _fail_open(_default)(RedisCache.get)
    get_many = _fail_open(lambda *a, **k: {})(RedisCache.get_many)
    has_key = _fail_open(lambda *a, **k: False)(RedisCache.has_key)
    add = _fail_open(lambda *a, **k: False)(RedisCache.add)
    set = _fail_open(lambda *a, **k: None)(RedisCache.set)
    set_many = _fail_open(_failed_keys)(RedisCache.set_many)
    touch = _fail_open(lambda *a, **k: False)(RedisCache.touch)
    delete = _fail_open(lambda *a, **k: False)(RedisCache.delete)
    delete_many = _fail_open(lambda *a, **k: None)(RedisCache.delete_many)
    incr = _fail_open(_delta)(RedisCache.incr)
    clear = _fail_open(lambda *a, **k: False)(RedisCache.clear)
    # decr() and get_or_set() are built on the methods above.
