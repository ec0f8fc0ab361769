"""What ownership holds about a person's account, for their "download my data" export: the
entities they represent, and the imports and declarations they filed."""

from __future__ import annotations

from typing import Any

from opengov.core.personal_data import register


def _collect(user: Any) -> dict[str, Any]:
    from .models import Representative, Source

    return {
        "represents": [
            {
                "entity": str(r.party.public_id),
                "name": r.party.name,
                "since": r.created_at.isoformat(),
                "active": r.active,
            }
            for r in Representative.objects.filter(user=user).select_related("party")
        ],
        "filings": [
            {
                "id": str(s.public_id),
                "kind": s.kind,
                "filename": s.filename,
                "statements": s.statements,
                "at": s.created_at.isoformat(),
            }
            for s in Source.objects.filter(created_by=user).order_by("created_at")
        ],
    }


register("ownership", _collect)
