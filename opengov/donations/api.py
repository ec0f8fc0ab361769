"""JSON API of political donations, under /api/v1/donations/.

Transactions, recipients, elections and findings are public reads; uploads (filings and
correction lists), refreshing and reviewing findings are for analysts (operators and Control
Yuan officials); to anyone else those do not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, UploadedFile
from ninja import Status as HttpStatus
from pydantic import Field

from opengov.accounts.auth import OPTIONAL, REQUIRED
from opengov.core.errors import NotFound
from opengov.core.pagination import PageParams, paginate
from opengov.core.schemas import IsoDate

from . import runs, selectors, serializers, services
from .permissions import require_analyst, visible_import_runs

router = Router(tags=["donations"])


def _user(request: HttpRequest) -> Any:
    user = getattr(request, "auth", None)
    return user if getattr(user, "is_authenticated", False) else request.user


class DonationsPage(Schema):
    """One page of a list."""

    items: list[dict[str, Any]]
    count: int = Field(ge=0)


class DonationsSearchParams(PageParams):
    """`?q=`: part of a donor's, candidate's, party's or election's name, or a business
    number (Chinese without spaces works)."""

    q: str = Field("", max_length=100)


class DonationsFindingParams(PageParams):
    """`?rule=` one rule's findings; `?business_number=` one donor's."""

    rule: str = Field("", max_length=40)
    business_number: str = Field("", max_length=8)


class DonationsItemOut(Schema):
    """One object (a transaction, finding, recipient or import)."""

    item: dict[str, Any]


class DonationsImportIn(Schema):
    """The form fields of an upload."""

    election: str = Field("", max_length=200, description="the election, when the file omits it")


class DonationsReviewIn(Schema):
    """An analyst's review of a finding."""

    note: str = Field(max_length=4000)


class DonationsRefreshOut(Schema):
    """What a refresh of the findings did."""

    found: int
    new: int
    no_longer_found: int


@router.get("", auth=OPTIONAL, response={200: DonationsPage}, summary="Donations")
def list_donations(request: HttpRequest, params: Query[DonationsSearchParams]):
    """Donations (income rows), newest first, optionally searched."""
    rows = selectors.search_donations(params.q)
    return paginate(rows, params, serializers.transaction)


@router.get(
    "/recipients",
    auth=OPTIONAL,
    response={200: DonationsPage},
    summary="Candidates and parties",
)
def list_recipients(request: HttpRequest, params: Query[DonationsSearchParams]):
    return paginate(selectors.recipients(params.q), params, serializers.recipient)


@router.get("/elections", auth=OPTIONAL, response={200: DonationsPage}, summary="Elections")
def list_elections(request: HttpRequest, params: Query[PageParams]):
    return paginate(selectors.elections(), params, serializers.election)


class DonationsElectionIn(Schema):
    """An election's office and vote date; its collection window (Art. 12) follows from them
    unless both of its days are given (omitted: kept as it is; null: the window of Art. 12
    ¶1)."""

    office: str = Field(max_length=30, description="president, legislator, mayor, councillor, …")
    vote_date: IsoDate | None = None
    window_start: IsoDate | None = None
    window_end: IsoDate | None = None


@router.post(
    "/elections/{public_id}",
    auth=REQUIRED,
    response={200: DonationsItemOut},
    summary="Set an election's office, vote date and collection window",
)
def update_election(request: HttpRequest, public_id: str, payload: DonationsElectionIn):
    user = _user(request)
    require_analyst(user)
    election = selectors.election_by_public_id(public_id)
    if election is None:
        raise NotFound(_("No such election."))
    given = payload.model_fields_set
    election = services.election_update(
        actor=user,
        election=election,
        office=payload.office,
        vote_date=payload.vote_date,
        window_start=payload.window_start if "window_start" in given else election.window_start,
        window_end=payload.window_end if "window_end" in given else election.window_end,
    )
    return {"item": serializers.election(election)}


@router.get(
    "/findings",
    auth=OPTIONAL,
    response={200: DonationsPage},
    summary="Findings of the verification rules",
)
def list_findings(request: HttpRequest, params: Query[DonationsFindingParams]):
    """Current findings with their article, evidence (row hashes) and confidence."""
    rows = selectors.findings(rule=params.rule, business_number=params.business_number)
    return paginate(rows, params, serializers.finding)


@router.post(
    "/findings/refresh",
    auth=REQUIRED,
    response={200: DonationsRefreshOut},
    summary="Run every verification rule again",
)
def refresh_findings(request: HttpRequest):
    return services.findings_refresh(actor=_user(request))


@router.get(
    "/findings/{public_id}",
    auth=OPTIONAL,
    response={200: DonationsItemOut},
    summary="One finding",
)
def get_finding(request: HttpRequest, public_id: str):
    finding = selectors.finding_by_public_id(public_id)
    if finding is None:
        raise NotFound(_("No such finding."))
    return {"item": serializers.finding(finding)}


@router.post(
    "/findings/{public_id}/review",
    auth=REQUIRED,
    response={200: DonationsItemOut},
    summary="Mark a finding reviewed",
)
def review_finding(request: HttpRequest, public_id: str, payload: DonationsReviewIn):
    user = _user(request)
    require_analyst(user)
    finding = selectors.finding_by_public_id(public_id)
    if finding is None:
        raise NotFound(_("No such finding."))
    finding = services.finding_review(actor=user, finding=finding, note=payload.note)
    return {"item": serializers.finding(finding)}


@router.post(
    "/imports",
    auth=REQUIRED,
    response={201: DonationsItemOut},
    summary="Upload a Control Yuan file",
)
def create_import(request: HttpRequest, form: Form[DonationsImportIn], file: File[UploadedFile]):
    """Multipart: `file` (CSV, UTF-8 or Big5), optional `election`. The import runs as a job;
    poll `GET /imports/{id}` for its progress and report."""
    return _started(request, services.import_start, file, form.election, "upload.csv")


@router.post(
    "/corrections",
    auth=REQUIRED,
    response={201: DonationsItemOut},
    summary="Upload a Control Yuan correction list",
)
def create_corrections(
    request: HttpRequest, form: Form[DonationsImportIn], file: File[UploadedFile]
):
    """Multipart: `file` (a correction list, 更正資料: CSV, UTF-8 or Big5), optional
    `election`. Each row becomes a new version of the transaction it names; the list is
    applied whole or refused with a report of every refused row. Poll
    `GET /imports/{id}` for its progress and report."""
    return _started(request, services.corrections_start, file, form.election, "corrections.csv")


def _started(
    request: HttpRequest,
    start: Callable[..., Any],
    file: UploadedFile,
    election: str,
    default_name: str,
) -> HttpStatus:
    """Start an analyst's upload with `start` (its service): 201 with the run and progress."""
    user = _user(request)
    require_analyst(user)
    run = start(
        actor=user, filename=file.name or default_name, data=file.read(), election_name=election
    )
    run.refresh_from_db(fields=runs.shown_fields())
    return HttpStatus(201, {"item": serializers.import_run(run, runs.progress(run))})


@router.get(
    "/imports/{public_id}",
    auth=REQUIRED,
    response={200: DonationsItemOut},
    summary="An import's progress and report",
)
def get_import(request: HttpRequest, public_id: str):
    run = selectors.import_run_by_public_id(visible_import_runs(_user(request)), public_id)
    if run is None:
        raise NotFound(_("No such import."))
    return {"item": serializers.import_run(run, runs.progress(run))}


@router.get(
    "/{public_id}",
    auth=OPTIONAL,
    response={200: DonationsItemOut},
    summary="One transaction, with its versions",
)
def get_donation(request: HttpRequest, public_id: str):
    tx = selectors.transaction_by_public_id(public_id)
    if tx is None:
        raise NotFound(_("No such transaction."))
    item = serializers.transaction(tx)
    item["versions"] = [
        {
            "version": v.version,
            "row_hash": v.row_hash,
            "changes": v.changes,
            "correction": v.correction_note,
            "corrected_on": v.corrected_on.isoformat() if v.corrected_on else None,
            "created_at": v.created_at.isoformat(),
        }
        for v in selectors.versions(tx)
    ]
    return {"item": item}
