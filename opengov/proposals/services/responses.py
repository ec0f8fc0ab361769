"""The responsible agency's answer, point by point, and extensions of its deadline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from opengov.accounts.models import Agency
from opengov.accounts.permissions import require_signed_in
from opengov.core import audit, clock
from opengov.core.errors import Conflict, Forbidden, ServiceError
from opengov.core.selectors import calendar_for

from .. import rules, selectors
from ..models import (
    Extension,
    Position,
    Proposal,
    Response,
    ResponsePoint,
    Status,
)
from ..permissions import answering_agency, can_answer
from .checks import _notify_followers, _text

# --- responding ----------------------------------------------------------------------------


def _for_answer(actor: Any, proposal: Proposal) -> tuple[Proposal, Agency]:
    require_signed_in(actor)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    agency = answering_agency(actor, proposal) if can_answer(actor, proposal) else None
    if agency is None:
        raise Forbidden(_("Only officials of a responsible agency may answer this proposal."))
    return proposal, agency


@transaction.atomic
def response_publish(
    *,
    actor: Any,
    proposal: Proposal,
    summary: str,
    points: Sequence[dict[str, Any]],
    easy_read_summary: str = "",
) -> Response:
    """Publish the agency's answer, point by point, with an optional easy-read summary
    (易讀版); the feedback period starts."""
    proposal, agency = _for_answer(actor, proposal)
    now = clock.now()
    state = selectors.state_of(proposal, now)
    if state not in rules.AWAITING_STATES:
        raise Conflict("not_awaiting", _("This proposal is not awaiting a response."))
    summary = _text(summary, "summary", max_length=5000)
    easy_read_summary = _text(
        easy_read_summary, "easy_read_summary", required=False, max_length=3000
    )
    if not points:
        raise ServiceError("required", _("Answer at least one point."), field="points")
    if len(points) > 30:
        raise ServiceError("too_many", _("At most 30 points."), field="points")
    clean_points = []
    for i, point in enumerate(points):
        position = str(point.get("position") or "")
        if position not in Position.values:
            raise ServiceError(
                "invalid_position", _("Choose a position for every point."), field=f"points.{i}"
            )
        answers = str(point.get("answers") or "")
        if not rules.is_proposal_part(answers, proposal.content):
            raise ServiceError(
                "invalid_part",
                _("Choose the part of the proposal this point answers."),
                field=f"points.{i}.answers",
            )
        planned_date = point.get("planned_date") or None  # a date: forms and schemas parse it
        if planned_date is not None and not isinstance(planned_date, dt.date):
            raise ServiceError(
                "invalid_date", _("Enter a valid date."), field=f"points.{i}.planned_date"
            )
        clean_points.append(
            ResponsePoint(
                order=i + 1,
                answers=answers,
                position=position,
                explanation=_text(
                    point.get("explanation"), f"points.{i}.explanation", max_length=3000
                ),
                planned_actions=_text(
                    point.get("planned_actions"),
                    f"points.{i}.planned_actions",
                    required=False,
                    max_length=2000,
                ),
                planned_date=planned_date,
            )
        )
    on_time = proposal.response_due is None or now <= proposal.response_due
    try:
        with transaction.atomic():
            response = Response.objects.create(
                proposal=proposal,
                agency=agency,
                author=actor,
                summary=summary,
                easy_read_summary=easy_read_summary,
                published_at=now,
                on_time=on_time,
            )
    except IntegrityError:
        raise Conflict("already_answered", _("This proposal has already been answered.")) from None
    for point in clean_points:
        point.response = response
    ResponsePoint.objects.bulk_create(clean_points)
    proposal.status = Status.RESPONDED
    proposal.responded_at = now
    proposal.save(update_fields=["status", "responded_at"])
    audit.record(
        actor=actor,
        verb="proposal.response_published",
        target=proposal,
        agency_code=agency.code,
        changes={
            "points": len(clean_points),
            "on_time": on_time,
            "easy_read": bool(easy_read_summary),
        },
        public=True,
    )
    _notify_followers(proposal, "answered")
    return response


@transaction.atomic
def extension_create(
    *, actor: Any, proposal: Proposal, progress: str, new_due: dt.date
) -> Extension:
    """Extend the response deadline with a public notice of progress and the new date."""
    proposal, agency = _for_answer(actor, proposal)
    now = clock.now()
    if selectors.state_of(proposal, now) != "awaiting_response":
        raise Conflict(
            "not_awaiting",
            _("Only a proposal awaiting its response, before the deadline, can be extended."),
        )
    progress = _text(progress, "progress", max_length=3000)
    if not isinstance(new_due, dt.date):
        raise ServiceError("invalid_date", _("Enter a valid date."), field="new_due")
    refusal = rules.extension_refusal(
        extensions_so_far=proposal.extensions.count(),
        new_due=new_due,
        current_due=proposal.response_due,
        cal=calendar_for(),
    )
    if refusal:
        raise ServiceError(refusal.code, refusal.message, field="new_due")
    extension = Extension.objects.create(
        proposal=proposal,
        agency=agency,
        author=actor,
        progress=progress,
        new_due=new_due,
        created_at=now,
    )
    old_due = proposal.response_due
    proposal.response_due = rules.response_due(
        proposal.passed_at, calendar_for(), extended_to=new_due
    )
    proposal.save(update_fields=["response_due"])
    audit.record(
        actor=actor,
        verb="proposal.deadline_extended",
        target=proposal,
        agency_code=agency.code,
        changes={"from": old_due, "to": proposal.response_due},
        public=True,
    )
    _notify_followers(proposal, "extended")
    return extension
