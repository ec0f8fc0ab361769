"""Following a proposal for its e-mail notices, and forgetting them when an account closes."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from opengov.accounts.permissions import require_signed_in
from opengov.core import audit, clock
from opengov.core.errors import Conflict

from ..models import (
    Follow,
    Proposal,
)
from ..permissions import PUBLIC_STATUSES

# --- following ---------------------------------------------------------------------------


@transaction.atomic
def follow_set(*, actor: Any, proposal: Proposal, following: bool) -> bool:
    """Get a published proposal's e-mail notices without co-signing, or stop them (also as
    its proposer or a co-signer); returns whether the person now follows it."""
    require_signed_in(actor)
    if proposal.status not in PUBLIC_STATUSES:
        raise Conflict("not_public", _("Only published proposals can be followed."))
    Follow.objects.update_or_create(
        proposal=proposal,
        user=actor,
        defaults={"following": bool(following), "changed_at": clock.now()},
    )
    audit.record(
        actor=actor,
        verb="proposal.following_changed",
        target=proposal,
        changes={"following": following},
    )
    return bool(following)


def forget_notice_choices(*, user: Any, **_signal: Any) -> int:
    """Erase a closed account's follows (receiver of `accounts.signals.user_closed`)."""
    deleted, _by_model = Follow.objects.filter(user=user).delete()
    return deleted
