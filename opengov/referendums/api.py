"""JSON API of referendum cases, under /api/v1/referendums/.

Reads are public: cases, their stage and counts, the log's leaves (commitments, never
identities), published checkpoints, inclusion and consistency proofs. Writes call a service:
the lead proposer opens, files, corrects, collects the code and submits; election officials
review, enter paper rosters, import the roll and record the check; anyone with a citizen
certificate signs (the signed package is the credential).
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja import Status as HttpStatus
from pydantic import Field

from opengov.accounts.auth import OPTIONAL, REQUIRED
from opengov.core import tlog
from opengov.core.errors import NotFound, ServiceError
from opengov.core.pagination import PageParams, paginate

from . import selectors, services
from .models import Case

router = Router(tags=["referendums"])


def _user(request: HttpRequest) -> Any:
    auth = getattr(request, "auth", None)
    return auth if getattr(auth, "is_authenticated", False) else request.user


def case_out(case: Case) -> dict[str, Any]:
    """The public shape of a case."""
    tallied = selectors.signature_tally(case)
    counts = selectors.counts(case, tallied)
    progress = selectors.progress(case, counts)
    latest = selectors.latest_checkpoint(case)
    return {
        "id": str(case.public_id),
        "main_text": case.main_text,
        "reasons": case.reasons,
        "stage": progress["stage"],
        "deadline": progress["deadline"],
        "outcome": case.outcome,
        "outcome_at": case.outcome_at,
        "created_at": case.created_at,
        "filed_at": case.filed_at,
        "approved_at": case.approved_at,
        "code_collected_at": case.code_collected_at,
        "signature_deadline": case.signature_deadline,
        "submitted_at": case.submitted_at,
        "proposal_threshold": case.proposal_threshold,
        "petition_threshold": case.petition_threshold,
        "counts": counts,
        "proposer_check": selectors.proposer_check(case, tallied),
        "log": case.log_name,
        "log_size": tlog.tree_size(case.log_name),
        "latest_checkpoint": latest.note if latest else None,
    }


class ReferendumCountOut(Schema):
    """Signatures at one stage: accepted, deleted by the household check, and counted."""

    accepted: int
    deleted: int
    count: int


class ReferendumProposerCheckOut(Schema):
    """The household offices' check of the proposers (Referendum Act Art. 10), counts only."""

    state: Literal["", "pending", "overdue", "done"] = Field(
        description="derived when read: empty before filing or when not recorded here"
    )
    due: dt.datetime | None = Field(
        description="the end of the profile's proposer_check_period, counted from the "
        "filing or from the correction that brought new proposers (Taiwan: 15 days)"
    )
    checked_at: dt.datetime | None
    late: bool = Field(description="recorded after the due time (the deadline is not moved)")
    deleted: dict[str, int] = Field(description="proposers deleted, by reason")


class ReferendumCaseOut(Schema):
    """A case: its texts, stage and deadline, outcome, dates, thresholds, counts and log."""

    id: str
    main_text: str
    reasons: str
    stage: str = Field(description="derived when read")
    deadline: dt.datetime | None
    outcome: str
    outcome_at: dt.datetime | None
    created_at: dt.datetime
    filed_at: dt.datetime | None
    approved_at: dt.datetime | None
    code_collected_at: dt.datetime | None
    signature_deadline: dt.datetime | None
    submitted_at: dt.datetime | None
    proposal_threshold: int
    petition_threshold: int
    counts: dict[str, ReferendumCountOut] = Field(description="by stage: proposal, petition")
    proposer_check: ReferendumProposerCheckOut
    log: str = Field(description="the name of the case's transparency log")
    log_size: int
    latest_checkpoint: str | None = Field(description="the latest signed checkpoint (note)")


class ReferendumCasePage(Schema):
    """One page of cases."""

    items: list[ReferendumCaseOut]
    count: int


class ReferendumRowsOut(Schema):
    """A file's rows taken (all of them, or the request is refused)."""

    accepted: int
    errors: list[dict[str, Any]]
    details: dict[str, int]


class ReferendumReceiptOut(Schema):
    """What a signer keeps: their leaf, its inclusion proof and the checkpoint it proves to."""

    format: str
    case: str
    log: str
    leaf_index: int
    leaf: str = Field(description="base64")
    salt: str = Field(description="hex")
    inclusion_proof: list[str] = Field(description="hashes in hex")
    checkpoint: str
    verifier_keys: list[str]


class ReferendumCheckpointOut(Schema):
    """A published checkpoint of the case's log."""

    size: int
    root: str
    note: str
    created_at: dt.datetime


class ReferendumCheckpointPage(Schema):
    """One page of published checkpoints."""

    items: list[ReferendumCheckpointOut]
    count: int


class ReferendumWitnessedOut(Schema):
    """The checkpoint with the witness's co-signature added."""

    size: int
    note: str


class ReferendumInclusionOut(Schema):
    """An RFC 9162 inclusion proof (hashes in hex)."""

    index: int
    size: int
    proof: list[str]


class ReferendumConsistencyOut(Schema):
    """An RFC 9162 consistency proof (hashes in hex)."""

    old: int
    new: int
    proof: list[str]


class ReferendumLeavesOut(Schema):
    """Leaf data of the log from `start` (base64), and the log's size."""

    start: int
    leaves: list[str]
    size: int


class CaseIn(Schema):
    main_text: str = Field(max_length=1000)
    reasons: str = Field(max_length=20000)
    national_id: str = Field(max_length=20)


class CorrectionIn(Schema):
    main_text: str = Field(max_length=1000)
    reasons: str = Field(max_length=20000)


class NoteIn(Schema):
    note: str = Field("", max_length=2000)


class CaseDecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=2000)


class CsvIn(Schema):
    csv: str = Field(max_length=50_000_000)


class RollIn(CsvIn):
    reference_date: dt.date


class CheckIn(Schema):
    deletions: dict[str, str] = Field(default_factory=dict)


class PackageIn(Schema):
    """A signed package from a local signer."""

    statement: str = Field(max_length=2000)
    signature: str = Field(max_length=4000)
    certificate: str = Field(max_length=20000)
    chain: list[str] = Field(default_factory=list, max_length=5)


class WitnessIn(Schema):
    size: int = Field(ge=0)
    note: str = Field(max_length=10000)


@router.get("/cases", response=ReferendumCasePage, summary="List cases")
def list_cases(request: HttpRequest, params: Query[PageParams]):
    return paginate(selectors.public_cases(), params, case_out)


@router.post("/cases", auth=REQUIRED, response={201: ReferendumCaseOut}, summary="Open a case")
def create_case(request: HttpRequest, payload: CaseIn):
    case = services.case_create(actor=_user(request), **payload.dict())
    return HttpStatus(201, case_out(case))


@router.get("/cases/{case_id}", response=ReferendumCaseOut, summary="One case")
def get_case(request: HttpRequest, case_id: str):
    return case_out(selectors.case_by_public_id(case_id))


def _act(request: HttpRequest, case_id: str, action: str, **kwargs: Any) -> dict[str, Any]:
    case = selectors.case_by_public_id(case_id)
    case = getattr(services, action)(actor=_user(request), case=case, **kwargs)
    return case_out(case)


@router.post(
    "/cases/{case_id}/file",
    auth=REQUIRED,
    response=ReferendumCaseOut,
    summary="File with the CEC (lead)",
)
def file_case(request: HttpRequest, case_id: str):
    return _act(request, case_id, "case_file")


@router.post(
    "/cases/{case_id}/correction",
    auth=REQUIRED,
    response=ReferendumCaseOut,
    summary="Ask for a correction",
)
def request_correction(request: HttpRequest, case_id: str, payload: NoteIn):
    return _act(request, case_id, "case_request_correction", note=payload.note)


@router.post(
    "/cases/{case_id}/correct",
    auth=REQUIRED,
    response=ReferendumCaseOut,
    summary="Correct the texts (lead)",
)
def correct(request: HttpRequest, case_id: str, payload: CorrectionIn):
    return _act(request, case_id, "case_correct", **payload.dict())


@router.post(
    "/cases/{case_id}/decision",
    auth=REQUIRED,
    response=ReferendumCaseOut,
    summary="Approve or reject",
)
def decide(request: HttpRequest, case_id: str, payload: CaseDecisionIn):
    return _act(request, case_id, "case_decide", **payload.dict())


@router.post(
    "/cases/{case_id}/code",
    auth=REQUIRED,
    response=ReferendumCaseOut,
    summary="Collect the e-petition code",
)
def collect_code(request: HttpRequest, case_id: str):
    return _act(request, case_id, "case_collect_code")


@router.post(
    "/cases/{case_id}/submit",
    auth=REQUIRED,
    response=ReferendumCaseOut,
    summary="Submit signatures (lead)",
)
def submit(request: HttpRequest, case_id: str):
    return _act(request, case_id, "case_submit")


@router.post(
    "/cases/{case_id}/check",
    auth=REQUIRED,
    response=ReferendumCaseOut,
    summary="Record the household check",
)
def check(request: HttpRequest, case_id: str, payload: CheckIn):
    return _act(request, case_id, "case_check", deletions=payload.deletions)


@router.post(
    "/cases/{case_id}/proposer-check",
    auth=REQUIRED,
    response=ReferendumCaseOut,
    summary="Record the household check of the proposers",
)
def check_proposers(request: HttpRequest, case_id: str, payload: CheckIn):
    """Body: `deletions`, the offices' findings by national ID (a reason of the profile's
    `deletion_reasons`); every proposer not yet checked is also checked against the roll."""
    return _act(request, case_id, "case_check_proposers", deletions=payload.deletions)


def _report(report: services.RowReport) -> dict[str, Any]:
    return {"accepted": report.accepted, "errors": report.errors, "details": report.details}


def _rows_rejected(report: services.RowReport) -> ServiceError:
    """The API's error for a file with bad rows: nothing was recorded, every row is named."""
    return ServiceError(
        "rows_rejected",
        _("%(n)d rows were rejected; nothing was recorded.") % {"n": len(report.errors)},
        field="csv",
        details=report.errors,
    )


@router.post(
    "/cases/{case_id}/paper",
    auth=REQUIRED,
    response={200: ReferendumRowsOut},
    summary="Enter paper roster rows (CSV)",
)
def paper(request: HttpRequest, case_id: str, payload: CsvIn):
    """CSV with columns national_id, signed_on, page; all rows or none."""
    case = selectors.case_by_public_id(case_id)
    report = services.paper_entries_add(actor=_user(request), case=case, data=payload.csv)
    if report.errors:
        raise _rows_rejected(report)
    return _report(report)


@router.post(
    "/roll",
    auth=REQUIRED,
    response={200: ReferendumRowsOut},
    summary="Import the voter roll (CSV)",
)
def roll(request: HttpRequest, payload: RollIn):
    """CSV with national_id, birth_date, registered_since, under_guardianship, national."""
    imported, report = services.roll_import(
        actor=_user(request), data=payload.csv, reference_date=payload.reference_date
    )
    if imported is None:
        raise _rows_rejected(report)
    return _report(report)


@router.post(
    "/cases/{case_id}/signatures",
    auth=OPTIONAL,
    response={201: ReferendumReceiptOut},
    summary="Sign",
)
def sign(request: HttpRequest, case_id: str, payload: PackageIn):
    """Body: the signed package `{statement, signature, certificate, chain}`. Answers the
    signer's receipt (leaf index, inclusion proof, checkpoint)."""
    case = selectors.case_by_public_id(case_id)
    _signature, receipt = services.signature_submit(
        actor=_user(request), case=case, package=payload.dict()
    )
    return HttpStatus(201, receipt)


@router.get(
    "/cases/{case_id}/checkpoints",
    response=ReferendumCheckpointPage,
    summary="Published checkpoints",
)
def checkpoints(request: HttpRequest, case_id: str, params: Query[PageParams]):
    case = selectors.case_by_public_id(case_id)
    return paginate(
        selectors.checkpoints(case),
        params,
        lambda c: {"size": c.size, "root": c.root, "note": c.note, "created_at": c.created_at},
    )


@router.get(
    "/cases/{case_id}/checkpoint",
    summary="The latest checkpoint (signed note text)",
    openapi_extra={
        "responses": {
            200: {
                "description": "The latest checkpoint, a C2SP signed note",
                "content": {"text/plain": {"schema": {"type": "string"}}},
            }
        }
    },
)
def checkpoint_text(request: HttpRequest, case_id: str):
    case = selectors.case_by_public_id(case_id)
    latest = selectors.latest_checkpoint(case)
    if latest is None:
        raise NotFound("No checkpoint yet.")
    return HttpResponse(latest.note, content_type="text/plain; charset=utf-8")


@router.post(
    "/cases/{case_id}/checkpoint/witness",
    response=ReferendumWitnessedOut,
    summary="Add a witness co-signature",
)
def witness(request: HttpRequest, case_id: str, payload: WitnessIn):
    case = selectors.case_by_public_id(case_id)
    published = services.checkpoint_witness(case=case, size=payload.size, note=payload.note)
    return {"size": published.size, "note": published.note}


def _size(case: Case, value: int | None, name: str) -> int:
    size = tlog.tree_size(case.log_name)
    if value is None:
        return size
    if value < 0 or value > size:
        raise ServiceError("invalid", f"{name} must be between 0 and {size}.", field=name)
    return value


@router.get(
    "/cases/{case_id}/proof/inclusion",
    response=ReferendumInclusionOut,
    summary="Inclusion proof of a leaf",
)
def inclusion(request: HttpRequest, case_id: str, index: int, size: int | None = None):
    case = selectors.case_by_public_id(case_id)
    size = _size(case, size, "size")
    if not 0 <= index < size:
        raise ServiceError("invalid", "index must be below size.", field="index")
    proof = tlog.inclusion_proof(case.log_name, index, size)
    return {"index": index, "size": size, "proof": [h.hex() for h in proof]}


@router.get(
    "/cases/{case_id}/proof/consistency",
    response=ReferendumConsistencyOut,
    summary="Consistency proof between sizes",
)
def consistency(request: HttpRequest, case_id: str, old: int, new: int | None = None):
    case = selectors.case_by_public_id(case_id)
    new = _size(case, new, "new")
    if not 0 < old <= new:
        raise ServiceError("invalid", "old must be between 1 and new.", field="old")
    proof = tlog.consistency_proof(case.log_name, old, new)
    return {"old": old, "new": new, "proof": [h.hex() for h in proof]}


class LeavesParams(Schema):
    start: int = Field(0, ge=0)
    count: int = Field(1000, ge=1, le=10000)


@router.get(
    "/cases/{case_id}/leaves",
    response=ReferendumLeavesOut,
    summary="Leaf data of the log (commitments only)",
)
def leaves(request: HttpRequest, case_id: str, params: Query[LeavesParams]):
    case = selectors.case_by_public_id(case_id)
    data = selectors.leaves(case, params.start, params.start + params.count)
    return {
        "start": params.start,
        "leaves": [base64.b64encode(d).decode() for d in data],
        "size": tlog.tree_size(case.log_name),
    }
