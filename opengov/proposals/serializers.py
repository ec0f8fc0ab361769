"""Plain dicts of proposals for the API, exports and feeds (no personal data of co-signers)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.urls import reverse

from opengov.core import clock

from . import rules, selectors
from .models import Meeting, Proposal, Response


def attachment_url(proposal: Any, attachment: Any) -> str:
    """The address of an attachment (served after the proposal's permission check)."""
    return settings.SITE_URL + reverse(
        "proposals:attachment", args=[proposal.public_id, attachment.public_id]
    )


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(clock.local_zone()).isoformat()
    return value.isoformat()


def agencies_of(proposal: Proposal) -> list[str]:
    """Codes of the responsible agencies (uses the prefetch cache)."""
    return [a.code for a in proposal.agencies.all()]


def proposal_summary(proposal: Proposal, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """The list form of a proposal."""
    count = getattr(proposal, "signature_count", None)
    if count is None:
        count = selectors.signature_count(proposal)
    state = selectors.state_of(proposal, now)
    return {
        "id": str(proposal.public_id),
        "title": proposal.title,
        "state": state,
        "state_label": str(rules.STATE_LABELS.get(state, state)),
        "proposer": proposal.proposer.display_name if proposal.proposer_id else "",
        "agencies": agencies_of(proposal),
        "tags": [t.slug for t in proposal.tags.all()],
        "published_at": _iso(proposal.published_at),
        "cosign_deadline": _iso(proposal.cosign_deadline),
        "threshold": proposal.threshold,
        "signatures": count,
        "passed_at": _iso(proposal.passed_at),
        "response_due": _iso(proposal.response_due),
        "responded_at": _iso(proposal.responded_at),
        "space": proposal.space,
    }


def response_dict(response: Response) -> dict[str, Any]:
    """A published response with its points."""
    return {
        "agency": response.agency.code,
        "summary": response.summary,
        "easy_read_summary": response.easy_read_summary,
        "published_at": _iso(response.published_at),
        "on_time": response.on_time,
        "points": [
            {
                "order": p.order,
                "answers": p.answers,
                "position": p.position,
                "explanation": p.explanation,
                "planned_actions": p.planned_actions,
                "planned_date": _iso(p.planned_date),
            }
            for p in response.points.all()
        ],
    }


def proposal_detail(proposal: Proposal, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """The full public form of a proposal, with its response and extensions."""
    data = proposal_summary(proposal, now=now)
    response = Response.objects.filter(proposal=proposal).first()
    data.update(
        {
            "content": proposal.content,
            "benefits": proposal.benefits,
            "evidence_links": list(proposal.evidence_links or []),
            "attachments": [
                {
                    "name": a.name,
                    "url": attachment_url(proposal, a),
                    "content_type": a.content_type,
                    "size": a.size,
                }
                for a in proposal.attachments.all()
            ],
            "review_due": _iso(proposal.review_due),
            "review_message": proposal.review_message,
            "rejection_grounds": list(proposal.rejection_grounds or []),
            "extensions": [
                {
                    "agency": e.agency.code,
                    "progress": e.progress,
                    "new_due": _iso(e.new_due),
                    "announced_at": _iso(e.created_at),
                }
                for e in proposal.extensions.select_related("agency")
            ],
            "response": response_dict(response) if response else None,
            "meeting": meeting_dict(proposal),
        }
    )
    return data


def meeting_dict(proposal: Proposal) -> dict[str, Any] | None:
    """The collaboration meeting, with who takes part (public display names), or None."""
    meeting = Meeting.objects.filter(proposal=proposal).select_related("agency").first()
    if meeting is None:
        return None
    seats = meeting.seats_taken.select_related("user").order_by("taken_at", "pk")
    return {
        "agency": meeting.agency.code,
        "starts_at": _iso(meeting.starts_at),
        "place": meeting.place,
        "details": meeting.details,
        "called_at": _iso(meeting.called_at),
        "seats": meeting.seats,
        "seats_taken": [s.user.display_name for s in seats],
    }


def export_row(proposal: Proposal) -> dict[str, Any]:
    """One row of the open-data export: counts and the response, nothing about co-signers."""
    data = proposal_summary(proposal)
    response = getattr(proposal, "response", None) if proposal.responded_at else None
    data.update(
        {
            "agencies": ";".join(data["agencies"]),
            "tags": ";".join(data["tags"]),
            "response_agency": response.agency.code if response else None,
            "response_on_time": response.on_time if response else None,
            "response_summary": response.summary if response else None,
            "response_easy_read_summary": response.easy_read_summary if response else None,
            "response_points": [
                {"position": p.position, "explanation": p.explanation}
                for p in response.points.all()
            ]
            if response
            else [],
        }
    )
    return data
