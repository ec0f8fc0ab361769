"""What the spaces app holds about a person, for their "download my data" export: what they
stated about themselves, their roles in spaces, the projects they posted and their offers."""

from __future__ import annotations

from typing import Any

from opengov.core.personal_data import register


def _collect(user: Any) -> dict[str, Any]:
    from .models import Offer, ParticipantStatement, Project, SpaceRole

    statement = ParticipantStatement.objects.select_related("place").filter(user=user).first()
    return {
        "participation_statement": (
            {
                "age_band": statement.age_band or None,
                "gender": statement.gender or None,
                "new_immigrant": statement.new_immigrant,
                "indigenous": statement.indigenous,
                "hakka": statement.hakka,
                "place": statement.place.code if statement.place_id else None,
                "updated_at": statement.updated_at.isoformat(),
            }
            if statement
            else None
        ),
        "space_roles": [
            {"space": r.space.slug, "role": r.role}
            for r in SpaceRole.objects.filter(user=user).select_related("space")
        ],
        "revitalisation_projects": [
            {"id": str(p.public_id), "title": p.title, "created_at": p.created_at.isoformat()}
            for p in Project.objects.filter(posted_by=user).order_by("id")
        ],
        "offers": [
            {
                "id": str(o.public_id),
                "project": str(o.project.public_id),
                "need": o.need,
                "organisation": o.organisation,
                "created_at": o.created_at.isoformat(),
            }
            for o in Offer.objects.filter(offered_by=user).select_related("project")
        ],
    }


register("spaces", _collect)
