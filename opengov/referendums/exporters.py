"""Open data of referendum cases: counts per stage and every published checkpoint, and the
log's leaves (salted commitments and deletion reasons) from which anyone recomputes the count
and the checkpoint's root. Never an identity."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from opengov.core.exporters import Exporter, ExportField, register


def _case_rows() -> Iterator[dict[str, Any]]:
    from opengov.core import tlog

    from . import selectors

    for case in selectors.public_cases().iterator(chunk_size=200):
        tallied = selectors.signature_tally(case)
        counts = selectors.counts(case, tallied)
        progress = selectors.progress(case, counts)
        latest = selectors.latest_checkpoint(case)
        check = selectors.proposer_check(case, tallied)
        yield {
            "id": str(case.public_id),
            "main_text": case.main_text,
            "stage": progress["stage"],
            "deadline": progress["deadline"].isoformat() if progress["deadline"] else None,
            "outcome": case.outcome,
            "proposal_threshold": case.proposal_threshold,
            "petition_threshold": case.petition_threshold,
            "proposers_accepted": counts["proposal"]["accepted"],
            "proposers_deleted": counts["proposal"]["deleted"],
            "proposers": counts["proposal"]["count"],
            "proposer_check": check["state"],
            "proposer_check_due": check["due"].isoformat() if check["due"] else None,
            "proposers_checked_at": (
                check["checked_at"].isoformat() if check["checked_at"] else None
            ),
            "signatures_accepted": counts["petition"]["accepted"],
            "signatures_deleted": counts["petition"]["deleted"],
            "signatures": counts["petition"]["count"],
            "log": case.log_name,
            "log_size": tlog.tree_size(case.log_name),
            "latest_checkpoint": latest.note if latest else None,
        }


def _checkpoint_rows() -> Iterator[dict[str, Any]]:
    from .models import PublishedCheckpoint

    rows = PublishedCheckpoint.objects.select_related("case").order_by("case_id", "size")
    for c in rows.iterator(chunk_size=500):
        yield {
            "case_id": str(c.case.public_id),
            "size": c.size,
            "root": c.root,
            "note": c.note,
            "created_at": c.created_at.isoformat(),
        }


def _leaf_rows() -> Iterator[dict[str, Any]]:
    from . import selectors, tally

    for case in selectors.public_cases().iterator(chunk_size=200):
        for index, data in enumerate(selectors.leaves(case)):
            leaf = tally.parse_leaf(data)
            yield {
                "case_id": str(case.public_id),
                "index": index,
                "kind": leaf["kind"],
                "stage": leaf.get("stage", ""),
                "commitment": leaf.get("commitment", ""),
                "deleted_index": leaf.get("index"),
                "reason": leaf.get("reason", ""),
            }


register(
    Exporter(
        slug="referendum-cases",
        app_label="referendums",
        title=_("Referendum cases and their signature counts"),
        description=_(
            "Every national referendum case with its stage, deadline, thresholds, counts of "
            "proposers and signatures (accepted, deleted after the household check, counted) "
            "and the latest signed checkpoint of its log."
        ),
        fields=(
            ExportField("id", "string", _("Public identifier of the case")),
            ExportField("main_text", "string", _("Main text")),
            ExportField("stage", "string", _("Stage at export time")),
            ExportField("deadline", "datetime", _("Deadline of the current stage")),
            ExportField("outcome", "string", _("Outcome")),
            ExportField("proposal_threshold", "integer", _("Proposers needed")),
            ExportField("petition_threshold", "integer", _("Signatures needed")),
            ExportField("proposers_accepted", "integer", _("Proposers accepted")),
            ExportField(
                "proposers_deleted", "integer", _("Proposers deleted by the household check")
            ),
            ExportField("proposers", "integer", _("Proposers counted")),
            ExportField(
                "proposer_check",
                "string",
                _("Household check of the proposers: pending, overdue or done"),
            ),
            ExportField("proposer_check_due", "datetime", _("Proposers' check due")),
            ExportField("proposers_checked_at", "datetime", _("Proposers' check recorded")),
            ExportField("signatures_accepted", "integer", _("Signatures accepted")),
            ExportField("signatures_deleted", "integer", _("Signatures deleted by the check")),
            ExportField("signatures", "integer", _("Signatures counted")),
            ExportField("log", "string", _("Name of the case's transparency log")),
            ExportField("log_size", "integer", _("Leaves in the log")),
            ExportField("latest_checkpoint", "string", _("Latest signed checkpoint (C2SP note)")),
        ),
        rows=_case_rows,
        keywords=("referendum", "公民投票", "transparency log"),
    )
)

register(
    Exporter(
        slug="referendum-checkpoints",
        app_label="referendums",
        title=_("Signed checkpoints of the referendum tallies"),
        description=_(
            "Every checkpoint published for every case (C2SP signed notes, Ed25519), so anyone "
            "can ask for a consistency proof between any two."
        ),
        fields=(
            ExportField("case_id", "string", _("Public identifier of the case")),
            ExportField("size", "integer", _("Leaves covered")),
            ExportField("root", "string", _("Merkle root (hex)")),
            ExportField("note", "string", _("The signed note")),
            ExportField("created_at", "datetime", _("When it was signed")),
        ),
        rows=_checkpoint_rows,
        keywords=("referendum", "checkpoint"),
    )
)

register(
    Exporter(
        slug="referendum-log-leaves",
        app_label="referendums",
        title=_("Leaves of the referendum tallies' logs"),
        description=_(
            "Each leaf: a salted commitment of an accepted signature (no identity) or the "
            "deletion of an earlier leaf with its Referendum Act Art. 13 reason. Hashing them "
            "(RFC 9162) gives each checkpoint's root; accepted − deleted gives the count."
        ),
        fields=(
            ExportField("case_id", "string", _("Public identifier of the case")),
            ExportField("index", "integer", _("Leaf index")),
            ExportField("kind", "string", _("sign or delete")),
            ExportField("stage", "string", _("Stage of a signature leaf")),
            ExportField("commitment", "string", _("Salted commitment (hex)")),
            ExportField("deleted_index", "integer", _("Leaf a deletion removes")),
            ExportField("reason", "string", _("Deletion reason")),
        ),
        rows=_leaf_rows,
        keywords=("referendum", "merkle"),
    )
)
