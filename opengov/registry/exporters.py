"""Open data published by the registry: organisations (with their business-number flags),
their names over time, board seats over time, people (names and IDs only as published) and
their public positions. The keyed hash of an ID number is never published."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from opengov.core.exporters import Exporter, ExportField, register


def _organisation_rows() -> Iterator[dict[str, Any]]:
    from . import serializers
    from .models import Organisation

    for org in Organisation.objects.order_by("id").iterator(chunk_size=2000):
        yield serializers.organisation_fields(org)


def _name_rows() -> Iterator[dict[str, Any]]:
    from .models import OrganisationName

    rows = OrganisationName.objects.order_by("organisation_id", "valid_from", "id").values(
        "organisation__public_id", "name", "valid_from", "valid_to"
    )
    for row in rows.iterator(chunk_size=2000):
        yield {
            "organisation_id": str(row["organisation__public_id"]),
            "name": row["name"],
            "valid_from": row["valid_from"],
            "valid_to": row["valid_to"],
        }


def _seat_rows() -> Iterator[dict[str, Any]]:
    from .models import BoardSeat

    rows = BoardSeat.objects.order_by("organisation_id", "order", "id").values(
        "organisation__public_id",
        "organisation__business_number",
        "position",
        "role",
        "person__public_id",
        "person__name",
        "represents__public_id",
        "represents_name",
        "shareholding",
        "valid_from",
        "valid_to",
    )
    for row in rows.iterator(chunk_size=2000):
        yield {
            "organisation_id": str(row["organisation__public_id"]),
            "business_number": row["organisation__business_number"],
            "position": row["position"],
            "role": row["role"],
            "person_id": str(row["person__public_id"]) if row["person__public_id"] else None,
            "person_name": row["person__name"],
            "represents_id": str(row["represents__public_id"])
            if row["represents__public_id"]
            else None,
            "represents_name": row["represents_name"],
            "shareholding": row["shareholding"],
            "valid_from": row["valid_from"],
            "valid_to": row["valid_to"],
        }


def _people_rows() -> Iterator[dict[str, Any]]:
    from .models import Person

    for row in (
        Person.objects.order_by("id")
        .values("public_id", "name", "masked_id", "nationality", "id_hash")
        .iterator(chunk_size=2000)
    ):
        yield {
            "id": str(row["public_id"]),
            "name": row["name"],
            "masked_id": row["masked_id"],
            "nationality": row["nationality"],
            "id_hash": row["id_hash"],
        }


def _position_rows() -> Iterator[dict[str, Any]]:
    from .models import Position

    rows = Position.objects.order_by("person_id", "valid_from", "id").values(
        "person__public_id",
        "person__name",
        "title",
        "category",
        "organisation__public_id",
        "organisation_name",
        "valid_from",
        "valid_to",
        "source",
    )
    for row in rows.iterator(chunk_size=2000):
        yield {
            "person_id": str(row["person__public_id"]),
            "person_name": row["person__name"],
            "title": row["title"],
            "category": row["category"],
            "organisation_id": str(row["organisation__public_id"])
            if row["organisation__public_id"]
            else None,
            "organisation_name": row["organisation_name"],
            "valid_from": row["valid_from"],
            "valid_to": row["valid_to"],
            "source": row["source"],
        }


register(
    Exporter(
        slug="registry-organisations",
        app_label="registry",
        title=_("Registry of organisations"),
        description=_(
            "Companies, civic groups, parties, government bodies and foundations known to the "
            "transparency systems: unified business number (with the reason when it fails the "
            "check), name, kind, status and its dates, address, capital, government share, "
            "party investment, years with accumulated losses and foreign, mainland-Chinese, "
            "Hong Kong or Macau main members."
        ),
        fields=(
            ExportField("id", "string", _("Public identifier")),
            ExportField("business_number", "string", _("Unified business number as known")),
            ExportField(
                "business_number_flag",
                "string",
                _("Why the number fails the check (checksum, length, masked, …), or empty"),
            ),
            ExportField("name", "string", _("Name")),
            ExportField("name_en", "string", _("English name")),
            ExportField("kind", "string", _("Kind of organisation")),
            ExportField("status", "string", _("Status today")),
            ExportField("status_text", "string", _("Status as the registry words it")),
            ExportField("set_up_on", "date", _("Set-up date")),
            ExportField("registered_on", "date", _("Registration date")),
            ExportField("suspended_from", "date", _("Suspended from")),
            ExportField("suspended_until", "date", _("Suspended until")),
            ExportField("dissolved_on", "date", _("Dissolved on")),
            ExportField("revoked_on", "date", _("Revoked on")),
            ExportField("address", "string", _("Address")),
            ExportField("representative", "string", _("Representative")),
            ExportField("capital", "integer", _("Capital (NT$)")),
            ExportField("paid_in_capital", "integer", _("Paid-in capital (NT$)")),
            ExportField("government_share", "number", _("Government share (%)")),
            ExportField("party_invested", "boolean", _("Run or invested in by a party")),
            ExportField("accumulated_loss_years", "object", _("Years with accumulated losses")),
            ExportField("foreign_main_member", "boolean", _("Foreign main member")),
            ExportField("mainland_main_member", "boolean", _("Mainland-Chinese main member")),
            ExportField("hong_kong_main_member", "boolean", _("Hong Kong main member")),
            ExportField("macau_main_member", "boolean", _("Macau main member")),
        ),
        rows=_organisation_rows,
        keywords=("registry", "companies", "beneficial ownership"),
    )
)

register(
    Exporter(
        slug="registry-organisation-names",
        app_label="registry",
        title=_("Names of organisations over time"),
        description=_("Every name an organisation bore, with the dates it was valid."),
        fields=(
            ExportField("organisation_id", "string", _("Public identifier of the organisation")),
            ExportField("name", "string", _("Name")),
            ExportField("valid_from", "date", _("Valid from (empty: since the first record)")),
            ExportField("valid_to", "date", _("Valid until, exclusive (empty: still in use)")),
        ),
        rows=_name_rows,
        keywords=("registry", "companies"),
    )
)

register(
    Exporter(
        slug="registry-board-seats",
        app_label="registry",
        title=_("Directors and supervisors over time"),
        description=_(
            "Every board seat of every organisation, current and past: position, the person, "
            "the legal person represented, shares held, and the dates the seat was held."
        ),
        fields=(
            ExportField("organisation_id", "string", _("Public identifier of the organisation")),
            ExportField("business_number", "string", _("Unified business number")),
            ExportField("position", "string", _("Position as published")),
            ExportField("role", "string", _("Role (chair, director, supervisor, …)")),
            ExportField("person_id", "string", _("Public identifier of the person")),
            ExportField("person_name", "string", _("Name of the person")),
            ExportField("represents_id", "string", _("Legal person represented (identifier)")),
            ExportField("represents_name", "string", _("Legal person represented (name)")),
            ExportField("shareholding", "integer", _("Shares held")),
            ExportField("valid_from", "date", _("Held from (empty: since the first import)")),
            ExportField("valid_to", "date", _("Held until, exclusive (empty: still held)")),
        ),
        rows=_seat_rows,
        keywords=("registry", "companies", "directors"),
    )
)

register(
    Exporter(
        slug="registry-people",
        app_label="registry",
        title=_("People in the registry"),
        description=_(
            "People known to the transparency systems: name, the ID number only as published "
            "(masked) and nationality."
        ),
        fields=(
            ExportField("id", "string", _("Public identifier")),
            ExportField("name", "string", _("Name")),
            ExportField("masked_id", "string", _("ID number as published (masked)")),
            ExportField("nationality", "string", _("Nationality")),
            ExportField("id_hash", "string", _("Keyed hash of the ID number"), personal=True),
        ),
        rows=_people_rows,
        keywords=("registry", "people"),
    )
)

register(
    Exporter(
        slug="registry-public-positions",
        app_label="registry",
        title=_("Public positions of politically exposed persons"),
        description=_("Public positions people hold or held, with their dates and source."),
        fields=(
            ExportField("person_id", "string", _("Public identifier of the person")),
            ExportField("person_name", "string", _("Name of the person")),
            ExportField("title", "string", _("Title")),
            ExportField("category", "string", _("Category")),
            ExportField("organisation_id", "string", _("Public identifier of the body")),
            ExportField("organisation_name", "string", _("Body")),
            ExportField("valid_from", "date", _("From")),
            ExportField("valid_to", "date", _("Until")),
            ExportField("source", "string", _("Source")),
        ),
        rows=_position_rows,
        keywords=("registry", "people", "PEP"),
    )
)
