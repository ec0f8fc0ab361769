"""Open data of the spaces app: the spaces (with their rules and sources), participation by
group (small cells held back, exactly as on the spaces' pages), offline input by channel,
the revitalisation board, and the places with their official codes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from opengov.core.exporters import Exporter, ExportField, latest, latest_in, register


def _published():
    from .models import Space

    return Space.objects.filter(published_at__isnull=False).select_related(
        "host_agency", "place", "audience_place"
    )


def _space_rows() -> Iterator[dict[str, Any]]:
    for space in _published().order_by("slug"):
        yield space_row(space)


def space_row(space: Any) -> dict[str, Any]:
    """A space as open data and the API show it."""
    return {
        "key": space.slug,
        "name": space.name,
        "kind": space.kind,
        "host_agency": space.host_agency.code,
        "place": space.place.code if space.place_id else None,
        "audience": space.audience,
        "audience_place": space.audience_place.code if space.audience_place_id else None,
        "audience_only": space.audience_only,
        "languages": ";".join(space.languages),
        "cosign_threshold": space.cosign_threshold,
        "cosign_window_days": space.cosign_window_days,
        "rules_source": space.rules_source,
        "published_at": space.published_at.isoformat() if space.published_at else None,
    }


def _spaces_changed():
    from .models import Space

    return latest_in(Space.objects.filter(published_at__isnull=False), "updated_at")


def _participation_rows() -> Iterator[dict[str, Any]]:
    from . import selectors

    for space in _published().order_by("slug"):
        data = selectors.participation(space)
        yield {
            "space": space.slug,
            "dimension": "audience",
            "group": "total",
            "people": data.total,
        }
        for group, value in (
            ("in_audience", data.in_audience),
            ("outside_audience", data.outside_audience),
            ("audience_not_stated", data.not_stated),
        ):
            yield {"space": space.slug, "dimension": "audience", "group": group, "people": value}
        for dimension, cells in data.groups.items():
            for key, _label, value in cells:
                yield {"space": space.slug, "dimension": dimension, "group": key, "people": value}


def _offline_rows() -> Iterator[dict[str, Any]]:
    from .models import OfflineInput

    qs = OfflineInput.objects.select_related("space", "event").order_by("id")
    for row in qs.iterator(chunk_size=500):
        yield {
            "id": str(row.public_id),
            "space": row.space.slug,
            "channel": row.channel,
            "event": str(row.event.public_id) if row.event_id else None,
            "event_title": row.event.title if row.event_id else None,
            "held_on": row.event.held_on.isoformat() if row.event_id else None,
            "target_kind": row.target_kind,
            "target_id": str(row.target_id),
            "people": row.people,
            "summary": row.summary,
            "entered_at": row.entered_at.isoformat(),
        }


def _offline_changed():
    from .models import OfflineInput

    return latest_in(OfflineInput.objects.all(), "entered_at")


def project_row(project: Any) -> dict[str, Any]:
    """A revitalisation project as open data and the API show it."""
    return {
        "id": str(project.public_id),
        "title": project.title,
        "team": project.team,
        "place": project.place.code,
        "space": project.space.slug if project.space_id else None,
        "problem": project.problem,
        "plan": project.plan,
        "needs": ";".join(project.needs),
        "needs_detail": project.needs_detail,
        "created_at": project.created_at.isoformat(),
    }


def _project_rows() -> Iterator[dict[str, Any]]:
    from .models import Project

    for project in Project.objects.select_related("place", "space").order_by("id"):
        yield project_row(project)


def _projects_changed():
    from .models import Offer, ProgressReport, Project

    return latest(
        latest_in(Project.objects.all(), "updated_at"),
        latest_in(Offer.objects.all(), "created_at"),
        latest_in(ProgressReport.objects.all(), "reported_at"),
    )


def _place_rows() -> Iterator[dict[str, Any]]:
    from .models import Place

    for place in Place.objects.select_related("county").order_by("code"):
        yield {
            "code": place.code,
            "level": place.level,
            "name_zh_hant": place.name_zh_hant,
            "name_en": place.name_en or "",
            "county_code": place.county.code if place.county_id else "",
        }


register(
    Exporter(
        slug="participation-spaces",
        app_label="spaces",
        title=_("Participation spaces and their rules"),
        description=_(
            "Every public participation space: host agency, place, audience, languages, and "
            "the co-signature threshold and window it sets within what the law allows, with "
            "their source."
        ),
        fields=(
            ExportField("key", "string", _("Key of the space")),
            ExportField("name", "string", _("Name")),
            ExportField("kind", "string", _("commitment, local or revitalisation")),
            ExportField("host_agency", "string", _("Host agency code")),
            ExportField("place", "string", _("Place code (Ministry of the Interior)")),
            ExportField("audience", "string", _("Who the space is for")),
            ExportField("audience_place", "string", _("Place of a residents' audience")),
            ExportField("audience_only", "boolean", _("Only the audience may propose")),
            ExportField("languages", "string", _("Languages, separated by ;")),
            ExportField("cosign_threshold", "integer", _("The space's own threshold")),
            ExportField("cosign_window_days", "integer", _("The space's own window in days")),
            ExportField("rules_source", "string", _("Source of the space's rules")),
            ExportField("published_at", "datetime", _("Published")),
        ),
        rows=_space_rows,
        last_changed=_spaces_changed,
        keywords=("participation", "inclusion", "spaces"),
    )
)

register(
    Exporter(
        slug="space-participation",
        app_label="spaces",
        title=_("Participation in spaces by group (small cells suppressed)"),
        description=_(
            "How many people took part in each space, by the groups they chose to state (age "
            "band, gender, new immigrant, indigenous, Hakka) and against the space's "
            "audience. No figure is given for fewer than 10 people (the cell is empty), and a "
            "second cell is held back where a total would reveal the first."
        ),
        fields=(
            ExportField("space", "string", _("Key of the space")),
            ExportField("dimension", "string", _("audience, age_band, gender, ...")),
            ExportField("group", "string", _("Group within the dimension")),
            ExportField("people", "integer", _("People (empty: fewer than 10, held back)")),
        ),
        rows=_participation_rows,
        update_frequency="daily",
        keywords=("participation", "inclusion", "statistics"),
    )
)

register(
    Exporter(
        slug="space-offline-input",
        app_label="spaces",
        title=_("Offline input entered into proposals and consultations"),
        description=_(
            "Input gathered at workshops, on paper forms, by hotline and at community "
            "meetings, entered by officials with its channel, the event and how many people "
            "gave it."
        ),
        fields=(
            ExportField("id", "string", _("Public identifier")),
            ExportField("space", "string", _("Key of the space")),
            ExportField("channel", "string", _("Channel")),
            ExportField("event", "string", _("Event identifier")),
            ExportField("event_title", "string", _("Event")),
            ExportField("held_on", "date", _("Day of the event")),
            ExportField("target_kind", "string", _("proposal or consultation")),
            ExportField("target_id", "string", _("Public identifier of the target")),
            ExportField("people", "integer", _("Number of people")),
            ExportField("summary", "string", _("What was said")),
            ExportField("entered_at", "datetime", _("Entered")),
        ),
        rows=_offline_rows,
        last_changed=_offline_changed,
        keywords=("participation", "offline"),
    )
)

register(
    Exporter(
        slug="revitalisation-projects",
        app_label="spaces",
        title=_("Regional revitalisation projects"),
        description=_(
            "Local teams' regional revitalisation projects: place, problem, plan and needs."
        ),
        fields=(
            ExportField("id", "string", _("Public identifier")),
            ExportField("title", "string", _("Title")),
            ExportField("team", "string", _("Team")),
            ExportField("place", "string", _("Place code (Ministry of the Interior)")),
            ExportField("space", "string", _("Key of the space")),
            ExportField("problem", "string", _("Problem")),
            ExportField("plan", "string", _("Plan")),
            ExportField("needs", "string", _("Needs, separated by ;")),
            ExportField("needs_detail", "string", _("What exactly is needed")),
            ExportField("created_at", "datetime", _("Posted")),
        ),
        rows=_project_rows,
        last_changed=_projects_changed,
        keywords=("regional revitalisation", "地方創生"),
    )
)

register(
    Exporter(
        slug="places",
        app_label="spaces",
        title=_("Counties, cities and townships with official codes"),
        description=_(
            "The 22 counties and cities and their townships with the Ministry of the "
            "Interior's administrative division codes."
        ),
        fields=(
            ExportField("code", "string", _("Code")),
            ExportField("level", "string", _("county or township")),
            ExportField("name_zh_hant", "string", _("Name in Chinese")),
            ExportField("name_en", "string", _("Name in English")),
            ExportField("county_code", "string", _("County or city code of a township")),
        ),
        rows=_place_rows,
        update_frequency="irregular",
        keywords=("places", "administrative divisions"),
    )
)
