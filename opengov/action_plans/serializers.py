"""Plain-dict shapes of action-plan objects, shared by the API and the open-data exports.

Only public fields: display names, never e-mail addresses or real names.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from .models import (
    ActionPlan,
    Assessment,
    Commitment,
    Milestone,
    ProgressUpdate,
    UpdateComment,
)


def both(obj: Any, name: str) -> dict[str, str]:
    """A translated field in both languages."""
    return {
        "zh-hant": getattr(obj, f"{name}_zh_hant") or "",
        "en": getattr(obj, f"{name}_en") or "",
    }


def plan_dict(plan: ActionPlan) -> dict[str, Any]:
    """A plan's public fields."""
    return {
        "id": str(plan.public_id),
        "slug": plan.slug,
        "number": plan.number,
        "title": both(plan, "title"),
        "summary": both(plan, "summary"),
        "start_date": plan.start_date.isoformat(),
        "end_date": plan.end_date.isoformat(),
        "status": plan.status,
    }


def commitment_dict(c: Commitment, progress: float | None = None) -> dict[str, Any]:
    """A commitment's public fields (the OGP template)."""
    data = {
        "id": str(c.public_id),
        "plan": c.plan.slug,
        "number": c.number,
        "title": both(c, "title"),
        "lead_agency": c.lead_agency.code,
        "lead_agency_name": both(c.lead_agency, "name"),
        "area": both(c.area, "name") if c.area_id else None,
        "other_actors": {
            "government": both(c, "actors_government"),
            "civil_society": both(c, "actors_civil_society"),
            "private_sector": both(c, "actors_private_sector"),
        },
        "problem": both(c, "problem"),
        "description": both(c, "description"),
        "how_it_helps": both(c, "how_it_helps"),
        "budget": both(c, "budget"),
        "other_plans": both(c, "other_plans"),
        "sdgs": [int(g) for g in c.sdgs.split(",") if g.strip()],
        "start_date": c.start_date.isoformat(),
        "end_date": c.end_date.isoformat(),
        "is_draft": c.is_draft,
        "on_follow_up_list": c.on_follow_up_list,
    }
    if progress is not None:
        data["progress"] = round(progress, 1)
    return data


def milestone_dict(m: Milestone, *, overdue: bool | None = None) -> dict[str, Any]:
    """A milestone's public fields."""
    data = {
        "id": str(m.public_id),
        "commitment": str(m.commitment.public_id),
        "title": both(m, "title"),
        "start_date": m.start_date.isoformat(),
        "end_date": m.end_date.isoformat(),
        "weight": str(m.weight),
        "status": m.status,
        "progress": m.progress,
    }
    if overdue is not None:
        data["overdue"] = overdue
    return data


def update_dict(u: ProgressUpdate, *, with_evidence: bool = True) -> dict[str, Any]:
    """A progress update (what was reported when), with its evidence."""
    data = {
        "id": str(u.public_id),
        "milestone": str(u.milestone.public_id),
        "agency": u.agency.code,
        "author": u.author.display_name if u.author_id else "",
        "reported_on": u.reported_on.isoformat(),
        "recorded_at": u.created_at.isoformat(),
        "status": u.status,
        "progress": u.progress,
        "text": u.text,
    }
    if with_evidence:
        data["evidence"] = [
            {
                "title": e.title,
                "url": e.url
                or (
                    settings.SITE_URL + reverse("action_plans:evidence", args=[e.public_id])
                    if e.file
                    else ""
                ),
            }
            for e in u.evidence.all()
        ]
    return data


def comment_dict(c: UpdateComment) -> dict[str, Any]:
    """A task-force member's comment on an update."""
    return {
        "id": str(c.public_id),
        "update": str(c.update.public_id),
        "author": c.author.display_name if c.author_id else "",
        "body": c.body,
        "created_at": c.created_at.isoformat(),
    }


def assessment_dict(a: Assessment) -> dict[str, Any]:
    """An IRM assessment with the justification of each indicator."""
    return {
        "id": str(a.public_id),
        "commitment": str(a.commitment.public_id),
        "reviewer": a.reviewer.display_name if a.reviewer_id else "",
        "verifiable": a.verifiable,
        "verifiable_justification": a.verifiable_justification,
        "relevance": list(a.relevance or []),
        "relevance_justification": a.relevance_justification,
        "potential": a.potential,
        "potential_justification": a.potential_justification,
        "completion": a.completion,
        "completion_justification": a.completion_justification,
        "opened_government": a.opened_government,
        "opened_government_justification": a.opened_government_justification,
        "published_at": a.published_at.isoformat() if a.published_at else None,
    }
