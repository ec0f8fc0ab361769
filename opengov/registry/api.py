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


class RegistrySearchParams(PageParams):
    """`?q=` (a business number, or part of a name) with the page."""

    q: str = Field("", max_length=100)


class OnParams(Schema):
    """`?on=YYYY-MM-DD`: the organisation as it was on that date."""

    on: dt.date | None = None


@router.get("/organisations", auth=OPTIONAL, summary="Search organisations")
def list_organisations(request: HttpRequest, params: Query[RegistrySearchParams]):
    """By business number or (part of) a name; spellings folded (臺/台, full-width, legal
    forms). Without `q`, every organisation by name."""
    from .models import Organisation

    rows = selectors.search_organisations(params.q) if params.q else Organisation.objects.all()
    return _cacheable(request, paginate(rows, params, serializers.organisation_summary))


@router.get("/organisations/by-number/{number}", auth=OPTIONAL, summary="An organisation by number")
def organisation_by_number(request: HttpRequest, number: str, params: Query[OnParams]):
    org = selectors.organisation_by_business_number(number[:40])
    if org is None:
        raise NotFound(_("No organisation has this business number."))
    return _cacheable(request, serializers.organisation_detail(org, on=params.on))


@router.get("/organisations/{public_id}", auth=OPTIONAL, summary="One organisation in full")
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


@router.get("/people", auth=OPTIONAL, summary="Search people")
def list_people(request: HttpRequest, params: Query[RegistrySearchParams]):
    from .models import Person

    rows = selectors.search_people(params.q) if params.q else Person.objects.all()
    return _cacheable(request, paginate(rows, params, serializers.person_summary))


@router.get("/people/{public_id}", auth=OPTIONAL, summary="One person: seats and positions")
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


@router.post("/imports", auth=REQUIRED, response={201: dict}, summary="Upload a registry file")
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


@router.get("/imports", auth=REQUIRED, summary="Import runs (registry managers)")
def list_imports(request: HttpRequest, params: Query[PageParams]):
    require_manager(_user(request))
    rows = visible_import_runs(_user(request)).defer("data")
    return paginate(rows, params, lambda r: serializers.import_run(r, importer.progress(r)))


@router.get("/imports/{public_id}", auth=REQUIRED, summary="An import's progress and report")
def get_import(request: HttpRequest, public_id: str):
    run = _run(request, public_id)
    return serializers.import_run(run, importer.progress(run))


@router.get("/matches", auth=REQUIRED, summary="The match review queue (registry managers)")
def list_matches(request: HttpRequest, params: Query[PageParams]):
    require_manager(_user(request))
    rows = reviewable_candidates(_user(request)).filter(decision="")
    return paginate(rows, params, serializers.candidate)


class DecisionIn(Schema):
    """A reviewer's decision: same, different or unsure."""

    decision: str
    note: str = Field("", max_length=1000)


@router.post("/matches/{public_id}/decision", auth=REQUIRED, summary="Decide a queued match")
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


@router.post("/match-decisions", auth=REQUIRED, response={201: dict}, summary="Decide a pair")
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
