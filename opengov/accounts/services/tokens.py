"""API tokens, created and revoked by their owner."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from opengov.core import audit, clock
from opengov.core.errors import Conflict, NotFound, ServiceError
from opengov.core.jurisdiction import jurisdiction
from opengov.core.text import clean_plain

from ..auth import token_hash
from ..models import ApiToken, User
from ..permissions import is_signed_in

# --- API tokens -----------------------------------------------------------------------------

TOKEN_PREFIX = "og_"


@transaction.atomic
def token_create(*, actor: Any, name: str) -> tuple[ApiToken, str]:
    """Create a bearer token; the key is returned once and only its hash is kept."""
    if not is_signed_in(actor):
        raise ServiceError("not_authenticated", _("Please sign in first."), status=401)
    name = clean_plain(name)
    if not name:
        raise ServiceError("required", _("Please name the token."), field="name")
    if len(name) > 100:
        raise ServiceError("too_long", _("The name can have at most 100 characters."), field="name")
    limit = jurisdiction().accounts.max_api_tokens
    User.objects.select_for_update().filter(pk=actor.pk).first()
    if ApiToken.objects.filter(user=actor, revoked_at__isnull=True).count() >= limit:
        raise Conflict(
            "too_many_tokens",
            _("You have %(n)d tokens; revoke one before creating another.") % {"n": limit},
            field="name",
        )
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor, name=name, prefix=key[:10], key_hash=token_hash(key), created_at=clock.now()
    )
    audit.record(
        actor=actor, verb="api_token.created", target=token, changes={"prefix": token.prefix}
    )
    return token, key


@transaction.atomic
def token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    """Revoke one's own token (it stops working at once)."""
    if not is_signed_in(actor) or token.user_id != actor.pk:
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor, verb="api_token.revoked", target=token, changes={"prefix": token.prefix}
        )
    return token
