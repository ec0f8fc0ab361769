"""Sign-in throttling, kept in the cache (Redis when REDIS_URL is set).

Failures are counted per account (the e-mail typed) and per address. After each failure the
next try must wait longer (`first_delay_seconds`, then twice that, four times...); once
`per_account` (or `per_address`) failures fall within `window_seconds`, sign-in is locked for
`lock_seconds`. The numbers are `settings.OPENGOV_RATE_LIMITS["login"]`. Times come from the
platform clock, so tests move the clock instead of sleeping.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from opengov.core import clock
from opengov.core.errors import RateLimited

ACTION = "login"


@dataclass
class _State:
    failures: int = 0
    last_failure: float = 0.0
    wait_until: float = 0.0
    locked: bool = False


def _rule() -> dict | None:
    if not settings.OPENGOV_RATE_LIMITS_ENABLED:
        return None
    return settings.OPENGOV_RATE_LIMITS.get(ACTION)


def _key(scope: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"throttle:{ACTION}:{scope}:{digest}"


def _scopes(account: str, address: str) -> list[tuple[str, str, int]]:
    rule = _rule() or {}
    scopes = []
    if account and rule.get("per_account"):
        scopes.append(("account", account, int(rule["per_account"])))
    if address and rule.get("per_address"):
        scopes.append(("address", address, int(rule["per_address"])))
    return scopes


def _load(key: str, now: float, rule: dict) -> _State:
    raw = cache.get(key)
    if not raw:
        return _State()
    state = _State(**raw)
    if state.locked and now >= state.wait_until:
        return _State()  # the lock has run out: a fresh start
    if not state.locked and now - state.last_failure > int(rule["window_seconds"]):
        return _State()
    return state


def _until_text(moment: float) -> str:
    local = timezone.localtime(dt.datetime.fromtimestamp(moment, tz=dt.UTC), clock.local_zone())
    return formats.date_format(local, "DATETIME_FORMAT")


def check(*, account: str, address: str) -> None:
    """Raise RateLimited (with the time sign-in opens again) when a try is not allowed yet."""
    rule = _rule()
    if not rule:
        return
    now = clock.now().timestamp()
    for scope, value, _limit in _scopes(account, address):
        state = _load(_key(scope, value), now, rule)
        if now < state.wait_until:
            retry = int(state.wait_until - now + 0.999)
            until = _until_text(state.wait_until)
            if state.locked:
                message = _(
                    "Too many failed sign-in attempts: sign-in is locked until %(until)s."
                ) % {"until": until}
            else:
                message = _(
                    "Please wait %(seconds)d seconds before trying again (until %(until)s)."
                ) % {"seconds": retry, "until": until}
            raise RateLimited(message, retry_after=retry)


def record_failure(*, account: str, address: str) -> None:
    """Count a failed sign-in: lengthen the wait, or lock once over the limit."""
    rule = _rule()
    if not rule:
        return
    now = clock.now().timestamp()
    first_delay = float(rule.get("first_delay_seconds", 1))
    lock = int(rule.get("lock_seconds", rule["window_seconds"]))
    for scope, value, limit in _scopes(account, address):
        key = _key(scope, value)
        state = _load(key, now, rule)
        state.failures += 1
        state.last_failure = now
        if state.failures >= limit:
            state.locked = True
            state.wait_until = now + lock
        else:
            state.wait_until = now + first_delay * 2 ** (state.failures - 1)
        timeout = max(lock, int(rule["window_seconds"])) + 60
        cache.set(key, state.__dict__, timeout=timeout)


def record_success(*, account: str) -> None:
    """A successful sign-in forgets the account's failures (not the address's)."""
    if account:
        cache.delete(_key("account", account))


def locked_until(*, account: str = "", address: str = "") -> dt.datetime | None:
    """When the lock on this account or address ends (None when not locked)."""
    rule = _rule()
    if not rule:
        return None
    now = clock.now().timestamp()
    ends = [
        state.wait_until
        for scope, value, _limit in _scopes(account, address)
        if (state := _load(_key(scope, value), now, rule)).locked and now < state.wait_until
    ]
    return dt.datetime.fromtimestamp(max(ends), tz=dt.UTC) if ends else None
