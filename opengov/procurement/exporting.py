"""Publishing OCDS 1.1: release packages (every release as published) and record packages
(each process's releases and its compiled release), streamed for bulk downloads, and the flat
CSV of contracts. Valid against the official OCDS 1.1.5 package schemas (tests validate them
with jsonschema against ../shared/standards/ocds-1.1.5)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.urls import reverse

from opengov.core import clock, csvsafe

from . import ocds
from .models import Contract, Record, Release

PUBLISHER = "opengov"
#: rows read per database round trip while streaming
CHUNK = 500


def _publisher() -> dict[str, str]:
    return {"name": getattr(settings, "OPENGOV_PUBLISHER", PUBLISHER)}


def _package_head(uri: str) -> dict[str, Any]:
    return {
        "uri": uri,
        "version": ocds.VERSION,
        "extensions": [ocds.BID_EXTENSION_URL],
        "publishedDate": clock.now().isoformat(timespec="seconds"),
        "publisher": _publisher(),
    }


def release_package(releases: list[dict[str, Any]], *, uri: str) -> dict[str, Any]:
    """A release package of these releases."""
    return {**_package_head(uri), "releases": releases}


def record_of(
    record: Record, releases: list[dict[str, Any]] | None = None, *, base: str
) -> dict[str, Any]:
    """One OCDS record: its releases as published (embedded) and its compiled release. A
    process that came as a record package keeps its compiled release only, and links to its
    record on the platform (`base` is the package's URI, which gives the host)."""
    if releases is None:
        releases = list(
            Release.objects.filter(ocid=record.ocid)
            .order_by("date", "pk")
            .values_list("data", flat=True)
        )
    compiled = record.compiled
    if not releases:  # linked release: the compiled one
        releases = [
            {
                "url": urljoin(base, reverse("procurement:record", args=[record.ocid])),
                "date": compiled.get("date") or clock.now().isoformat(timespec="seconds"),
                "tag": ["compiled"],
            }
        ]
    return {"ocid": record.ocid, "releases": releases, "compiledRelease": compiled}


def record_package(records: Iterable[Record], *, uri: str) -> dict[str, Any]:
    """A record package of these processes."""
    return {**_package_head(uri), "records": [record_of(r, base=uri) for r in records]}


def _stream_array(head: dict[str, Any], key: str, items: Iterator[dict[str, Any]]) -> Iterator[str]:
    """A JSON object written piece by piece, its `key` array streamed from `items`."""
    opening = json.dumps(head, ensure_ascii=False)[:-1]
    yield opening + f', "{key}": ['
    first = True
    for item in items:
        yield ("" if first else ",\n") + json.dumps(item, ensure_ascii=False)
        first = False
    yield "]}\n"


def _all_releases() -> Iterator[dict[str, Any]]:
    rows = Release.objects.order_by("ocid", "date", "pk").values_list("data", flat=True)
    yield from rows.iterator(chunk_size=CHUNK)


def _all_records(base: str) -> Iterator[dict[str, Any]]:
    for record in Record.objects.order_by("ocid").iterator(chunk_size=CHUNK):
        yield record_of(record, base=base)


def stream_release_package(uri: str) -> Iterator[str]:
    """Every release held, as one release package (streamed)."""
    return _stream_array(_package_head(uri), "releases", _all_releases())


def stream_record_package(uri: str) -> Iterator[str]:
    """Every process, as one record package (streamed)."""
    return _stream_array(_package_head(uri), "records", _all_records(uri))


def compiled_releases() -> Iterator[dict[str, Any]]:
    """Every compiled release (the red-flag engine reads them as JSON Lines)."""
    rows = Record.objects.order_by("ocid").values_list("compiled", flat=True)
    yield from rows.iterator(chunk_size=CHUNK)


def amount_text(amount: Decimal | None) -> str:
    """An amount without trailing zeros ("308100", "100.5"; "" when unknown)."""
    if amount is None:
        return ""
    if amount == amount.to_integral_value():
        return str(int(amount))
    return format(amount.normalize(), "f")


CONTRACT_COLUMNS = (
    "ocid",
    "contract_id",
    "title",
    "buyer",
    "buyer_id",
    "supplier",
    "supplier_business_number",
    "category",
    "amount",
    "currency",
    "date_signed",
    "period_start",
    "period_end",
    "status",
)


def contract_rows() -> Iterator[dict[str, Any]]:
    """One row per contract and supplier (flat, for spreadsheets)."""
    rows = (
        Contract.objects.select_related("record", "award")
        .prefetch_related("award__suppliers")
        .order_by("record__ocid", "contract_id", "pk")
    )
    for c in rows.iterator(chunk_size=CHUNK):
        suppliers = list(c.award.suppliers.all()) if c.award else []
        for s in suppliers or [None]:
            yield {
                "ocid": c.record.ocid,
                "contract_id": c.contract_id,
                "title": c.title or c.record.title,
                "buyer": c.record.buyer_name,
                "buyer_id": c.record.buyer_identifier,
                "supplier": s.name if s else "",
                "supplier_business_number": s.business_number if s else "",
                "category": c.category,
                "amount": amount_text(c.amount),
                "currency": c.currency,
                "date_signed": c.date_signed.isoformat() if c.date_signed else "",
                "period_start": c.period_start.isoformat() if c.period_start else "",
                "period_end": c.period_end.isoformat() if c.period_end else "",
                "status": c.status,
            }


def contracts_csv() -> Iterator[str]:
    """`contract_rows` as CSV for spreadsheets (UTF-8 with BOM, formula-like cells inert)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CONTRACT_COLUMNS)
    writer.writeheader()
    yield csvsafe.BOM_TEXT + buffer.getvalue()
    for row in contract_rows():
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(csvsafe.spreadsheet_dict(row))
        yield buffer.getvalue()
