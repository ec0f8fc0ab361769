"""JSON API of the registry, under /api/v1/registry/.

Organisations and people are public reads (search, detail, an organisation as it was on a
date). Imports and the match review queue are for registry managers (operators and officials
of the registry-keeping agencies); to anyone else they do not exist.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, UploadedFile
from ninja import Status as HttpStatus
from pydantic import Field

from opengov.accounts.auth import OPTIONAL, REQUIRED
from opengov.core.errors import NotFound
from opengov.core.pagination import PageParams, paginate

from . import importer, imports, selectors, serializers, services
from .models import MatchDecision
from .permissions import require_manager, reviewable_candidates, visible_import_runs

router = Router(tags=["registry"])
PUBLIC_MAX_AGE = 60


def _user(request: HttpRequest) -> Any:
    user = getattr(request, "auth", None)
    return user if getattr(user, "is_authenticated", False) else request.user


def _cacheable(request: HttpRequest, data: Any) -> Any:
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    return response


# --- the shapes answered (serializers.py builds them) ---------------------------------------


class RegistryOrganisationOut(Schema):
    """Identity, name, kind and status of an organisation."""

    id: str
    business_number: str
    business_number_flag: str = Field(description="why the number is doubtful, if it is")
    name: str
    name_en: str
    kind: str
    status: str
    status_text: str


class RegistryOrganisationPage(Schema):
    """One page of organisations."""

    items: list[RegistryOrganisationOut]
    count: int


class RegistrySharingOut(RegistryOrganisationOut):
    """An organisation sharing something with another, and what it shares."""

    reasons: dict[str, list[str]] = Field(description="what is shared -> the shared values")


class RegistrySharingList(Schema):
    """Every organisation sharing an address, representative or director."""

    items: list[RegistrySharingOut]
    count: int


class RegistryRefOut(Schema):
    """Another record named by its id and name."""

    id: str
    name: str


class RegistrySeatOut(Schema):
    """One board seat."""

    position: str
    role: str
    person: RegistryRefOut | None
    represents: RegistryRefOut | None
    represents_name: str
    shareholding: int | None
    valid_from: str | None
    valid_to: str | None


class RegistryNameOut(Schema):
    """A name the organisation had, with its dates."""

    name: str
    valid_from: str | None
    valid_to: str | None


class RegistryStatusOut(Schema):
    """A status the organisation had, with its dates."""

    status: str
    status_text: str
    valid_from: str | None
    valid_to: str | None


class RegistryAsOfOut(Schema):
    """The organisation as it was on `date`."""

    date: str
    name: str
    status: str
    status_text: str


class RegistryOrganisationDetailOut(RegistryOrganisationOut):
    """An organisation in full: its fields, names, status history and board."""

    set_up_on: str | None
    registered_on: str | None
    suspended_from: str | None
    suspended_until: str | None
    dissolved_on: str | None
    revoked_on: str | None
    address: str
    representative: str
    capital: int | None
    paid_in_capital: int | None
    government_share: str | None = Field(description="a decimal, as a string")
    party_invested: bool
    accumulated_loss_years: list[int]
    foreign_main_member: bool
    mainland_main_member: bool
    hong_kong_main_member: bool
    macau_main_member: bool
    names: list[RegistryNameOut]
    status_history: list[RegistryStatusOut]
    as_of: RegistryAsOfOut | None = Field(None, description="only with `?on=`")
    board: list[RegistrySeatOut]
    board_history: list[RegistrySeatOut]


class RegistryPersonOut(Schema):
    """A person's public identity; the ID only as published (masked)."""

    id: str
    name: str
    masked_id: str
    nationality: str


class RegistryPersonPage(Schema):
    """One page of people."""

    items: list[RegistryPersonOut]
    count: int


class RegistryPositionOut(Schema):
    """A public position of a person."""

    title: str
    category: str
    organisation: RegistryRefOut | None
    organisation_name: str
    valid_from: str | None
    valid_to: str | None
    source: str


class RegistryPersonSeatOut(RegistrySeatOut):
    """A seat a person holds or held, with the organisation."""

    organisation: RegistryRefOut


class RegistryPersonDetailOut(RegistryPersonOut):
    """A person with the seats and public positions held."""

    politically_exposed: bool
    positions: list[RegistryPositionOut]
    seats: list[RegistryPersonSeatOut]


class RegistryImportOut(Schema):
    """An import run: its progress and the report of every rejected row."""

    id: str
    dataset: str
    filename: str
    size: int
    as_of: str
    state: str
    encoding: str
    format: str
    progress: dict[str, Any]
    created: int
    updated: int
    unchanged: int
    message: str
    rejections: list[dict[str, Any]]
    created_at: str
    finished_at: str | None


class RegistryImportPage(Schema):
    """One page of import runs."""

    items: list[RegistryImportOut]
    count: int


class RegistryCandidateOut(Schema):
    """A match in the review queue."""

    id: str
    name: str
    organisation: RegistryOrganisationOut | None
    candidate: RegistryOrganisationOut
    score: float
    context: str
    decision: str


class RegistryCandidatePage(Schema):
    """One page of the review queue."""

    items: list[RegistryCandidateOut]
    count: int


class RegistryDecisionOut(Schema):
    """The decision recorded, on the two names as normalised."""

    decision: str
    left: str
    right: str


class RegistrySearchParams(PageParams):
    """`?q=` (a business number, or part of a name) with the page."""

    q: str = Field("", max_length=100)


class OnParams(Schema):
    """`?on=YYYY-MM-DD`: the organisation as it was on that date."""

    on: dt.date | None = None


@router.get(
    "/organisations",
    auth=OPTIONAL,
    response=RegistryOrganisationPage,
    summary="Search organisations",
)
def list_organisations(request: HttpRequest, params: Query[RegistrySearchParams]):
    """By business number or (part of) a name; spellings folded (臺/台, full-width, legal
    forms). Without `q`, every organisation by name."""
    from .models import Organisation

    rows = selectors.search_organisations(params.q) if params.q else Organisation.objects.all()
    return _cacheable(request, paginate(rows, params, serializers.organisation_summary))


@router.get(
    "/organisations/by-number/{number}",
    auth=OPTIONAL,
    response=RegistryOrganisationDetailOut,
    summary="An organisation by number",
)
def organisation_by_number(request: HttpRequest, number: str, params: Query[OnParams]):
    org = selectors.organisation_by_business_number(number[:40])
    if org is None:
        raise NotFound(_("No organisation has this business number."))
    return _cacheable(request, serializers.organisation_detail(org, on=params.on))


@router.get(
    "/organisations/{public_id}",
    auth=OPTIONAL,
    response=RegistryOrganisationDetailOut,
    summary="One organisation in full",
)
def organisation_detail(request: HttpRequest, public_id: str, params: Query[OnParams]):
    """Names (former ones with dates), status history, the board (current, or on `?on=`) and
    the seats that ended."""
    org = selectors.organisation_by_public_id(public_id)
    if org is None:
        raise NotFound(_("No such organisation."))
    return _cacheable(request, serializers.organisation_detail(org, on=params.on))


@router.get(
    "/organisations/{public_id}/sharing",
    auth=OPTIONAL,
    response=RegistrySharingList,
    summary="Organisations sharing an address, representative or director",
)
def organisation_sharing(request: HttpRequest, public_id: str, params: Query[OnParams]):
    org = selectors.organisation_by_public_id(public_id)
    if org is None:
        raise NotFound(_("No such organisation."))
    items = [
        {**serializers.organisation_summary(s.organisation), "reasons": s.reasons}
        for s in selectors.organisations_sharing(org, on=params.on)
    ]
    return _cacheable(request, {"items": items, "count": len(items)})


@router.get("/people", auth=OPTIONAL, response=RegistryPersonPage, summary="Search people")
def list_people(request: HttpRequest, params: Query[RegistrySearchParams]):
    from .models import Person

    rows = selectors.search_people(params.q) if params.q else Person.objects.all()
    return _cacheable(request, paginate(rows, params, serializers.person_summary))


@router.get(
    "/people/{public_id}",
    auth=OPTIONAL,
    response=RegistryPersonDetailOut,
    summary="One person: seats and positions",
)
def person_detail(request: HttpRequest, public_id: str):
    person = selectors.person_by_public_id(public_id)
    if person is None:
        raise NotFound(_("No such person."))
    return _cacheable(request, serializers.person_detail(person))


# --- managers ------------------------------------------------------------------------------


def _run(request: HttpRequest, public_id: str):
    try:
        key = uuid.UUID(public_id)
    except ValueError:
        raise NotFound(_("No such import.")) from None
    run = visible_import_runs(_user(request)).filter(public_id=key).first()
    if run is None:
        raise NotFound(_("No such import."))
    return run


class RegistryImportIn(Schema):
    """The form fields of an upload."""

    dataset: str = Field(description="basic or directors")
    as_of: dt.date | None = Field(None, description="the date the data describes (today)")


@router.post(
    "/imports",
    auth=REQUIRED,
    response={201: RegistryImportOut},
    summary="Upload a registry file",
)
def create_import(request: HttpRequest, form: Form[RegistryImportIn], file: File[UploadedFile]):
    """Multipart: `file` (CSV or JSON, UTF-8 or Big5), `dataset`, optional `as_of`. The import
    runs as a job; poll `GET /imports/{id}` for its progress and report."""
    user = _user(request)
    require_manager(user)
    run = imports.import_start(
        actor=user,
        filename=file.name or "upload",
        data=file.read(),
        dataset=form.dataset,
        as_of=form.as_of,
    )
    run.refresh_from_db()
    return HttpStatus(201, serializers.import_run(run, importer.progress(run)))


@router.get(
    "/imports",
    auth=REQUIRED,
    response=RegistryImportPage,
    summary="Import runs (registry managers)",
)
def list_imports(request: HttpRequest, params: Query[PageParams]):
    require_manager(_user(request))
    rows = visible_import_runs(_user(request)).defer("data")
    return paginate(rows, params, lambda r: serializers.import_run(r, importer.progress(r)))


@router.get(
    "/imports/{public_id}",
    auth=REQUIRED,
    response=RegistryImportOut,
    summary="An import's progress and report",
)
def get_import(request: HttpRequest, public_id: str):
    run = _run(request, public_id)
    return serializers.import_run(run, importer.progress(run))


@router.get(
    "/matches",
    auth=REQUIRED,
    response=RegistryCandidatePage,
    summary="The match review queue (registry managers)",
)
def list_matches(request: HttpRequest, params: Query[PageParams]):
    require_manager(_user(request))
    rows = reviewable_candidates(_user(request)).filter(decision="")
    return paginate(rows, params, serializers.candidate)


class DecisionIn(Schema):
    """A reviewer's decision: same, different or unsure."""

    decision: str
    note: str = Field("", max_length=1000)


@router.post(
    "/matches/{public_id}/decision",
    auth=REQUIRED,
    response=RegistryDecisionOut,
    summary="Decide a queued match",
)
def decide_match(request: HttpRequest, public_id: str, payload: DecisionIn):
    user = _user(request)
    try:
        key = uuid.UUID(public_id)
    except ValueError:
        raise NotFound(_("No such match.")) from None
    item = reviewable_candidates(user).filter(public_id=key).first()
    if item is None:
        raise NotFound(_("No such match."))
    record = services.match_decide(
        actor=user, candidate=item, decision=payload.decision, note=payload.note
    )
    return {"decision": record.decision, "left": record.left_key, "right": record.right_key}


class PairDecisionIn(DecisionIn):
    """A decision on any pair of names."""

    kind: str = MatchDecision.Kind.ORGANISATION
    left: str = Field(max_length=300)
    right: str = Field(max_length=300)


@router.post(
    "/match-decisions",
    auth=REQUIRED,
    response={201: RegistryDecisionOut},
    summary="Decide a pair",
)
def decide_pair(request: HttpRequest, payload: PairDecisionIn):
    record = services.match_decide(
        actor=_user(request),
        kind=payload.kind,
        left=payload.left,
        right=payload.right,
        decision=payload.decision,
        note=payload.note,
    )
    return HttpStatus(
        201, {"decision": record.decision, "left": record.left_key, "right": record.right_key}
    )
