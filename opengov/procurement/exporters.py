"""Open data published by procurement: contracts (with suppliers, category and performance
period), awards, red flags with their evidence, and the compiled releases (OCDS). The full
OCDS release and record packages are downloads at /procurement/releases.json and
/procurement/records.json."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from opengov.core.exporters import Exporter, ExportField, register

KEYWORDS = ("procurement", "OCDS", "open contracting", "政府採購")


def _contract_rows() -> Iterator[dict[str, Any]]:
    from .exporting import contract_rows

    yield from contract_rows()


def _award_rows() -> Iterator[dict[str, Any]]:
    from .exporting import amount_text
    from .models import Award

    rows = (
        Award.objects.select_related("record")
        .prefetch_related("suppliers")
        .order_by("record__ocid", "award_id", "pk")
    )
    for a in rows.iterator(chunk_size=500):
        for s in list(a.suppliers.all()) or [None]:
            yield {
                "ocid": a.record.ocid,
                "award_id": a.award_id,
                "status": a.status,
                "date": a.date,
                "amount": amount_text(a.amount) or None,
                "currency": a.currency,
                "supplier": s.name if s else "",
                "supplier_id": s.key if s else "",
                "buyer": a.record.buyer_name,
            }


def _flag_rows() -> Iterator[dict[str, Any]]:
    from .models import FlagHit

    for h in FlagHit.objects.order_by("code", "ocid", "pk").iterator(chunk_size=2000):
        yield {
            "code": h.code,
            "ocid": h.ocid,
            "subject": h.subject,
            "subject_id": h.subject_id,
            "evidence": h.evidence,
            "found_at": h.found_at,
        }


def _compiled_rows() -> Iterator[dict[str, Any]]:
    from .exporting import compiled_releases

    for compiled in compiled_releases():
        yield {"ocid": compiled.get("ocid", ""), "compiled_release": compiled}


CONTRACT_FIELDS = (
    ExportField("ocid", "string", _("Process identifier (ocid)")),
    ExportField("contract_id", "string", _("Contract identifier")),
    ExportField("title", "string", _("Title")),
    ExportField("buyer", "string", _("Buyer")),
    ExportField("buyer_id", "string", _("Buyer identifier")),
    ExportField("supplier", "string", _("Supplier")),
    ExportField("supplier_business_number", "string", _("Supplier's unified business number")),
    ExportField("category", "string", _("works, goods or services")),
    ExportField("amount", "number", _("Amount")),
    ExportField("currency", "string", _("Currency")),
    ExportField("date_signed", "date", _("Date signed")),
    ExportField("period_start", "date", _("Performance starts")),
    ExportField("period_end", "date", _("Performance ends (empty: not finished)")),
    ExportField("status", "string", _("OCDS contract status")),
)

register(
    Exporter(
        slug="procurement-contracts",
        app_label="procurement",
        title=_("Public procurement contracts"),
        description=_(
            "Every contract of the contracting processes published in OCDS, one row per "
            "supplier, with its category, amount and performance period (a large procurement, "
            "巨額採購, is works from NT$200 million, goods from NT$100 million, services from "
            "NT$20 million)."
        ),
        fields=CONTRACT_FIELDS,
        rows=_contract_rows,
        keywords=KEYWORDS,
    )
)
register(
    Exporter(
        slug="procurement-awards",
        app_label="procurement",
        title=_("Public procurement awards"),
        description=_("Every award decision, one row per supplier."),
        fields=(
            ExportField("ocid", "string", _("Process identifier (ocid)")),
            ExportField("award_id", "string", _("Award identifier")),
            ExportField("status", "string", _("OCDS award status")),
            ExportField("date", "datetime", _("Award date")),
            ExportField("amount", "number", _("Amount")),
            ExportField("currency", "string", _("Currency")),
            ExportField("supplier", "string", _("Supplier")),
            ExportField("supplier_id", "string", _("Supplier identifier")),
            ExportField("buyer", "string", _("Buyer")),
        ),
        rows=_award_rows,
        keywords=KEYWORDS,
    )
)
register(
    Exporter(
        slug="procurement-red-flags",
        app_label="procurement",
        title=_("Procurement red flags"),
        description=_(
            "Red flags found in the contracting processes (Cardinal's indicators and others), "
            "each with its evidence: the values compared and the threshold or quartiles and "
            "fence used. A red flag is a pattern worth a closer look, not a finding."
        ),
        fields=(
            ExportField("code", "string", _("Flag code")),
            ExportField("ocid", "string", _("Process identifier (ocid)")),
            ExportField("subject", "string", _("process, buyer, supplier or tenderer")),
            ExportField("subject_id", "string", _("Identifier of what the flag is raised on")),
            ExportField("evidence", "object", _("Values compared and thresholds used")),
            ExportField("found_at", "datetime", _("When the flags were last run")),
        ),
        rows=_flag_rows,
        keywords=(*KEYWORDS, "red flags"),
    )
)
register(
    Exporter(
        slug="procurement-compiled-releases",
        app_label="procurement",
        title=_("Compiled releases (OCDS 1.1)"),
        description=_(
            "The compiled release of every contracting process (OCDS 1.1 with the bid "
            "extension), as merged from its releases."
        ),
        fields=(
            ExportField("ocid", "string", _("Process identifier (ocid)")),
            ExportField("compiled_release", "object", _("OCDS compiled release")),
        ),
        rows=_compiled_rows,
        keywords=KEYWORDS,
    )
)
