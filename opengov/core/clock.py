"""The one clock of the platform.

Every piece of code that asks "what time is it" calls `now()` or `today()`, so that tests (and
demonstrations) can set the time with `set_now()` instead of sleeping or patching.
"""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

_lock = threading.Lock()
_frozen: dt.datetime | None = None


def local_zone() -> ZoneInfo:
    """The platform's legal time zone (Asia/Taipei for Taiwan)."""
    return ZoneInfo(settings.TIME_ZONE)


def now() -> dt.datetime:
    """The current time (aware), or the time a test has set."""
    frozen = _frozen
    return frozen if frozen is not None else timezone.now()


def today() -> dt.date:
    """Today's date in the platform's time zone."""
    return now().astimezone(local_zone()).date()


def set_now(moment: dt.datetime | None) -> None:
    """Fix the clock at `moment` (aware), or release it with None."""
    global _frozen
    if moment is not None and timezone.is_naive(moment):
        raise ValueError("set_now() needs an aware datetime")
    with _lock:
        _frozen = moment


def advance(delta: dt.timedelta) -> dt.datetime:
    """Move a fixed clock forward by `delta` and return the new time."""
    global _frozen
    with _lock:
        _frozen = (_frozen or timezone.now()) + delta
        return _frozen


def end_of_local_day(day: dt.date) -> dt.datetime:
    """The last instant of `day` in local time: legal periods end at local midnight."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=local_zone())


def start_of_local_day(day: dt.date) -> dt.datetime:
    """The first instant of `day` in local time."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=local_zone())
