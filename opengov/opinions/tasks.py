"""Jobs of opinion mapping: recomputing the map as votes arrive. Each takes ids, is idempotent.

`schedule(conversation_id)` is called after a vote (or a ban, or a hidden statement) commits.
It asks for one recomputation per debounce period (`OpinionRules.recompute_debounce_seconds`):
the first request of a period takes a cache key and queues `recompute_map` with that delay.
With a Celery broker the task runs in a worker (`apply_async(countdown=...)`); without one
(jobs in-process) it runs in a timer thread of the same process after the delay, never in the
request. `recompute_stale` (periodic, and `opengov opinions_recompute`) catches any
conversation whose votes changed after its latest map, e.g. when a process stopped.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections

from opengov.core.cache import raw_redis

from . import rules

logger = logging.getLogger(__name__)


@shared_task
def recompute_map(conversation_id: int) -> int | None:
    """Publish a new map of the conversation if its votes changed; the map's version."""
    from .mapping import map_recompute
    from .models import Conversation

    conversation = Conversation.objects.filter(pk=conversation_id).first()
    if conversation is None:
        return None
    published = map_recompute(conversation=conversation)
    return published.version if published else None


@shared_task
def recompute_stale() -> int:
    """Recompute every conversation with votes newer than its latest map."""
    from .selectors import stale_conversation_ids

    done = 0
    for conversation_id in stale_conversation_ids():
        recompute_map(conversation_id)
        done += 1
    return done


def _run_in_thread(conversation_id: int) -> None:
    try:
        recompute_map(conversation_id)
    except Exception:  # a failed job must not kill the process; the sweep retries
        logger.exception("opinion map recomputation failed for %s", conversation_id)
    finally:
        close_old_connections()


def _start_timer(conversation_id: int, delay: float) -> None:
    timer = threading.Timer(delay, _run_in_thread, args=(conversation_id,))
    timer.daemon = True
    timer.start()


#: how an in-process recomputation is started (tests replace it to run jobs by hand)
in_process_runner: Callable[[int, float], None] = _start_timer


#: conversation id -> wall-clock time (s) until which a queued recomputation is known to be
#: pending in this process's view (Redis only): votes committed before then are in it
_queued_until: dict[int, float] = {}
#: the wall clock (tests replace it)
wall_clock: Callable[[], float] = time.time


def _take_period(conversation_id: int, delay: int) -> bool:
    """Take this period's recomputation for the conversation (True), or learn that another
    request took it (False).

    With Redis, one `SET NX GET` stores when the queued job will read the votes, and each
    process remembers it: until then every vote it records is in that job, so it asks Redis
    nothing more (a vote costs no Redis round trip while a job is pending). Elsewhere, the
    cache's `add`.
    """
    key = f"opinions:recompute:{conversation_id}"
    timeout = max(delay, 1)
    client = raw_redis()
    if client is None:
        return bool(cache.add(key, 1, timeout=timeout))
    now = wall_clock()
    if _queued_until.get(conversation_id, 0.0) > now:
        return False
    runs_at = now + delay
    previous = client.set(cache.make_key(key), repr(runs_at), nx=True, ex=timeout, get=True)
    if len(_queued_until) > 10_000:
        _queued_until.clear()
    if previous is not None:
        with contextlib.suppress(ValueError):
            _queued_until[conversation_id] = float(previous)
        return False
    _queued_until[conversation_id] = runs_at
    return True


def schedule(conversation_id: int) -> bool:
    """Queue a recomputation unless one is already queued for this period; True if queued."""
    delay = rules.section().recompute_debounce_seconds
    if not _take_period(conversation_id, delay):
        return False
    if settings.JOBS_IN_PROCESS:
        in_process_runner(conversation_id, delay)
    else:
        recompute_map.apply_async(args=(conversation_id,), countdown=delay)
    return True
