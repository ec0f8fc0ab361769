"""Sign-in throttling, kept in the cache (Redis when REDIS_URL is set).

Failures are counted per address (`core.clientip.client_ip`) and per account (the e-mail
typed, whether or not an account has it). After each failure the next try from that address,
and for that account, must wait longer (`first_delay_seconds`, then twice that, four
times..., at most `max_delay_seconds` for an account). Past the limits:

- an **address** with `per_address` failures within `window_seconds` is locked for
  `lock_seconds`: only that address, so an attacker locks out nobody but themselves;
- an **account** with `per_account` failures is locked for `lock_seconds` for browsers it was
  never signed in from. The owner is not locked out: a browser that signed in to the account
  before carries a signed device cookie and is exempt from the account's delays and lock
  (OWASP "device cookies"), and the owner is e-mailed a one-time link (POST-only, like the
  other e-mailed links) that lifts the lock and trusts the browser it is opened in.

The messages are the same whether or not an account has the address. The numbers are
`settings.OPENGOV_RATE_LIMITS["login"]`; times come from the platform clock, so tests move
the clock instead of sleeping.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from opengov.core import clock
from opengov.core.errors import RateLimited

ACTION = "login"
DEVICE_COOKIE = "og_device"
DEVICE_SALT = "opengov.accounts.throttle.device"
DEVICE_MAX_AGE = 180 * 24 * 3600


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


def _digest(value: str) -> str:
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def _key(scope: str, value: str) -> str:
    return f"throttle:{ACTION}:{scope}:{_digest(value)}"


def _scopes(account: str, address: str, trusted: bool) -> list[tuple[str, str, int]]:
    rule = _rule() or {}
    scopes = []
    if account and rule.get("per_account") and not trusted:
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


# --- trusted devices ------------------------------------------------------------------------


def device_token(account: str) -> str:
    """The signed cookie value that marks a browser as one the account signed in from."""
    return signing.dumps(_digest(account), salt=DEVICE_SALT, compress=True)


def device_trusted(request, account: str) -> bool:
    """True when the request carries this account's device cookie (signed, not expired)."""
    value = getattr(request, "COOKIES", {}).get(DEVICE_COOKIE, "") if request else ""
    if not value or not account:
        return False
    try:
        digests = signing.loads(value, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE)
    except signing.BadSignature:
        return False
    return digests == _digest(account)


def set_device_cookie(response, account: str) -> None:
    """Trust this browser for `account` (after a sign-in or an unlock link)."""
    response.set_cookie(
        DEVICE_COOKIE,
        device_token(account),
        max_age=DEVICE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


# --- checks ---------------------------------------------------------------------------------


def check(*, account: str, address: str, trusted: bool = False) -> None:
    """Raise RateLimited (with the time sign-in opens again) when a try is not allowed yet.

    `trusted`: the browser carries the account's device cookie (no account delay or lock).
    """
    rule = _rule()
    if not rule:
        return
    now = clock.now().timestamp()
    for scope, value, _limit in _scopes(account, address, trusted):
        state = _load(_key(scope, value), now, rule)
        if now < state.wait_until:
            retry = int(state.wait_until - now + 0.999)
            until = _until_text(state.wait_until)
            if state.locked and scope == "account":
                message = _(
                    "Too many failed sign-in attempts for this account: from this browser, "
                    "sign-in is paused until %(until)s. If the account is yours, we have "
                    "e-mailed you a link that unlocks it at once."
                ) % {"until": until}
            elif state.locked:
                message = _(
                    "Too many failed sign-in attempts: sign-in is locked until %(until)s."
                ) % {"until": until}
            else:
                message = _(
                    "Please wait %(seconds)d seconds before trying again (until %(until)s)."
                ) % {"seconds": retry, "until": until}
            raise RateLimited(message, retry_after=retry)


def record_failure(*, account: str, address: str, trusted: bool = False) -> bool:
    """Count a failed sign-in: lengthen the waits, or lock once over a limit.

    Returns True when this failure started a lock of the account (time to e-mail its owner).
    """
    rule = _rule()
    if not rule:
        return False
    now = clock.now().timestamp()
    first_delay = float(rule.get("first_delay_seconds", 1))
    max_delay = float(rule.get("max_delay_seconds", 60))
    lock = int(rule.get("lock_seconds", rule["window_seconds"]))
    account_locked = False
    for scope, value, limit in _scopes(account, address, trusted):
        key = _key(scope, value)
        state = _load(key, now, rule)
        state.failures += 1
        state.last_failure = now
        if state.failures >= limit and not state.locked:
            state.locked = True
            state.wait_until = now + lock
            account_locked = account_locked or scope == "account"
        elif not state.locked:
            delay = first_delay * 2 ** (state.failures - 1)
            state.wait_until = now + (min(delay, max_delay) if scope == "account" else delay)
        timeout = max(lock, int(rule["window_seconds"])) + 60
        cache.set(key, state.__dict__, timeout=timeout)
    return account_locked


def record_success(*, account: str) -> None:
    """A successful sign-in forgets the account's failures (not the address's)."""
    if account:
        cache.delete(_key("account", account))


def unlock_account(*, account: str) -> None:
    """Lift the account's delays and lock (its owner opened the e-mailed link)."""
    record_success(account=account)


def locked_until(*, account: str = "", address: str = "") -> dt.datetime | None:
    """When the lock on this account or address ends (None when not locked)."""
    rule = _rule()
    if not rule:
        return None
    now = clock.now().timestamp()
    ends = [
        state.wait_until
        for scope, value, _limit in _scopes(account, address, False)
        if (state := _load(_key(scope, value), now, rule)).locked and now < state.wait_until
    ]
    return dt.datetime.fromtimestamp(max(ends), tz=dt.UTC) if ends else None
