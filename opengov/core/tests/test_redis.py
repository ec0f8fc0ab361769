"""Rate limits and the cache against the real Redis server (fails under CI=true without it)."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.cache.backends.redis import RedisCache

from conftest import require_service
from opengov.core import ratelimit
from opengov.core.errors import RateLimited


@pytest.fixture
def redis_cache(monkeypatch):
    require_service("Redis", "127.0.0.1", 6379)
    backend = RedisCache("redis://127.0.0.1:6379/14", {"KEY_PREFIX": f"t{uuid.uuid4().hex}"})
    monkeypatch.setattr(ratelimit, "cache", backend)
    return backend


def test_rate_limit_in_redis_counts_per_address(redis_cache, settings):
    settings.OPENGOV_RATE_LIMITS = {"x": {"per_address": 3, "window_seconds": 120}}
    for _ in range(3):
        ratelimit.hit("x", address="198.51.100.7")
    with pytest.raises(RateLimited):
        ratelimit.hit("x", address="198.51.100.7")
    ratelimit.hit("x", address="198.51.100.8")


def test_rate_limits_can_be_switched_off(redis_cache, settings):
    settings.OPENGOV_RATE_LIMITS = {"x": {"per_account": 1, "window_seconds": 120}}
    settings.OPENGOV_RATE_LIMITS_ENABLED = False
    for _ in range(5):
        ratelimit.hit("x", account="a")


@pytest.fixture
def redis_as_the_cache(settings):
    """Redis as the shared cache, as in production; its client."""
    require_service("Redis", "127.0.0.1", 6379)
    from opengov.core.cache import raw_redis

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/14",
            "KEY_PREFIX": f"t{uuid.uuid4().hex}",
        }
    }
    return raw_redis()


@contextmanager
def commands_sent(client) -> Iterator[list[str]]:
    """The names of the commands the client sends while inside (upper case)."""
    sent: list[str] = []
    original = client.execute_command

    def recording(*args, **kwargs):
        sent.append(str(args[0]).upper())
        return original(*args, **kwargs)

    client.execute_command = recording
    try:
        yield sent
    finally:
        del client.execute_command


def test_with_redis_as_the_cache_both_counters_go_in_one_round_trip(redis_as_the_cache, settings):
    """With Redis as the shared cache, the account and address counters of one attempt are
    counted by one command (the counting script, by its digest), and each expires with its
    window."""
    from django.core.cache import cache

    settings.OPENGOV_RATE_LIMITS = {
        "x": {"per_account": 2, "per_address": 5, "window_seconds": 120},
        "warm-up": {"per_account": 1, "window_seconds": 60},
    }
    client = redis_as_the_cache
    ratelimit.hit("warm-up", account="a")  # the server learns the script (if it had not)
    with commands_sent(client) as sent:
        ratelimit.hit("x", account="a", address="198.51.100.9")
        ratelimit.hit("x", account="a", address="198.51.100.9")
        with pytest.raises(RateLimited):
            ratelimit.hit("x", account="a", address="198.51.100.9")
    assert sent == ["EVALSHA"] * 3
    key = cache.make_key(ratelimit._key("x", "per_address", "198.51.100.9", 120))
    assert int(client.get(key)) == 3 and 0 < client.ttl(key) <= 120


def test_a_counter_keeps_its_window_and_one_without_an_expiry_gets_one(
    redis_as_the_cache, settings
):
    """A count never moves its counter's expiry (the window ends when it began plus its
    length); a counter somehow left without one is given the window."""
    from django.core.cache import cache

    client = redis_as_the_cache
    settings.OPENGOV_RATE_LIMITS = {"x": {"per_address": 9, "window_seconds": 120}}
    key = cache.make_key(ratelimit._key("x", "per_address", "198.51.100.10", 120))
    client.set(key, 4, ex=30)
    ratelimit.hit("x", address="198.51.100.10")
    assert int(client.get(key)) == 5 and 0 < client.ttl(key) <= 30
    client.persist(key)
    ratelimit.hit("x", address="198.51.100.10")
    assert int(client.get(key)) == 6 and 30 < client.ttl(key) <= 120


def test_a_server_that_does_not_know_the_counting_script_is_sent_it_whole(
    redis_as_the_cache, settings
):
    """After a restart (or SCRIPT FLUSH) Redis has forgotten the script: the attempt still
    counts, once, by sending the script itself."""
    from django.core.cache import cache

    client = redis_as_the_cache
    settings.OPENGOV_RATE_LIMITS = {"x": {"per_address": 9, "window_seconds": 120}}
    client.script_flush()
    with commands_sent(client) as sent:
        ratelimit.hit("x", address="198.51.100.11")
        ratelimit.hit("x", address="198.51.100.11")
    assert sent == ["EVALSHA", "EVAL", "EVALSHA"]
    key = cache.make_key(ratelimit._key("x", "per_address", "198.51.100.11", 120))
    assert int(client.get(key)) == 2
