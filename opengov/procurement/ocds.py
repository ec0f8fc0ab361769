"""OCDS 1.1 helpers (pure, no database): the merge rules the platform compiles records with,
the compiler, and reading values out of a compiled release.

The merge rules are the platform's own table, not derived at run time (deriving them means
reading and dereferencing a schema, which `ocdsmerge` would otherwise fetch over the network).
They are what OCDS 1.1.5's release schema (`release-schema.json`, tag 1__1__5) says through its
`omitWhenMerged` and `wholeListMerge` properties and its arrays of non-objects or of objects
without `id` (OCDS 1.1 merging: https://standard.open-contracting.org/1.1/en/schema/merging/),
plus those of the bid extension (`ocds_bid_extension`, `bids.details`). A test proves this
table equals what `ocdsmerge.rules.get_merge_rules` derives from the official schema files.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import ocdsmerge

OMIT = "omitWhenMerged"
WHOLE = "wholeListMerge"

#: OCDS 1.1.5 release schema: every field with a merge rule other than the default
CORE_MERGE_RULES: dict[tuple[str, ...], str] = {
    ("id",): OMIT,
    ("date",): OMIT,
    ("tag",): OMIT,
    ("parties", "roles"): WHOLE,
    ("parties", "additionalIdentifiers"): WHOLE,
    ("buyer", "additionalIdentifiers"): WHOLE,
    ("relatedProcesses", "relationship"): WHOLE,
    ("tender", "additionalProcurementCategories"): WHOLE,
    ("tender", "submissionMethod"): WHOLE,
    ("tender", "amendment", "changes"): WHOLE,
    ("tender", "amendments", "changes"): WHOLE,
    ("tender", "items", "additionalClassifications"): WHOLE,
    ("tender", "procuringEntity", "additionalIdentifiers"): WHOLE,
    ("tender", "tenderers", "additionalIdentifiers"): WHOLE,
    ("awards", "amendment", "changes"): WHOLE,
    ("awards", "amendments", "changes"): WHOLE,
    ("awards", "items", "additionalClassifications"): WHOLE,
    ("awards", "suppliers", "additionalIdentifiers"): WHOLE,
    ("contracts", "amendment", "changes"): WHOLE,
    ("contracts", "amendments", "changes"): WHOLE,
    ("contracts", "items", "additionalClassifications"): WHOLE,
    ("contracts", "relatedProcesses", "relationship"): WHOLE,
    ("contracts", "implementation", "transactions", "payee", "additionalIdentifiers"): WHOLE,
    ("contracts", "implementation", "transactions", "payer", "additionalIdentifiers"): WHOLE,
}

#: the bid extension's release schema (ocds_bid_extension, as in ../shared/standards)
BID_EXTENSION_MERGE_RULES: dict[tuple[str, ...], str] = {
    ("awards", "relatedBids"): WHOLE,
    ("contracts", "relatedBids"): WHOLE,
    ("bids", "details", "countriesOfOrigin"): WHOLE,
    ("bids", "details", "identifiers"): WHOLE,
    ("bids", "details", "relatedLots"): WHOLE,
    ("bids", "details", "items", "additionalClassifications"): WHOLE,
    ("bids", "details", "tenderers", "additionalIdentifiers"): WHOLE,
}

MERGE_RULES: dict[tuple[str, ...], str] = {**CORE_MERGE_RULES, **BID_EXTENSION_MERGE_RULES}

#: the one merger (it holds only the rules, so it is safe to share)
MERGER = ocdsmerge.Merger(merge_rules=MERGE_RULES)

#: OCDS 1.1 release and record packages the platform writes
VERSION = "1.1"
BID_EXTENSION_URL = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/"
    "v1.1.5/extension.json"
)


def compile_releases(releases: list[dict[str, Any]]) -> dict[str, Any]:
    """The compiled release of one process's releases (OCDS merge, sorted by date)."""
    return MERGER.create_compiled_release(releases)


def versioned_release(releases: list[dict[str, Any]]) -> dict[str, Any]:
    """The versioned release of one process's releases."""
    return MERGER.create_versioned_release(releases)


# ---- reading values --------------------------------------------------------------------------

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def decimal_or_none(value: Any) -> Decimal | None:
    """An OCDS amount as a Decimal (numbers only; None when absent or not a finite number)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value)) if math.isfinite(value) else None
    return None


def parse_datetime(value: Any) -> dt.datetime | None:
    """An OCDS date-time (ISO 8601); a bare date is midnight UTC; None when unreadable."""
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment


def parse_date(value: Any) -> dt.date | None:
    """The calendar date of an OCDS date-time, in the platform's time zone."""
    from opengov.core.clock import local_zone

    moment = parse_datetime(value)
    return moment.astimezone(local_zone()).date() if moment else None


def value_of(obj: Any) -> tuple[Decimal | None, str]:
    """(amount, currency) of an OCDS Value object."""
    if not isinstance(obj, dict):
        return None, ""
    currency = obj.get("currency")
    return decimal_or_none(obj.get("amount")), currency if isinstance(currency, str) else ""


def objects(value: Any) -> Iterable[dict[str, Any]]:
    """The objects of an OCDS array (anything else in it is skipped)."""
    if isinstance(value, list):
        return [item for item in value if isinstance(item, dict)]
    return []


def text(value: Any, limit: int = 1000) -> str:
    """A string field, cut to `limit` characters ("" when absent or not a string)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    return value[:limit] if isinstance(value, str) else ""
