"""rehabpath.cache: with Redis away the cache answers as a miss, logged, and pages go on."""

import socket
from unittest import mock

import pytest

from rehabpath import cache as cache_module
from rehabpath.cache import DegradingRedisCache


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # nothing listens there once the socket is closed


@pytest.fixture
def away():
    """A cache whose Redis is not running, and a fresh circuit."""
    DegradingRedisCache._down_until = 0.0
    backend = DegradingRedisCache(
        f"redis://127.0.0.1:{_closed_port()}/0",
        {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}},
    )
    yield backend
    DegradingRedisCache._down_until = 0.0


def test_every_call_answers_as_a_miss_while_redis_is_away(away, caplog):
    assert away.get("k", "default") == "default"
    away.set("k", "v")
    assert away.get_many(["k"]) == {}
    assert away.has_key("k") is False
    assert away.add("k", "v") is True  # "added": a TOTP code counts as unused (the trade-off)
    away.delete("k")
    away.delete_many(["k"])
    assert away.touch("k") is False
    with pytest.raises(ValueError, match="not found"):
        away.incr("k")
    assert "cache unavailable" in caplog.text


def test_after_a_failure_redis_is_not_tried_again_for_a_few_seconds(away):
    clock = [1000.0]
    with mock.patch.object(cache_module.time, "monotonic", side_effect=lambda: clock[0]):
        assert away.get("k") is None  # tries, fails, opens the circuit
        with mock.patch("django.core.cache.backends.redis.RedisCache.get") as get:
            clock[0] += cache_module.RETRY_AFTER - 0.1
            assert away.get("k", 1) == 1
            get.assert_not_called()
            clock[0] += 0.2
            away.get("k")
            get.assert_called_once()


def test_a_working_redis_is_used_as_usual(settings):
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL (CI sets it)")
    import uuid

    DegradingRedisCache._down_until = 0.0
    backend = DegradingRedisCache(settings.REDIS_URL, {"KEY_PREFIX": uuid.uuid4().hex})
    backend.set("k", "v", 30)
    assert backend.get("k") == "v"
    assert backend.add("k", "w") is False
    backend.delete("k")


def test_one_redis_client_serves_every_call(settings):
    """Django builds a redis.Redis a call; ours keeps one per server (rehabpath.cache)."""
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL (CI sets it)")
    import uuid

    DegradingRedisCache._down_until = 0.0
    backend = DegradingRedisCache(settings.REDIS_URL, {"KEY_PREFIX": uuid.uuid4().hex})
    first = backend._cache.get_client(write=True)
    assert backend._cache.get_client(write=False) is first
    backend.set("k", "v", 30)
    assert backend.get("k") == "v"
    assert backend.count_and_get("n", 30, "k") == (1, "v")
    assert backend._cache.get_client(write=True) is first
    backend.delete_many(["k", "n"])
