"""Fixed-window rate limits kept in the cache (Redis when REDIS_URL is set).

Limits come from `settings.OPENGOV_RATE_LIMITS[action]`: `per_account`, `per_address`,
`window_seconds`. `hit()` counts an attempt and raises `RateLimited` once over the limit.
Callers pass the address from `core.clientip.client_ip(request)`, the one function that knows
about trusted proxies.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from redis.exceptions import NoScriptError

from . import clock
from .cache import raw_redis
from .errors import RateLimited

_IPV4_NETWORK = (1 << 32) - (1 << 8)  # /24
_IPV6_NETWORK = (1 << 128) - (1 << 80)  # /48


@functools.lru_cache(maxsize=4096)
def network_of(address: str) -> str:
    """The /24 (IPv4) or /48 (IPv6) network of an address, for spotting bursts."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    # the network's first address by its bits (what ip_network(strict=False) computes, at a
    # fraction of its cost: most signers come from an address not seen before)
    if ip.version == 4:
        return f"{ipaddress.IPv4Address(int(ip) & _IPV4_NETWORK)}/24"
    return f"{ipaddress.IPv6Address(int(ip) & _IPV6_NETWORK)}/48"


def _key(action: str, scope: str, value: str, window: int) -> str:
    bucket = int(clock.now().timestamp()) // window
    digest = hashlib.sha256(value.encode()).hexdigest()[:24]
    return f"rl:{action}:{scope}:{digest}:{bucket}"


def _incr(key: str, window: int) -> int:
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=window)
        return 1


#: adds one to each counter (KEYS) and gives it the window (ARGV[1], seconds) to live if it
#: has no expiry yet; returns the counts. One command, however many counters.
_COUNT = """
local counts = {}
for i, key in ipairs(KEYS) do
  counts[i] = redis.call('INCR', key)
  redis.call('EXPIRE', key, ARGV[1], 'NX')
end
return counts
"""
#: the name Redis knows `_COUNT` by once it has run it
_COUNT_DIGEST = hashlib.sha1(_COUNT.encode(), usedforsecurity=False).hexdigest()


def _incr_all(keys: list[str], window: int) -> list[int]:
    """Add one to each counter (created for `window` seconds): with Redis, one command for
    all of them (the script by its digest, or whole when the server does not know it yet);
    otherwise through the cache, one counter after the other."""
    client = raw_redis()
    if client is None or not keys:
        return [_incr(key, window) for key in keys]
    full = [cache.make_key(key) for key in keys]
    try:
        counts = client.evalsha(_COUNT_DIGEST, len(full), *full, window)
    except NoScriptError:
        counts = client.eval(_COUNT, len(full), *full, window)
    return [int(v) for v in counts]


def hit(action: str, *, account: str | None = None, address: str | None = None) -> None:
    """Count one attempt at `action`; raise RateLimited when a limit is exceeded."""
    if not settings.OPENGOV_RATE_LIMITS_ENABLED:
        return
    rule = settings.OPENGOV_RATE_LIMITS.get(action)
    if not rule:
        return
    window = int(rule["window_seconds"])
    counted = [
        (rule[scope], _key(action, scope, value, window))
        for scope, value in (("per_account", account), ("per_address", address))
        if rule.get(scope) and value
    ]
    for (limit, _k), count in zip(
        counted, _incr_all([k for _l, k in counted], window), strict=True
    ):
        if count > limit:
            retry = window - int(clock.now().timestamp()) % window
            raise RateLimited(
                _("Too many attempts. Please try again in %(minutes)d minutes.")
                % {"minutes": max(1, (retry + 59) // 60)},
                retry_after=retry,
            )
