"""The Redis cache, tolerant of Redis being down.

Pages only use the cache to save work (the unread badge, rate-limit
counters): while Redis is stopped or restarting, a read is a miss and a write
is skipped, so pages keep working; the websockets say live updates are paused.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
DOWN = (RedisConnectionError, RedisTimeoutError, OSError)


def _tolerant(name: str, fallback: Any) -> Any:
    method = getattr(RedisCache, name)

    def call(self: RedisCache, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except DOWN:
            logger.warning("Redis cache unavailable (%s): carrying on without it", name)
            if name == "get":
                return kwargs.get("default", args[1] if len(args) > 1 else None)
            return fallback() if callable(fallback) else fallback

    call.__name__ = name
    return call


class TolerantRedisCache(RedisCache):
    get = _tolerant("get", None)
    get_many = _tolerant("get_many", dict)
    set = _tolerant("set", None)
    set_many = _tolerant("set_many", list)
    add = _tolerant("add", False)
    touch = _tolerant("touch", False)
    delete = _tolerant("delete", False)
    delete_many = _tolerant("delete_many", None)
    has_key = _tolerant("has_key", False)
    clear = _tolerant("clear", False)
    incr = _tolerant("incr", 0)
