"""Rate limits and the cache against the real Redis server (fails under CI=true without it)."""

import uuid

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


def test_with_redis_as_the_cache_both_counters_go_in_one_round_trip(settings):
    """With Redis as the shared cache, the account and address counters of one attempt are
    counted in one pipeline, and each expires with its window."""
    require_service("Redis", "127.0.0.1", 6379)
    from django.core.cache import cache

    from opengov.core.cache import raw_redis

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/14",
            "KEY_PREFIX": f"t{uuid.uuid4().hex}",
        }
    }
    settings.OPENGOV_RATE_LIMITS = {
        "x": {"per_account": 2, "per_address": 5, "window_seconds": 120}
    }
    client = raw_redis()
    sent = []
    original = client.pipeline

    def counting_pipeline(*args, **kwargs):
        sent.append(1)
        return original(*args, **kwargs)

    client.pipeline = counting_pipeline
    try:
        ratelimit.hit("x", account="a", address="198.51.100.9")
        ratelimit.hit("x", account="a", address="198.51.100.9")
        with pytest.raises(RateLimited):
            ratelimit.hit("x", account="a", address="198.51.100.9")
    finally:
        del client.pipeline
    assert len(sent) == 3
    key = cache.make_key(ratelimit._key("x", "per_address", "198.51.100.9", 120))
    assert int(client.get(key)) == 3 and 0 < client.ttl(key) <= 120
