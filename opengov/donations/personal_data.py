"""What the donations app holds about a person's account, for their "download my data"
export: the files they imported and the findings they reviewed (with their notes). Donors'
data come from the Control Yuan's publications, not from accounts."""

from __future__ import annotations

from typing import Any

from opengov.core.personal_data import register


def _collect(user: Any) -> dict[str, Any]:
    from .models import Finding, ImportRun

    return {
        "imports": [
            {
                "id": str(r.public_id),
                "filename": r.filename,
                "state": r.state,
                "at": r.created_at.isoformat(),
            }
            for r in ImportRun.objects.filter(created_by=user).defer("data").order_by("created_at")
        ],
        "reviews": [
            {
                "finding": str(f.public_id),
                "rule": f.rule,
                "note": f.review_note,
                "at": f.reviewed_at.isoformat() if f.reviewed_at else None,
            }
            for f in Finding.objects.filter(reviewed_by=user).order_by("reviewed_at")
        ],
    }


register("donations", _collect)
