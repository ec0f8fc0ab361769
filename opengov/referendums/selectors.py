"""Reads of the referendums app: cases with their derived stage, counts, leaves, proofs."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Count, QuerySet

from opengov.core import tlog
from opengov.core.errors import NotFound
from opengov.core.selectors import calendar_for

from . import rules, tally
from .models import STAGE_LABELS, Case, PublishedCheckpoint, Signature, Stage


def public_cases() -> QuerySet[Case]:
    """Every case (cases are public from the moment they are opened), newest first."""
    return Case.objects.all()


def case_by_public_id(public_id: Any) -> Case:
    """The case with this public id, or NotFound."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound("No such case.") from None
    case = Case.objects.filter(public_id=key).first()
    if case is None:
        raise NotFound("No such case.")
    return case


def signature_tally(case: Case) -> dict[str, dict[str, int]]:
    """The case's logged signatures by stage and deletion reason ("" for those kept), in one
    grouped query; `counts`, `deletions_by_reason`, `proposer_check` and `progress` derive
    from it."""
    result: dict[str, dict[str, int]] = {stage: {} for stage in Stage.values}
    rows = (
        Signature.objects.filter(case=case, leaf_index__isnull=False)
        .values_list("stage", "deleted_reason")
        .annotate(n=Count("id"))
        .order_by()
    )
    for stage, reason, n in rows:
        result.setdefault(stage, {})[reason] = n
    return result


def counts(
    case: Case, tallied: dict[str, dict[str, int]] | None = None
) -> dict[str, dict[str, int]]:
    """Accepted, deleted and counted signatures per stage (the rows behind the log).

    `tallied`: the case's `signature_tally`, when the caller has it already."""
    tallied = signature_tally(case) if tallied is None else tallied
    result = {}
    for stage in Stage.values:
        by_reason = tallied.get(stage, {})
        accepted = sum(by_reason.values())
        deleted = accepted - by_reason.get("", 0)
        result[stage] = {"accepted": accepted, "deleted": deleted, "count": accepted - deleted}
    return result


def deletions_by_reason(
    case: Case, stage: str, tallied: dict[str, dict[str, int]] | None = None
) -> dict[str, int]:
    """Deleted signatures of `stage` by deletion reason (counts only; the log's reasons)."""
    tallied = signature_tally(case) if tallied is None else tallied
    return {reason: n for reason, n in sorted(tallied.get(stage, {}).items()) if reason}


def proposer_check(case: Case, tallied: dict[str, dict[str, int]] | None = None) -> dict[str, Any]:
    """The household offices' check of the proposers (Art. 10): its state, due time, when
    it was recorded, whether late, and what it deleted by reason. Counts only."""
    legacy = case.filed_at and not case.proposers_check_due
    view = rules.proposer_check(case, cal=calendar_for() if legacy else None)
    return {
        "state": view.state,
        "due": view.due,
        "checked_at": view.checked_at,
        "late": view.late,
        "deleted": deletions_by_reason(case, Stage.PROPOSAL, tallied) if view.state else {},
    }


def progress(case: Case, counted: dict[str, dict[str, int]] | None = None) -> dict[str, Any]:
    """The stage that matters now, its count, threshold and percentage (capped at 100).

    `counted`: the case's `counts`, when the caller has them already."""
    view = rules.case_stage(case)
    stage = Stage.PROPOSAL if not case.approved_at else Stage.PETITION
    threshold = case.proposal_threshold if stage == Stage.PROPOSAL else case.petition_threshold
    count = (counts(case) if counted is None else counted)[stage]["count"]
    percent = min(100, int(count * 100 / threshold)) if threshold else 0
    return {
        "stage": view.stage,
        "stage_label": STAGE_LABELS[view.stage],
        "deadline": view.deadline,
        "signature_stage": stage,
        "count": count,
        "threshold": threshold,
        "percent": percent,
    }


def leaves(case: Case, start: int = 0, stop: int | None = None) -> list[bytes]:
    """The log's leaf data in order, from `start` to `stop` (rebuilt from the signature rows)."""
    stop = tlog.tree_size(case.log_name) if stop is None else stop
    found: dict[int, bytes] = {}
    rows = Signature.objects.filter(case=case, leaf_index__isnull=False).values_list(
        "leaf_index", "stage", "commitment", "deletion_leaf_index", "deleted_reason"
    )
    for index, stage, commit, deletion_index, reason in rows.iterator(chunk_size=5000):
        if start <= index < stop:
            found[index] = tally.sign_leaf(stage, commit)
        if deletion_index is not None and start <= deletion_index < stop:
            found[deletion_index] = tally.delete_leaf(index, reason)
    return [found[i] for i in sorted(found)]


def checkpoints(case: Case) -> QuerySet[PublishedCheckpoint]:
    """The case's published checkpoints, oldest first."""
    return PublishedCheckpoint.objects.filter(case=case).order_by("size")


def latest_checkpoint(case: Case) -> PublishedCheckpoint | None:
    """The most recent published checkpoint of the case, or None."""
    return PublishedCheckpoint.objects.filter(case=case).order_by("-size").first()
