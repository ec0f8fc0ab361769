"""The recomputation's debounce with the production cache (a real Redis): while a queued job
is pending, votes cost no Redis round trip, in the process that queued it and in the others."""

from __future__ import annotations

import os
import uuid

import pytest

from opengov.opinions import tasks


@pytest.fixture
def redis_cache(settings):
    """The production cache: a real Redis (skipped where none is running, but for CI)."""
    import redis

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            raise
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"test-{uuid.uuid4()}",
        }
    }
    tasks._queued_until.clear()
    yield
    tasks._queued_until.clear()


def test_a_pending_job_is_known_without_asking_redis_again(redis_cache, settings, monkeypatch):
    from django.core.cache import cache

    from opengov.core.cache import raw_redis

    settings.JOBS_IN_PROCESS = False
    sent = []
    monkeypatch.setattr(
        tasks.recompute_map, "apply_async", lambda args, countdown: sent.append((args, countdown))
    )
    now = [1_000.0]
    monkeypatch.setattr(tasks, "wall_clock", lambda: now[0])
    client = raw_redis()
    asked = []
    real_set = client.set

    def counting_set(*args, **kwargs):
        asked.append(args[0])
        return real_set(*args, **kwargs)

    monkeypatch.setattr(client, "set", counting_set)

    assert tasks.schedule(41) is True  # takes the period: one job, reading votes at 1010
    assert sent == [((41,), 10)]
    now[0] = 1_005.0
    assert tasks.schedule(41) is False  # pending: no round trip
    assert len(asked) == 1
    tasks._queued_until.clear()  # another process: asks once and learns when the job reads
    assert tasks.schedule(41) is False
    assert tasks._queued_until[41] == 1_010.0
    assert tasks.schedule(41) is False
    assert len(asked) == 2
    assert tasks.schedule(42) is True  # another conversation has its own period
    now[0] = 1_010.5  # the job has read the votes; the key expires (deleted here)
    client.delete(cache.make_key("opinions:recompute:41"))
    assert tasks.schedule(41) is True
    assert sent == [((41,), 10), ((42,), 10), ((41,), 10)]


def test_a_vote_after_the_job_read_the_votes_queues_another(redis_cache, settings, monkeypatch):
    """The process remembers no longer than the job's reading time, even if the key (whose
    time to live is the same) were still there."""
    settings.JOBS_IN_PROCESS = False
    sent = []
    monkeypatch.setattr(
        tasks.recompute_map, "apply_async", lambda args, countdown: sent.append((args, countdown))
    )
    now = [2_000.0]
    monkeypatch.setattr(tasks, "wall_clock", lambda: now[0])
    assert tasks.schedule(7) is True
    now[0] = 2_010.0
    assert tasks._queued_until[7] <= now[0]
    assert tasks.schedule(7) is False  # the key is still in Redis: Redis says so
    assert sent == [((7,), 10)]
