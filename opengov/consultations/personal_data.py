"""What consultations hold about a person, for their "download my data" export."""

from __future__ import annotations

from typing import Any

from opengov.core.personal_data import register


def _provider(user: Any) -> dict[str, Any]:
    from .models import Comment, CommentReport

    comments = (
        Comment.objects.filter(author=user)
        .select_related("consultation", "article", "response")
        .order_by("created_at", "id")
    )
    reports = (
        CommentReport.objects.filter(reporter=user)
        .select_related("comment")
        .order_by("created_at", "id")
    )
    return {
        "comments": [
            {
                "id": str(c.public_id),
                "consultation": str(c.consultation.public_id),
                "consultation_title": c.consultation.title,
                "article": c.article.label if c.article_id else None,
                "stance": c.stance,
                "body": c.body,
                "created_at": c.created_at.isoformat(),
                "edited_at": c.edited_at.isoformat() if c.edited_at else None,
                "hidden_ground": c.hidden_ground or None,
                "decision": c.response.decision if c.response_id else None,
                "reason": c.response.reason if c.response_id else None,
            }
            for c in comments
        ],
        "reports": [
            {
                "comment": str(r.comment.public_id),
                "reason": r.reason,
                "created_at": r.created_at.isoformat(),
            }
            for r in reports
        ],
    }


register("consultations", _provider)
