"""What opinion mapping holds about a person, for their "download my data" export: their
participations (with the pseudonym their votes are published under), statements and votes."""

from __future__ import annotations

from typing import Any

from opengov.core.personal_data import register


def _provider(user: Any) -> dict[str, Any]:
    from .models import Participant, Statement, Vote

    participations = Participant.objects.filter(user=user).select_related("conversation")
    statements = Statement.objects.filter(author=user).select_related("conversation")
    votes = (
        Vote.objects.filter(participant__user=user)
        .select_related("conversation", "statement")
        .order_by("id")
    )
    return {
        "participations": [
            {
                "conversation": str(p.conversation.public_id),
                "topic": p.conversation.topic,
                "pseudonym": p.pseudonym,
                "joined_at": p.joined_at.isoformat(),
                "banned": p.is_banned,
                "ban_ground": p.ban_ground or None,
            }
            for p in participations
        ],
        "statements": [
            {
                "conversation": str(s.conversation.public_id),
                "number": s.number,
                "text": s.text,
                "status": s.status,
                "ground": s.ground or None,
                "created_at": s.created_at.isoformat(),
            }
            for s in statements
        ],
        "votes": [
            {
                "conversation": str(v.conversation.public_id),
                "statement": v.statement.number,
                "vote": v.value,
                "at": v.created_at.isoformat(),
                "replaced": v.superseded,
            }
            for v in votes
        ],
    }


register("opinions", _provider)
