"""The independent (IRM) assessment of commitments."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from opengov.accounts.permissions import require_signed_in
from opengov.core import audit, clock
from opengov.core.errors import Forbidden, ServiceError
from opengov.core.jurisdiction import jurisdiction
from opengov.core.text import clean_plain

from .. import rules
from ..models import Assessment, Commitment, Completion, OpenedGovernment, Potential
from ..permissions import assesses
from .checks import _bump, _status


# --- independent assessment -------------------------------------------------------------------
@transaction.atomic
def assessment_save(
    *,
    actor: Any,
    commitment: Commitment,
    verifiable: Any,
    verifiable_justification: str,
    relevance: Iterable[str] | None = None,
    relevance_justification: str = "",
    potential: str = "",
    potential_justification: str = "",
    completion: str = "",
    completion_justification: str = "",
    opened_government: str = "",
    opened_government_justification: str = "",
    publish: bool = True,
) -> Assessment:
    """An independent reviewer records (or revises) their IRM assessment of a commitment.

    Every indicator given needs its justification. Not verifiable: not assessed further.
    """
    require_signed_in(actor)
    if not assesses(actor):
        raise Forbidden(_("Only independent reviewers assess commitments."))
    if verifiable in (None, ""):
        raise ServiceError("required", _("Say whether it is verifiable."), field="verifiable")
    verifiable = verifiable in (True, "true", "yes", "1", 1, "on")
    why = {
        "verifiable": clean_plain(verifiable_justification),
        "relevance": clean_plain(relevance_justification),
        "potential": clean_plain(potential_justification),
        "completion": clean_plain(completion_justification),
        "opened_government": clean_plain(opened_government_justification),
    }
    if not why["verifiable"]:
        raise ServiceError(
            "justification_required",
            _("Give the reason for this rating."),
            field="verifiable_justification",
        )
    relevance = list(dict.fromkeys(v for v in (relevance or ()) if v))
    unknown = rules.unknown_values(relevance, jurisdiction().action_plans.values)
    if unknown:
        raise ServiceError("unknown_value", _("Unknown value."), field="relevance")
    potential = _status(potential, ["", *Potential.values], field="potential")
    completion = _status(completion, ["", *Completion.values], field="completion")
    opened = _status(opened_government, ["", *OpenedGovernment.values], "opened_government")
    if not verifiable and (relevance or potential):
        raise ServiceError(
            "not_verifiable",
            _("A commitment that is not verifiable is not assessed further."),
            field="potential" if potential else "relevance",
        )
    for name, given in (
        ("relevance", bool(relevance)),
        ("potential", bool(potential)),
        ("completion", bool(completion)),
        ("opened_government", bool(opened)),
    ):
        if given and not why[name]:
            raise ServiceError(
                "justification_required",
                _("Give the reason for this rating."),
                field=f"{name}_justification",
            )
    now = clock.now()
    assessment, created = Assessment.objects.select_for_update().get_or_create(
        commitment=commitment,
        reviewer=actor,
        defaults={
            "verifiable": verifiable,
            "verifiable_justification": why["verifiable"],
            "created_at": now,
            "updated_at": now,
        },
    )
    assessment.verifiable = verifiable
    assessment.verifiable_justification = why["verifiable"]
    assessment.relevance = relevance
    assessment.relevance_justification = why["relevance"] if relevance else ""
    assessment.potential = potential
    assessment.potential_justification = why["potential"] if potential else ""
    assessment.completion = completion
    assessment.completion_justification = why["completion"] if completion else ""
    assessment.opened_government = opened
    assessment.opened_government_justification = why["opened_government"] if opened else ""
    assessment.updated_at = now
    assessment.published_at = (assessment.published_at or now) if publish else None
    try:
        with transaction.atomic():
            assessment.save()
    except IntegrityError:
        raise ServiceError(
            "justification_required", _("Give the reason for each rating."), field="verifiable"
        ) from None
    _bump(commitment.plan)
    audit.record(
        actor=actor,
        verb="assessment.recorded" if created else "assessment.revised",
        target=assessment,
        agency_code=commitment.lead_agency.code,
        public=bool(publish),
        changes={
            "commitment": str(commitment.public_id),
            "verifiable": verifiable,
            "potential": potential,
            "completion": completion,
            "published": bool(publish),
        },
    )
    return assessment
