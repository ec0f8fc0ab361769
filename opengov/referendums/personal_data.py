"""What referendums hold about a person, for their "download my data" export: the cases they
lead and the signatures given while signed in (never the ID number, which is only kept as a
keyed hash and encrypted for the household check)."""

from __future__ import annotations

from typing import Any

from opengov.core.personal_data import register


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def _collect(user: Any) -> dict[str, Any]:
    from .models import Case, Signature

    return {
        "cases_led": [
            {"id": str(c.public_id), "main_text": c.main_text, "created_at": _iso(c.created_at)}
            for c in Case.objects.filter(lead_proposer=user).order_by("id")
        ],
        "signatures": [
            {
                "case": str(s.case.public_id),
                "stage": s.stage,
                "method": s.method,
                "signed_at": _iso(s.signed_at),
                "leaf_index": s.leaf_index,
                "deleted_reason": s.deleted_reason,
            }
            for s in Signature.objects.filter(user=user).select_related("case").order_by("id")
        ],
    }


register("referendums", _collect)
