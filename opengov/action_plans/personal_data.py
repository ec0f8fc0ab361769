"""What action plans hold about a person, for their "download my data" export: task-force
seats, progress reports, comments on updates, assessments and follow-up decisions recorded."""

from __future__ import annotations

from typing import Any

from opengov.core.personal_data import register


def _collect(user: Any) -> dict[str, Any]:
    from .models import (
        Assessment,
        FollowUpDecision,
        ProgressUpdate,
        TaskForceMember,
        UpdateComment,
    )

    return {
        "task_force_seats": [
            {
                "plan": m.plan.slug,
                "sector": m.sector,
                "organisation": m.organisation,
                "co_convener": m.is_co_convener,
                "joined_at": m.joined_at.isoformat(),
            }
            for m in TaskForceMember.objects.filter(user=user).select_related("plan")
        ],
        "progress_updates": [
            {
                "id": str(u.public_id),
                "milestone": str(u.milestone.public_id),
                "reported_on": u.reported_on.isoformat(),
                "progress": u.progress,
                "text": u.text,
            }
            for u in ProgressUpdate.objects.filter(author=user).select_related("milestone")
        ],
        "comments": [
            {
                "id": str(c.public_id),
                "update": str(c.update.public_id),
                "body": c.body,
                "created_at": c.created_at.isoformat(),
            }
            for c in UpdateComment.objects.filter(author=user).select_related("update")
        ],
        "assessments": [
            {
                "id": str(a.public_id),
                "commitment": str(a.commitment.public_id),
                "verifiable": a.verifiable,
                "potential": a.potential,
                "completion": a.completion,
                "opened_government": a.opened_government,
                "published_at": a.published_at.isoformat() if a.published_at else None,
            }
            for a in Assessment.objects.filter(reviewer=user).select_related("commitment")
        ],
        "follow_up_decisions_recorded": [
            {
                "commitment": str(d.commitment.public_id),
                "on_list": d.on_list,
                "meeting": d.meeting,
                "decided_on": d.decided_on.isoformat(),
            }
            for d in FollowUpDecision.objects.filter(recorded_by=user).select_related("commitment")
        ],
    }


register("action_plans", _collect)
