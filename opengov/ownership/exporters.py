"""Open data published by ownership: the public part of the register only (see `rules.py`):
each entity's beneficial owners with their share band, and the links the public may see.
No ID numbers, dates of birth, addresses or exact holdings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from opengov.core.exporters import Exporter, ExportField, register

KEYWORDS = ("beneficial ownership", "BODS", "實質受益人")


def _owner_rows() -> Iterator[dict[str, Any]]:
    from . import selectors

    for entity in selectors.all_entities_for_export():
        net = selectors.network(entity, down=False)
        det = selectors.determination(net)
        view = selectors.public_view(net, det)
        for owner in view["owners"]:
            yield {
                "entity_id": str(entity.public_id),
                "entity_name": entity.name,
                "business_number": entity.business_number,
                "owner_id": owner["person"]["id"],
                "owner_name": owner["person"]["name"],
                "nationality": owner["person"]["nationality"],
                "basis": owner["basis"],
                "share_band": owner["band"],
                "direct": owner["direct"],
            }


def _bods_rows() -> Iterator[dict[str, Any]]:
    from .exporting import bods_statements

    for s in bods_statements(full=False):
        details = s["recordDetails"]
        yield {
            "statement_id": s["statementId"],
            "record_id": s["recordId"],
            "record_type": s["recordType"],
            "statement_date": s["statementDate"],
            "record_details": details,
        }


register(
    Exporter(
        slug="ownership-beneficial-owners",
        app_label="ownership",
        title=_("Beneficial owners of entities"),
        description=_(
            "For each entity, the natural persons identified as its beneficial owners (more "
            "than the profile's threshold, directly or indirectly; failing that by control, "
            "then senior management), with their share as a band. The confidential register "
            "(Company Act Art. 22-1) is not published."
        ),
        fields=(
            ExportField("entity_id", "string", _("Entity identifier")),
            ExportField("entity_name", "string", _("Entity name")),
            ExportField("business_number", "string", _("Unified business number")),
            ExportField("owner_id", "string", _("Owner identifier")),
            ExportField("owner_name", "string", _("Owner name")),
            ExportField("nationality", "string", _("Owner nationality")),
            ExportField("basis", "string", _("ownership, control or senior_management")),
            ExportField("share_band", "string", _("Share band (e.g. more than 25 %)")),
            ExportField("direct", "boolean", _("Held directly")),
        ),
        rows=_owner_rows,
        keywords=KEYWORDS,
    )
)
register(
    Exporter(
        slug="ownership-bods-statements",
        app_label="ownership",
        title=_("Beneficial ownership statements (BODS 0.4)"),
        description=_(
            "The public part of the register as BODS 0.4 statements: entities, beneficial "
            "owners and the links between them, shares as bands."
        ),
        fields=(
            ExportField("statement_id", "string", _("Statement identifier")),
            ExportField("record_id", "string", _("Record identifier")),
            ExportField("record_type", "string", _("entity, person or relationship")),
            ExportField("statement_date", "date", _("Statement date")),
            ExportField("record_details", "object", _("BODS recordDetails")),
        ),
        rows=_bods_rows,
        keywords=KEYWORDS,
    )
)
