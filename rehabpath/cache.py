"""The cache: Redis, degrading to a miss while Redis is away, so that pages keep working.

The web keeps three things in the cache (REDIS_URL): sessions (cached_db: the database has
them too), allauth's rate limits and login lockout, and the TOTP codes already used. With
Django's RedisCache an outage of Redis is an outage of every page (the session lookup raises).
With this backend a failed call is logged as a warning and answers as a miss: a get returns
the default, a set or delete does nothing, `add` says it added. For RETRY_AFTER seconds after
a failure no call tries Redis (each would wait for the connect timeout), then one tries again.

The trade-off, accepted for an outage's minutes: pages and sign-off work (sessions come from
the database), but while Redis is away the rate limits and the login lockout count nothing,
and a TOTP code could be used twice within its 30 seconds. Every degraded call is logged, so
an outage is visible. Mail and webhooks wait in the ledger (rehabpath.ledger) meanwhile.
"""

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)
RETRY_AFTER = 5.0  # seconds without trying Redis after a failure


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's Redis client, keeping one redis.Redis per server instead of one per call.

    Django makes a new redis.Redis (over the same connection pool) for every cache call, and
    redis-py builds a table of some 170 response callbacks in each: a third of a millisecond,
    a quarter of the public verification page's time. A redis.Redis is safe to share between
    threads (each command takes a connection from the pool), so one per pool is enough.
    """

    def __init__(self, servers: Any, **options: Any) -> None:
        super().__init__(servers, **options)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Django's own private helpers (not in its type stubs), as its get_client uses them.
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class DegradingRedisCache(RedisCache):
    _down_until = 0.0  # per process: time.monotonic() before which Redis is not tried

    def __init__(self, server: Any, params: Any) -> None:
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def _degrade(self, call: Callable[[], Any], miss: Any, what: str) -> Any:
        if time.monotonic() < self._down_until:
            return miss
        try:
            return call()
        except UNAVAILABLE as exc:
            type(self)._down_until = time.monotonic() + RETRY_AFTER
            logger.warning(
                "cache unavailable (%s): %s answers as a miss for %ss", exc, what, RETRY_AFTER
            )
            return miss

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._degrade(
            lambda: super(DegradingRedisCache, self).get(key, default, version), default, "get"
        )

    def get_many(self, keys: Any, version: Any = None) -> Any:
        return self._degrade(
            lambda: super(DegradingRedisCache, self).get_many(keys, version), {}, "get_many"
        )

    def has_key(self, key: Any, version: Any = None) -> Any:
        return self._degrade(
            lambda: super(DegradingRedisCache, self).has_key(key, version), False, "has_key"
        )

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        # A miss: the key was not there, so it is "added" (see the trade-off above).
        return self._degrade(
            lambda: super(DegradingRedisCache, self).add(key, value, timeout, version), True, "add"
        )

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        self._degrade(
            lambda: super(DegradingRedisCache, self).set(key, value, timeout, version), None, "set"
        )

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._degrade(
            lambda: super(DegradingRedisCache, self).set_many(data, timeout, version),
            [],
            "set_many",
        )

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._degrade(
            lambda: super(DegradingRedisCache, self).touch(key, timeout, version), False, "touch"
        )

    def delete(self, key: Any, version: Any = None) -> Any:
        return self._degrade(
            lambda: super(DegradingRedisCache, self).delete(key, version), False, "delete"
        )

    def delete_many(self, keys: Any, version: Any = None) -> None:
        self._degrade(
            lambda: super(DegradingRedisCache, self).delete_many(keys, version), None, "delete_many"
        )

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> Any:
        def call() -> Any:
            return super(DegradingRedisCache, self).incr(key, delta, version)

        if time.monotonic() < self._down_until:
            raise ValueError(f"Key {key!r} not found (cache unavailable)")  # as for a miss
        try:
            return call()
        except UNAVAILABLE as exc:
            type(self)._down_until = time.monotonic() + RETRY_AFTER
            logger.warning("cache unavailable (%s): incr answers as a miss", exc)
            raise ValueError(f"Key {key!r} not found (cache unavailable)") from exc

    def count_and_get(self, counter: Any, timeout: int, key: Any) -> tuple[int | None, Any]:
        """Add one to the counter `counter` and read `key`, in one round trip to Redis (a
        second only when the counter starts, to set its expiry): (the count, the value or
        None); (None, None) while Redis is away. For a rate-limited page that keeps its
        rendering in the cache (the public verification page): add + incr + get takes four."""

        def call() -> tuple[int | None, Any]:
            full_counter = self.make_and_validate_key(counter)
            full_key = self.make_and_validate_key(key)
            client = self._cache.get_client(full_counter, write=True)
            pipe = client.pipeline(transaction=False)
            pipe.incr(full_counter)
            pipe.get(full_key)
            count, raw = pipe.execute()
            if int(count) == 1:
                client.expire(full_counter, timeout)
            serializer = self._cache._serializer  # type: ignore[attr-defined]
            return int(count), None if raw is None else serializer.loads(raw)

        result: tuple[int | None, Any] = self._degrade(call, (None, None), "count_and_get")
        return result
