"""What procurement holds about a person's account, for their "download my data" export: the
questions they asked on integrity-platform projects, their monitor seats and notes, and the
imports they started."""

from __future__ import annotations

from typing import Any

from opengov.core.personal_data import register


def _collect(user: Any) -> dict[str, Any]:
    from .models import ImportRun, MonitorNote, ProjectMonitor, PublicQuestion

    return {
        "questions": [
            {
                "project": q.project.slug,
                "question": q.body,
                "asked_at": q.asked_at.isoformat(),
                "answer": q.answer,
            }
            for q in PublicQuestion.objects.filter(asked_by=user).select_related("project")
        ],
        "monitor_seats": [
            {"project": m.project.slug, "role": m.role, "organisation": m.organisation}
            for m in ProjectMonitor.objects.filter(user=user).select_related("project")
        ],
        "notes": [
            {"project": n.project.slug, "note": n.body, "at": n.created_at.isoformat()}
            for n in MonitorNote.objects.filter(monitor__user=user).select_related("project")
        ],
        "imports": [
            {"id": str(r.public_id), "filename": r.filename, "at": r.created_at.isoformat()}
            for r in ImportRun.objects.filter(created_by=user).order_by("created_at")
        ],
    }


register("procurement", _collect)
