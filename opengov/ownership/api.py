"""JSON API of beneficial ownership, under /api/v1/ownership/.

Reads of the public view are open. The confidential register (`…/register`) answers AML
reviewers only, each call audited; for anyone else it is "not found" and nothing is written.
Imports and entities: AML reviewers and operators. Declarations: an entity's representatives
and AML reviewers.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, JsonResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile
from pydantic import ConfigDict

from opengov.accounts.auth import OPTIONAL, REQUIRED
from opengov.accounts.selectors import user_by_email
from opengov.core.errors import NotFound, ServiceError
from opengov.core.pagination import PageParams, paginate

from . import exporting, selectors, services
from .models import Party

router = Router(tags=["ownership"])

#: seconds a public view may be cached
PUBLIC_MAX_AGE = 60


def _user(request: HttpRequest) -> Any:
    user = getattr(request, "auth", None)
    return user if getattr(user, "is_authenticated", False) else request.user


def _entity(public_id: str) -> Party:
    party = selectors.party_by_public_id(public_id)
    if party is None or party.is_person:
        raise NotFound(_("No such entity."))
    return party


def _entity_dict(p: Party) -> dict[str, Any]:
    return {
        "id": str(p.public_id),
        "name": p.name,
        "business_number": p.business_number,
        "jurisdiction": p.jurisdiction,
        "registry_id": str(p.registry_id) if p.registry_id else None,
    }


class OwnershipEntityOut(Schema):
    """An entity with ownership data, and its registry organisation when linked."""

    id: str
    name: str
    business_number: str
    jurisdiction: str
    registry_id: str | None


class OwnershipEntityPage(Schema):
    """One page of entities."""

    items: list[OwnershipEntityOut]
    count: int


class OwnershipViewOut(Schema):
    """What the law lets be published about an entity's ownership."""

    subject: dict[str, Any]
    basis: str = Field(description="how the beneficial owners were determined")
    steps: list[str] = Field(description="the bases tried, in order")
    threshold_percent: float
    owners: list[dict[str, Any]] = Field(description="beneficial owners, with their paths")
    links: list[dict[str, Any]]
    cycles: list[list[str]]
    converged: bool
    declared_unknown: list[dict[str, Any]]
    other_holders_not_shown: int


class OwnershipRegisterOut(OwnershipViewOut):
    """The whole register around an entity (AML reviewers)."""

    uncertain: list[dict[str, Any]]
    holdings: list[dict[str, Any]]
    paths_truncated: bool


class OwnershipDeclarationOut(Schema):
    """The relationship recorded and its holder."""

    relationship: str
    holder: str


class OwnershipRepresentativeOut(Schema):
    """The entity and the account that may now declare for it."""

    entity: str
    user: str


class OwnershipImportOut(Schema):
    """The imported BODS file and how many statements it held."""

    id: str
    statements: int


class EntityQuery(PageParams):
    """`?q=` name or business number."""

    q: str = Field("", max_length=100)


@router.get(
    "/entities",
    auth=OPTIONAL,
    response=OwnershipEntityPage,
    summary="Entities with ownership data",
)
def list_entities(request: HttpRequest, params: Query[EntityQuery]):
    return paginate(selectors.entities(params.q), params, _entity_dict)


@router.get(
    "/entities/{public_id}",
    auth=OPTIONAL,
    response=OwnershipViewOut,
    summary="An entity's public ownership view",
)
def get_entity(request: HttpRequest, public_id: str):
    """Public and cacheable for a minute (imports and declarations change it)."""
    party = _entity(public_id)
    net = selectors.network(party)
    response = JsonResponse(
        selectors.public_view(net, selectors.determination(net)),
        json_dumps_params={"ensure_ascii": False},
    )
    response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    return response


@router.get(
    "/entities/{public_id}/register",
    auth=REQUIRED,
    response=OwnershipRegisterOut,
    summary="The confidential register of an entity (AML reviewers; audited)",
)
def get_register(request: HttpRequest, public_id: str):
    party = _entity(public_id)
    services.restricted_view_record(actor=_user(request), party=party, what="api")
    net = selectors.network(party)
    response = JsonResponse(
        selectors.restricted_view(net, selectors.determination(net)),
        json_dumps_params={"ensure_ascii": False},
    )
    response["Cache-Control"] = "private, no-store"
    return response


class EntityIn(Schema):
    name: str = Field(..., max_length=300)
    business_number: str = Field("", max_length=20)


@router.post(
    "/entities", auth=REQUIRED, response={201: OwnershipEntityOut}, summary="Add an entity"
)
def create_entity(request: HttpRequest, payload: EntityIn):
    party = services.entity_register(
        actor=_user(request), name=payload.name, business_number=payload.business_number
    )
    return Status(201, _entity_dict(party))


class DeclarationIn(Schema):
    holder_kind: str = Field("person", pattern="^(person|entity)$")
    holder_name: str = Field(..., max_length=300)
    interest_type: str = Field("shareholding", max_length=60)
    share_exact: Decimal | None = None
    share_min: Decimal | None = None
    share_max: Decimal | None = None
    direct_or_indirect: str = "direct"
    nationality: str = Field("", max_length=10)
    national_id: str = Field("", max_length=20)
    birth_date: str = Field("", max_length=10)
    business_number: str = Field("", max_length=20)


@router.post(
    "/entities/{public_id}/declarations",
    auth=REQUIRED,
    response={201: OwnershipDeclarationOut},
    summary="Declare a holder (the entity's representatives, AML reviewers)",
)
def declare(request: HttpRequest, public_id: str, payload: DeclarationIn):
    party = _entity(public_id)
    rel = services.declaration_submit(actor=_user(request), subject=party, **payload.dict())
    return Status(
        201, {"relationship": rel.record_id, "holder": str(rel.interested_party.public_id)}
    )


class RepresentativeIn(Schema):
    email: str = Field(..., max_length=254)


@router.post(
    "/entities/{public_id}/representatives",
    auth=REQUIRED,
    response={201: OwnershipRepresentativeOut},
    summary="Record who may declare for an entity (AML reviewers, operators)",
)
def add_representative(request: HttpRequest, public_id: str, payload: RepresentativeIn):
    party = _entity(public_id)
    actor = _user(request)
    user = user_by_email(payload.email)
    if user is None:
        from . import permissions

        if not permissions.manages_register(actor):
            raise NotFound()
        raise ServiceError("not_found", _("No account has this e-mail address."), field="email")
    services.representative_grant(actor=actor, user=user, party=party)
    return Status(201, {"entity": str(party.public_id), "user": str(user.public_id)})


@router.post(
    "/imports",
    auth=REQUIRED,
    response={201: OwnershipImportOut},
    summary="Import a BODS 0.4 file (JSON array or JSON Lines), all or nothing",
)
def create_import(request: HttpRequest, file: File[UploadedFile]):
    try:
        source = services.bods_import(
            actor=_user(request), stream=file.file, filename=file.name, size=file.size
        )
    except services.ImportRefused as exc:
        return JsonResponse(
            {
                "error": {**exc.as_dict(), "problems": [p.as_dict() for p in exc.problems]},
            },
            status=422,
            json_dumps_params={"ensure_ascii": False},
        )
    return Status(201, {"id": str(source.public_id), "statements": source.statements})


def _stream(items: Any) -> Any:
    yield "["
    for i, item in enumerate(items):
        yield ("," if i else "") + json.dumps(item, ensure_ascii=False, default=str)
    yield "]"


class OwnershipBodsStatementOut(Schema):
    """One BODS 0.4 statement (entity, person or relationship); the whole statement follows
    the Beneficial Ownership Data Standard 0.4 schema, of which these are the keys every
    statement has."""

    model_config = ConfigDict(extra="allow")

    statementId: str
    recordId: str
    recordType: str
    recordDetails: dict[str, Any]


@router.get(
    "/export.bods.json",
    auth=OPTIONAL,
    response=list[OwnershipBodsStatementOut],
    summary="The public register as BODS 0.4",
)
def export_bods(request: HttpRequest):
    return StreamingHttpResponse(
        _stream(exporting.bods_statements(full=False)), content_type="application/json"
    )


@router.get(
    "/export.ftm.jsonl", auth=OPTIONAL, summary="The public register as FollowTheMoney entities"
)
def export_ftm(request: HttpRequest):
    return StreamingHttpResponse(
        (json.dumps(e, ensure_ascii=False) + "\n" for e in exporting.ftm_entities(full=False)),
        content_type="application/x-ndjson",
    )
