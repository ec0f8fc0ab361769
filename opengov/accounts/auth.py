"""API authentication: the session (with CSRF) for pages, `Authorization: Bearer` for programs."""

from __future__ import annotations

import hashlib
from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from opengov.core import clock

from .models import ApiToken


def token_hash(key: str) -> str:
    """SHA-256 of a token key (keys are random, 256-bit: a plain hash suffices)."""
    return hashlib.sha256(key.encode()).hexdigest()


class BearerTokenAuth(HttpBearer):
    """Authenticates `Authorization: Bearer <key>` against unrevoked API tokens."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        """Return the token's user, or None."""
        api_token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=token_hash(token), revoked_at__isnull=True)
            .first()
        )
        if api_token is None or not api_token.user.is_active or api_token.user.closed_at:
            return None
        now = clock.now()
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        return api_token.user


class OptionalAuth:
    """Lets anonymous callers through while still recognising a session or token."""

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            user = BearerTokenAuth().authenticate(request, header[7:].strip())
            return user or None
        return request.user if request.user.is_authenticated else True


session_auth = SessionAuth(csrf=True)
bearer_auth = BearerTokenAuth()
#: for endpoints that need a signed-in caller
REQUIRED = [bearer_auth, session_auth]
#: for public endpoints that behave differently for signed-in callers
OPTIONAL = [bearer_auth, session_auth, OptionalAuth()]
