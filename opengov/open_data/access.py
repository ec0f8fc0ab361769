"""Who is downloading, and the download limits: anonymous callers per address, developers
with an API key (an accounts ApiToken) per account with a higher limit."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _

from opengov.accounts.auth import BearerTokenAuth
from opengov.core import clock
from opengov.core.clientip import client_ip
from opengov.core.errors import RateLimited, ServiceError

from . import rules


def api_key_of(request: HttpRequest) -> str:
    """The API key a program sent: `Authorization: Bearer`, `X-API-Key`, CKAN's
    `X-CKAN-API-Key`, or `?api_key=`."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return (
        request.headers.get("X-API-Key")
        or request.headers.get("X-CKAN-API-Key")
        or request.GET.get("api_key")
        or ""
    ).strip()


def key_holder(request: HttpRequest) -> Any:
    """The account whose API key came with the request; None without a key.

    An unknown or revoked key is refused (401) rather than silently treated as anonymous.
    """
    key = api_key_of(request)
    if not key:
        return None
    user = BearerTokenAuth().authenticate(request, key)
    if user is None:
        raise ServiceError("invalid_api_key", _("This API key is unknown or revoked."), status=401)
    return user


def _count(key: str, window: int) -> int:
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=window)
        return 1


def throttle_download(request: HttpRequest) -> None:
    """Count one download; raise RateLimited past the caller's limit."""
    holder = key_holder(request)
    if not settings.OPENGOV_RATE_LIMITS_ENABLED:
        return
    keyed = holder is not None
    limit, window = rules.download_limit(keyed=keyed)
    who = f"account:{holder.pk}" if keyed else f"address:{client_ip(request)}"
    bucket = int(clock.now().timestamp()) // window
    digest = hashlib.sha256(who.encode()).hexdigest()[:24]
    if _count(f"rl:open_data_download:{digest}:{bucket}", window) > limit:
        retry = window - int(clock.now().timestamp()) % window
        message = (
            _("Download limit reached (%(n)d per hour). Try again later.")
            if keyed
            else _(
                "Download limit reached (%(n)d per hour without an API key). Try again later, "
                "or send a developer API key for a higher limit."
            )
        )
        raise RateLimited(message % {"n": limit}, retry_after=retry)
