"""Open data published by proposals: proposals with counts and responses, and the co-signature
rows (without the signer) from which every count can be checked."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from opengov.core.exporters import (
    Exporter,
    ExportField,
    latest,
    latest_in,
    passed_moments,
    register,
)


def _proposal_rows() -> Iterator[dict[str, Any]]:
    from . import selectors, serializers

    for proposal in selectors.public_export_queryset().iterator(chunk_size=500):
        yield serializers.export_row(proposal)


def _proposals_changed():
    """Any write to a published proposal, any co-signature (counts), and the latest window
    or response deadline already past (the state changes with time alone)."""
    from opengov.core import clock

    from .models import Proposal, Signature

    now = clock.now()
    published = Proposal.objects.filter(published_at__isnull=False)
    return latest(
        latest_in(published, "updated_at", "published_at", "passed_at", "responded_at"),
        latest_in(Signature.objects.all(), "created_at"),
        passed_moments(published, "cosign_deadline", now),
        passed_moments(published.filter(passed_at__isnull=False), "response_due", now),
    )


def _signatures_changed():
    from .models import Signature

    return latest_in(Signature.objects.all(), "created_at")


def _signature_rows() -> Iterator[dict[str, Any]]:
    from opengov.core import clock

    from . import selectors

    for row in selectors.signatures_for_export().iterator(chunk_size=2000):
        yield {
            "signature_id": row["id"],
            "proposal_id": str(row["proposal__public_id"]),
            "signed_at": row["created_at"].astimezone(clock.local_zone()).isoformat(),
            "is_proposer": row["is_proposer"],
        }


register(
    Exporter(
        slug="proposals",
        app_label="proposals",
        title=_("Citizen proposals, co-signature counts and agency responses"),
        description=_(
            "Every published proposal of the Public Policy Online Participation Platform with "
            "its state, responsible agencies, co-signature count, the moment it passed, the "
            "response deadline and the agency's response point by point."
        ),
        fields=(
            ExportField("id", "string", _("Public identifier of the proposal")),
            ExportField("title", "string", _("Title")),
            ExportField("state", "string", _("State at export time")),
            ExportField("proposer", "string", _("Public display name of the proposer")),
            ExportField("agencies", "string", _("Responsible agency codes, separated by ;")),
            ExportField("tags", "string", _("Topic tags, separated by ;")),
            ExportField("published_at", "datetime", _("Published for co-signing")),
            ExportField("cosign_deadline", "datetime", _("End of the co-signing window")),
            ExportField("threshold", "integer", _("Co-signatures needed to pass")),
            ExportField("signatures", "integer", _("Co-signatures (including the proposer)")),
            ExportField("passed_at", "datetime", _("When the threshold was crossed")),
            ExportField("response_due", "datetime", _("Response deadline (after extensions)")),
            ExportField("responded_at", "datetime", _("When the agency responded")),
            ExportField("response_agency", "string", _("Agency that responded")),
            ExportField("response_on_time", "boolean", _("Whether the response was on time")),
            ExportField("response_summary", "string", _("Summary of the response")),
            ExportField(
                "response_easy_read_summary",
                "string",
                _("Easy-read summary of the response (易讀版), or empty"),
            ),
            ExportField("response_points", "object", _("Positions and explanations, by point")),
            ExportField("space", "string", _("Participation space (blank: national platform)")),
        ),
        rows=_proposal_rows,
        last_changed=_proposals_changed,
        keywords=("participation", "petitions", "join.gov.tw"),
    )
)

register(
    Exporter(
        slug="proposal-signatures",
        app_label="proposals",
        title=_("Co-signatures of citizen proposals (anonymous)"),
        description=_(
            "One row per co-signature, without the signer, so anyone can recount every "
            "proposal's total and its timeline."
        ),
        fields=(
            ExportField("signature_id", "integer", _("Row number")),
            ExportField("proposal_id", "string", _("Public identifier of the proposal")),
            ExportField("signed_at", "datetime", _("When the co-signature was given")),
            ExportField("is_proposer", "boolean", _("The proposer's own first signature")),
        ),
        rows=_signature_rows,
        last_changed=_signatures_changed,
        keywords=("participation", "petitions"),
    )
)
