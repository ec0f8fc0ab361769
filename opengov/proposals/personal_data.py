"""What proposals hold about a person, for their "download my data" export."""

from __future__ import annotations

from typing import Any

from opengov.core.personal_data import register


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def _collect(user: Any) -> dict[str, Any]:
    from .models import Comment, Feedback, Follow, MeetingSeat, Proposal, Signature

    return {
        "proposals": [
            {
                "id": str(p.public_id),
                "title": p.title,
                "status": p.status,
                "created_at": _iso(p.created_at),
                "submitted_at": _iso(p.submitted_at),
            }
            for p in Proposal.objects.filter(proposer=user).order_by("id")
        ],
        "co_signatures": [
            {
                "proposal": str(s.proposal.public_id),
                "signed_at": _iso(s.created_at),
                "reason": s.reason,
                "network": s.network,
            }
            for s in Signature.objects.filter(signer=user).select_related("proposal")
        ],
        "comments": [
            {
                "proposal": str(c.proposal.public_id),
                "body": c.body,
                "created_at": _iso(c.created_at),
                "hidden_ground": c.hidden_ground,
            }
            for c in Comment.objects.filter(author=user).select_related("proposal")
        ],
        "feedback": [
            {
                "proposal": str(f.response.proposal.public_id),
                "rating": f.rating,
                "comment": f.comment,
            }
            for f in Feedback.objects.filter(author=user).select_related("response__proposal")
        ],
        "notice_choices": [
            {
                "proposal": str(f.proposal.public_id),
                "following": f.following,
                "changed_at": _iso(f.changed_at),
            }
            for f in Follow.objects.filter(user=user).select_related("proposal")
        ],
        "meeting_seats": [
            {"proposal": str(s.meeting.proposal.public_id), "taken_at": _iso(s.taken_at)}
            for s in MeetingSeat.objects.filter(user=user).select_related("meeting__proposal")
        ],
    }


register("proposals", _collect)
