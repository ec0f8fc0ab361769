"""Co-creation: a commitment opened for comment as a consultation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from opengov.accounts.permissions import require_signed_in
from opengov.core import audit, clock
from opengov.core.errors import Conflict, Forbidden

from ..models import Commitment
from ..permissions import reports_for
from .checks import _bump, _date


# --- co-creation ------------------------------------------------------------------------------
@transaction.atomic
def commitment_open_consultation(
    *, actor: Any, commitment: Commitment, closes_on: dt.date | None = None
) -> Any:
    """Open a draft commitment for public comment: a published policy consultation of the
    lead agency (through the consultations services), linked to the commitment.

    The lead agency's officials do this; the consultations module checks its own rules (the
    minimum comment period of the profile in force). Answers to the comments are given there
    and shown on the plan page.
    """
    from opengov.consultations import services as consultations

    require_signed_in(actor)
    if not reports_for(actor, commitment):
        raise Forbidden(_("Only the lead agency opens its draft commitment for comment."))
    if not commitment.is_draft:
        raise Conflict("not_draft", _("Only a draft commitment is opened for comment."))
    if commitment.consultation_ref:
        raise Conflict("already_open", _("This draft is already open for comment."))
    sections = [
        (_("The public problem"), commitment.problem_zh_hant or commitment.problem_en),
        (_("What the commitment is"), commitment.description_zh_hant or commitment.description_en),
        (_("How it will help"), commitment.how_it_helps_zh_hant or commitment.how_it_helps_en),
    ]
    summary = "\n\n".join(f"### {head}\n\n{text}" for head, text in sections if text)
    consultation = consultations.consultation_create(
        actor=actor,
        agency=commitment.lead_agency,
        kind="policy",
        title=(commitment.title_zh_hant or commitment.title_en)[:200],
        summary=summary or (commitment.title_zh_hant or commitment.title_en),
        closes_on=None if closes_on in (None, "") else _date(closes_on, "closes_on"),
    )
    consultation = consultations.consultation_publish(actor=actor, consultation=consultation)
    commitment.consultation_ref = str(consultation.public_id)
    commitment.updated_at = clock.now()
    commitment.save(update_fields=["consultation_ref", "updated_at"])
    _bump(commitment.plan)
    audit.record(
        actor=actor,
        verb="commitment.comments_opened",
        target=commitment,
        agency_code=commitment.lead_agency.code,
        public=True,
        changes={"consultation": commitment.consultation_ref},
    )
    return consultation
