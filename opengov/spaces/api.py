"""JSON API of participation spaces: /api/v1/spaces/…

Public reads: spaces (with their rules, source, audience, what is held in them, offline input
by channel and participation by group with small cells held back), places with official codes,
the revitalisation board. The caller's own participation statement can be read, set and
withdrawn (`/me/statement`).
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from opengov.accounts.auth import OPTIONAL, REQUIRED
from opengov.core.errors import Forbidden, NotFound
from opengov.core.pagination import PageParams, paginate
from opengov.core.services import content_translation_set
from opengov.core.translations import translations_of

from . import selectors, services
from .exporters import project_row, space_row
from .models import AgeBand, Gender, Place
from .permissions import can_moderate

router = Router(tags=["spaces"])


def _user(request: HttpRequest) -> Any:
    auth = getattr(request, "auth", None)
    return auth if getattr(auth, "is_authenticated", False) else request.user


class SpaceListFilters(PageParams):
    """Filters of the list of spaces."""

    kind: Literal["commitment", "local", "revitalisation"] | None = None
    audience: (
        Literal["everyone", "youth", "women", "new_immigrant", "indigenous", "hakka", "residents"]
        | None
    ) = None
    place: str | None = Field(
        None, max_length=8, pattern=r"^[0-9]{5}([0-9]{3})?$", description="county or township code"
    )


class SpaceOut(Schema):
    """A participation space and its rules."""

    key: str
    name: str
    kind: str
    host_agency: str
    place: str | None
    audience: str
    audience_place: str | None
    audience_only: bool
    languages: str = Field(description="language codes separated by ;")
    cosign_threshold: int | None = Field(description="the space's own threshold (null: national)")
    cosign_window_days: int | None = Field(description="the space's own window (null: national)")
    rules_source: str
    published_at: str | None


class SpacePage(Schema):
    """One page of spaces."""

    items: list[SpaceOut]
    count: int


class SpaceChannelOut(Schema):
    """Offline input through one channel."""

    channel: str
    entries: int
    people: int


class SpaceGroupOut(Schema):
    """One group of one dimension; `people` is null for fewer than `min_cell` people."""

    dimension: str
    group: str
    people: int | None


class SpaceParticipationOut(Schema):
    """Participation by group against the audience (null: fewer than `min_cell`, held back)."""

    min_cell: int
    total: int | None
    in_audience: int | None
    outside_audience: int | None
    audience_not_stated: int | None
    groups: list[SpaceGroupOut]


class SpaceDetailOut(SpaceOut):
    """A space with what is held in it and who took part."""

    proposals: list[str] = Field(description="public ids of its published proposals")
    consultations: list[str] = Field(description="public ids of its published consultations")
    offline_input: list[SpaceChannelOut]
    participation: SpaceParticipationOut
    translations: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="the host's translations of name and description: language -> field -> text",
    )


class SpaceTranslationIn(Schema):
    """The space's name and description in another shipped language (send only those to
    change; an empty string removes a translation)."""

    name: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=5000)


class SpaceTranslationOut(Schema):
    """The space's translated fields in one language."""

    language: str
    fields: dict[str, str]


class SpacePlaceOut(Schema):
    """A county, city or township with its official code."""

    code: str
    level: Literal["county", "township"]
    name: str
    name_en: str
    county_code: str


class SpacePlacePage(Schema):
    """One page of places."""

    items: list[SpacePlaceOut]
    count: int


class SpacePlaceFilters(PageParams):
    """Filters of the places."""

    level: Literal["county", "township"] | None = None
    county: str | None = Field(None, pattern=r"^[0-9]{5}$", description="county or city code")


class SpaceProjectOut(Schema):
    """A revitalisation project on the board."""

    id: str
    title: str
    team: str
    place: str
    space: str | None
    problem: str
    plan: str
    needs: str = Field(description="needs separated by ;")
    needs_detail: str
    created_at: str


class SpaceProjectPage(Schema):
    """One page of projects."""

    items: list[SpaceProjectOut]
    count: int


class SpaceProjectFilters(PageParams):
    """Filters of the board."""

    place: str | None = Field(None, pattern=r"^[0-9]{5}([0-9]{3})?$")
    need: Literal["funding", "land", "regulation", "partners"] | None = None


class SpaceOfferOut(Schema):
    """An offer made to a project."""

    id: str
    need: str
    organisation: str
    description: str
    status: str
    created_at: str


class SpaceMilestoneOut(Schema):
    """A project milestone with its latest status and progress."""

    title: str
    starts_on: str
    ends_on: str
    status: str
    progress: int


class SpaceProjectDetailOut(SpaceProjectOut):
    """A project with its offers and milestones."""

    progress: int
    offers: list[SpaceOfferOut]
    milestones: list[SpaceMilestoneOut]


class SpaceStatementIn(Schema):
    """What the caller chooses to state; every part optional (null or empty: not stated)."""

    age_band: Literal[tuple(AgeBand.values)] | None = None  # type: ignore[valid-type]
    gender: Literal[tuple(Gender.values)] | None = None  # type: ignore[valid-type]
    new_immigrant: bool | None = None
    indigenous: bool | None = None
    hakka: bool | None = None
    place: str | None = Field(None, pattern=r"^[0-9]{5}([0-9]{3})?$")


class SpaceStatementOut(Schema):
    """What the caller stated (all null: nothing)."""

    age_band: str | None
    gender: str | None
    new_immigrant: bool | None
    indigenous: bool | None
    hakka: bool | None
    place: str | None


def _place_row(place: Place) -> dict[str, Any]:
    return {
        "code": place.code,
        "level": place.level,
        "name": place.name_zh_hant,
        "name_en": place.name_en or "",
        "county_code": place.county.code if place.county_id else "",
    }


def _statement_out(user: Any) -> dict[str, Any]:
    data = services.statement_dict(selectors.statement_of(user)) or {}
    return {
        "age_band": data.get("age_band") or None,
        "gender": data.get("gender") or None,
        "new_immigrant": data.get("new_immigrant"),
        "indigenous": data.get("indigenous"),
        "hakka": data.get("hakka"),
        "place": data.get("place") or None,
    }


@router.get("", auth=OPTIONAL, response=SpacePage, summary="Participation spaces")
def list_spaces(request: HttpRequest, filters: Query[SpaceListFilters]) -> dict[str, Any]:
    """Spaces the caller may see, by kind, audience and place."""
    place = selectors.place_by_code(filters.place) if filters.place else None
    if filters.place and place is None:
        return {"items": [], "count": 0}
    qs = selectors.space_list(
        _user(request), kind=filters.kind or "", audience=filters.audience or "", place=place
    )
    return paginate(qs, filters, space_row)


@router.get("/places", auth=OPTIONAL, response=SpacePlacePage, summary="Places with codes")
def list_places(request: HttpRequest, filters: Query[SpacePlaceFilters]) -> dict[str, Any]:
    """Counties, cities and townships with the Ministry of the Interior's codes."""
    qs = Place.objects.select_related("county").order_by("code")
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.county:
        qs = qs.filter(county__code=filters.county)
    return paginate(qs, filters, _place_row)


@router.get("/projects", auth=OPTIONAL, response=SpaceProjectPage, summary="Revitalisation board")
def list_projects(request: HttpRequest, filters: Query[SpaceProjectFilters]) -> dict[str, Any]:
    """Revitalisation projects by place and need, newest first."""
    place = selectors.place_by_code(filters.place) if filters.place else None
    if filters.place and place is None:
        return {"items": [], "count": 0}
    qs = selectors.project_board(place=place, need=filters.need or "")
    return paginate(qs, filters, project_row)


@router.get(
    "/projects/{uuid:public_id}",
    auth=OPTIONAL,
    response=SpaceProjectDetailOut,
    summary="A revitalisation project",
)
def get_project(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """A project with its offers and milestones."""
    project = selectors.project_by_public_id(public_id)
    if project is None:
        raise NotFound()
    return {
        **project_row(project),
        "progress": selectors.project_progress(project),
        "offers": [
            {
                "id": str(o.public_id),
                "need": o.need,
                "organisation": o.organisation,
                "description": o.description,
                "status": o.status,
                "created_at": o.created_at.isoformat(),
            }
            for o in project.offers.all()
        ],
        "milestones": [
            {
                "title": m.title,
                "starts_on": m.starts_on.isoformat(),
                "ends_on": m.ends_on.isoformat(),
                "status": m.status,
                "progress": m.progress,
            }
            for m in project.milestones.all()
        ],
    }


@router.get("/me/statement", auth=REQUIRED, response=SpaceStatementOut, summary="Your statement")
def get_statement(request: HttpRequest) -> dict[str, Any]:
    """What the caller stated about themselves (all null: nothing)."""
    return _statement_out(_user(request))


@router.put("/me/statement", auth=REQUIRED, response=SpaceStatementOut, summary="State who you are")
def put_statement(request: HttpRequest, payload: SpaceStatementIn) -> dict[str, Any]:
    """Replace the caller's statement; stating nothing withdraws it."""
    user = _user(request)
    place = selectors.place_by_code(payload.place) if payload.place else None
    if payload.place and place is None:
        from opengov.core.errors import ServiceError

        raise ServiceError("invalid", _("Unknown place code."), field="place")
    services.statement_set(
        actor=user,
        age_band=payload.age_band or "",
        gender=payload.gender or "",
        new_immigrant=payload.new_immigrant,
        indigenous=payload.indigenous,
        hakka=payload.hakka,
        place=place,
    )
    return _statement_out(user)


@router.delete(
    "/me/statement", auth=REQUIRED, response=SpaceStatementOut, summary="Withdraw your statement"
)
def delete_statement(request: HttpRequest) -> dict[str, Any]:
    """Withdraw everything the caller stated; it leaves every aggregate at once."""
    user = _user(request)
    services.statement_withdraw(actor=user)
    return _statement_out(user)


@router.get("/{key}", auth=OPTIONAL, response=SpaceDetailOut, summary="A participation space")
def get_space(request: HttpRequest, key: str) -> dict[str, Any]:
    """A space with its rules, what is held in it, offline input and participation."""
    space = selectors.space_by_slug(_user(request), key)
    if space is None:
        raise NotFound()
    content = selectors.space_content(space)
    data = selectors.participation(space)
    return {
        **space_row(space),
        "proposals": [str(p.public_id) for p in content["proposals"]],
        "consultations": [str(c.public_id) for c in content["consultations"]],
        "offline_input": [
            {"channel": t["channel"], "entries": t["entries"], "people": t["people"]}
            for t in selectors.channel_totals(selectors.offline_inputs(space=space))
        ],
        "translations": translations_of(space),
        "participation": {
            "min_cell": data.min_cell,
            "total": data.total,
            "in_audience": data.in_audience,
            "outside_audience": data.outside_audience,
            "audience_not_stated": data.not_stated,
            "groups": [
                {"dimension": dimension, "group": key, "people": value}
                for dimension, cells in data.groups.items()
                for key, _label, value in cells
            ],
        },
    }


@router.put(
    "/{key}/translations/{language}",
    auth=REQUIRED,
    response=SpaceTranslationOut,
    summary="Translate a space's name and description",
)
def put_space_translation(
    request: HttpRequest, key: str, language: str, payload: SpaceTranslationIn
) -> dict[str, Any]:
    """The space's moderators translate its name and description into a shipped language
    (`/api/v1/spaces/{key}` lists `translations`); each change is in the audit log."""
    user = _user(request)
    space = selectors.space_by_slug(user, key)
    if space is None:
        raise NotFound()
    if not can_moderate(user, space):
        raise Forbidden(_("Only the space's moderators can translate it."))
    with transaction.atomic():
        for name, text in payload.dict(exclude_unset=True).items():
            content_translation_set(
                actor=user, obj=space, field=name, language=language, text=text or ""
            )
    return {"language": language, "fields": translations_of(space).get(language, {})}
