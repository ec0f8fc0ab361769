"""Reads of the spaces app: spaces with what is held in them, places, the revitalisation board,
and participation by group (always computed from the statements, so a withdrawn statement
leaves every figure at once, and published only through `rules.suppress`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from opengov.consultations import selectors as consultation_selectors
from opengov.proposals import selectors as proposal_selectors

from . import rules
from .models import (
    AgeBand,
    Audience,
    Channel,
    Event,
    Gender,
    Need,
    OfflineInput,
    ParticipantStatement,
    Place,
    PlaceLevel,
    Project,
    ProjectMilestone,
    Space,
    SpaceKind,
)
from .permissions import visible_spaces


def counties() -> QuerySet[Place]:
    """The 22 counties and cities, by official code."""
    return Place.objects.filter(level=PlaceLevel.COUNTY).order_by("code")


def place_by_code(code: str) -> Place | None:
    """A county, city or township by its official code."""
    if not code or not str(code).isdigit() or len(str(code)) not in (5, 8):
        return None
    return Place.objects.select_related("county").filter(code=code).first()


def place_choices(*, townships: bool = True) -> list[tuple[str, str]]:
    """(code, name) of every county and (optionally) township, for forms."""
    qs = Place.objects.select_related("county").order_by("code")
    if not townships:
        qs = qs.filter(level=PlaceLevel.COUNTY)
    return [(p.code, str(p)) for p in qs]


def space_list(
    user: Any, *, kind: str = "", place: Place | None = None, audience: str = ""
) -> QuerySet[Space]:
    """The spaces the person may see, filtered by kind, place (a county includes its
    townships) and audience."""
    qs = visible_spaces(user)
    if kind:
        qs = qs.filter(kind=kind)
    if audience:
        qs = qs.filter(audience=audience)
    if place is not None:
        qs = qs.filter(Q(place__code__startswith=place.code) | Q(audience_place=place))
    return qs.order_by("kind", "slug")


def space_by_slug(user: Any, slug: str) -> Space | None:
    """The space with this slug that the person may see, or None."""
    return visible_spaces(user).filter(slug=str(slug)[:50]).first()


def space_content(space: Space) -> dict[str, Any]:
    """What is held in a space: its proposals, consultations and events."""
    return {
        "proposals": list(proposal_selectors.in_space(space.slug).order_by("-published_at")[:50]),
        "consultations": list(
            consultation_selectors.in_space(space.slug).order_by("-published_at")[:50]
        ),
        "events": list(space.events.select_related("place", "place__county")[:50]),
    }


def offline_inputs(*, space: Space | None = None, target_id: Any = None) -> QuerySet[OfflineInput]:
    """Offline input, of a space or of one proposal or consultation."""
    qs = OfflineInput.objects.select_related("event", "space")
    if space is not None:
        qs = qs.filter(space=space)
    if target_id is not None:
        qs = qs.filter(target_id=target_id)
    return qs


def channel_totals(qs: QuerySet[OfflineInput]) -> list[dict[str, Any]]:
    """Entries and people per offline channel, in the channels' order."""
    rows = {
        r["channel"]: r
        for r in qs.values("channel").annotate(entries=Count("id"), people=Sum("people"))
    }
    return [
        {
            "channel": c,
            "label": label,
            "entries": rows[c]["entries"],
            "people": rows[c]["people"],
        }
        for c, label in Channel.choices
        if c in rows
    ]


# --- participation by group ----------------------------------------------------------------

DIMENSIONS: tuple[tuple[str, Any], ...] = (
    ("age_band", AgeBand),
    ("gender", Gender),
    ("new_immigrant", None),
    ("indigenous", None),
    ("hakka", None),
)


@dataclass
class Participation:
    """Participation in a space by stated group, fit to publish: every figure under the
    minimum cell (`min_cell`, from `jurisdiction().spaces`) is None, and so is a second one
    where a total would give the first away."""

    total: int | None
    in_audience: int | None
    outside_audience: int | None
    not_stated: int | None
    min_cell: int
    groups: dict[str, list[tuple[str, str, int | None]]] = field(default_factory=dict)


def participant_q(space: Space, field: str = "pk") -> Q:
    """People who took part online in the space (proposed, co-signed or commented), as a
    filter on `field` (a user id), so the database does the counting."""
    return Q(**{f"{field}__in": proposal_selectors.space_participant_ids(space.slug)}) | Q(
        **{f"{field}__in": consultation_selectors.space_participant_ids(space.slug)}
    )


STATED_FIELDS = ("age_band", "gender", "new_immigrant", "indigenous", "hakka", "place__code")
#: the same, under the names `rules.in_audience` reads
STATED_KEYS = ("age_band", "gender", "new_immigrant", "indigenous", "hakka", "place")


def participation(space: Space) -> Participation:
    """Participation in `space` by group, against its audience, with small cells held back.
    The total is one database count; only the (few) statements are read, as tuples."""
    from django.contrib.auth import get_user_model

    total = get_user_model().objects.filter(participant_q(space)).count()
    stated = [
        dict(zip(STATED_KEYS, row, strict=True))
        for row in ParticipantStatement.objects.filter(participant_q(space, "user_id"))
        .values_list(*STATED_FIELDS)
        .iterator(chunk_size=5000)
    ]
    place_code = space.audience_place.code if space.audience_place_id else ""
    inside = sum(
        1 for s in stated if rules.in_audience(space.audience, s, audience_place=place_code)
    )
    if space.audience == Audience.EVERYONE:
        audience_cells = {"in": total, "out": 0, "not_stated": 0}
    else:
        audience_cells = {
            "in": inside,
            "out": len(stated) - inside,
            "not_stated": total - len(stated),
        }
    shown = rules.suppress(audience_cells)
    groups: dict[str, list[tuple[str, str, int | None]]] = {}
    for name, choices in DIMENSIONS:
        counts: Counter[str] = Counter()
        for s in stated:
            value = s[name]
            if value in ("", None):
                counts["not_stated"] += 1
            elif choices is None:
                counts["yes" if value else "no"] += 1
            else:
                counts[str(value)] += 1
        counts["not_stated"] += total - len(stated)
        keys = list(choices.values) if choices is not None else ["yes", "no"]
        keys.append("not_stated")
        cells = rules.suppress({k: counts.get(k, 0) for k in keys})
        groups[name] = [(k, group_label(name, k), cells[k]) for k in keys]
    return Participation(
        total=rules.suppress_total(total),
        in_audience=shown["in"],
        outside_audience=shown["out"],
        not_stated=shown["not_stated"],
        groups=groups,
        min_cell=rules.rules().min_cell,
    )


def group_label(dimension: str, key: str) -> str:
    """A group's name in words."""
    from django.utils.translation import gettext as _

    if key == "not_stated":
        return _("Not stated")
    if dimension == "age_band":
        return str(AgeBand(key).label)
    if dimension == "gender":
        return str(Gender(key).label)
    return _("Yes") if key == "yes" else _("No")


def dimension_label(dimension: str) -> str:
    """A dimension's name in words."""
    from django.utils.translation import gettext as _

    return {
        "age_band": _("Age band"),
        "gender": _("Gender"),
        "new_immigrant": _("New immigrant"),
        "indigenous": _("Indigenous"),
        "hakka": _("Hakka"),
    }[dimension]


def statement_of(user: Any) -> ParticipantStatement | None:
    """What the person stated, if anything."""
    if not getattr(user, "is_authenticated", False):
        return None
    return ParticipantStatement.objects.select_related("place").filter(user=user).first()


# --- regional revitalisation board -----------------------------------------------------------


def project_board(*, place: Place | None = None, need: str = "") -> QuerySet[Project]:
    """Projects on the public board, by place (a county includes its townships) and need."""
    qs = Project.objects.select_related("place", "place__county", "space").annotate(
        offer_count=Count("offers", distinct=True)
    )
    if place is not None:
        qs = qs.filter(place__code__startswith=place.code)
    if need in Need.values:
        # JSON containment differs between databases: match the quoted value in the list
        qs = qs.filter(needs__icontains=f'"{need}"')
    return qs.order_by("-created_at", "-id")


def project_by_public_id(public_id: Any) -> Project | None:
    """A project (every project on the board is public), with its offers and milestones."""
    import uuid

    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        return None
    return (
        Project.objects.select_related("place", "place__county", "space", "posted_by")
        .prefetch_related(
            "offers__agency",
            Prefetch(
                "milestones",
                queryset=ProjectMilestone.objects.prefetch_related("reports"),
            ),
        )
        .filter(public_id=key)
        .first()
    )


def project_progress(project: Project) -> int:
    """A project's progress: the mean of its milestones' progress (0 without milestones)."""
    milestones = list(project.milestones.all())
    if not milestones:
        return 0
    return round(sum(m.progress for m in milestones) / len(milestones))


def events_of(space: Space) -> QuerySet[Event]:
    """A space's events, newest first."""
    return space.events.select_related("place", "place__county")


def kinds() -> list[tuple[str, str]]:
    """Space kinds, for filters."""
    return list(SpaceKind.choices)
