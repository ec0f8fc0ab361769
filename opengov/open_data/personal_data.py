"""What open_data holds about a person: the applications they submitted to the showcase and the
dataset versions they uploaded (as an official)."""

from __future__ import annotations

from typing import Any

from opengov.core.personal_data import register

from .models import DatasetVersion, Showcase


def _export(user: Any) -> dict[str, Any]:
    return {
        "showcases_submitted": [
            {
                "id": str(s.public_id),
                "title": s.title,
                "description": s.description,
                "url": s.url,
                "datasets": s.datasets,
                "status": s.status,
                "submitted_at": s.created_at.isoformat(),
                "moderation_note": s.moderation_note,
            }
            for s in Showcase.objects.filter(submitted_by=user).order_by("created_at")
        ],
        "dataset_versions_uploaded": [
            {
                "dataset": v.dataset.name,
                "version": v.number,
                "uploaded_at": v.created_at.isoformat(),
                "note": v.note,
            }
            for v in DatasetVersion.objects.filter(uploaded_by=user)
            .select_related("dataset")
            .order_by("created_at")
        ],
    }


register("open_data", _export)
