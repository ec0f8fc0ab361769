"""A transaction's versions: what a row read from a Control Yuan file sets on its
transaction, the fields a new version changed (old -> new, what the transaction's page
shows), the version record itself, and which (filing, serial) pairs are stored already.
Shared by the import of detail files (rows carrying 更正註記) and the correction lists
(更正資料), so both make the same versions and find stored transactions alike."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection

from . import controlyuan, names
from .models import ImportRun, Transaction, TransactionVersion

#: the fields a new version compares (and shows the difference of)
VERSIONED = (
    "date",
    "date_raw",
    "account",
    "donor_kind",
    "donor_name",
    "donor_id_raw",
    "business_number",
    "masked_id",
    "income",
    "expenditure",
    "method",
    "monetary",
    "address",
    "flags",
)


#: the fields a row sets on its transaction (the keys of `fields_of`)
FIELDS = (*VERSIONED, "normalised_donor")
#: the fields `take` sets on a transaction (with its version, what a correction updates)
TAKEN = (*FIELDS, "raw", "row_hash", "correction_note")


def fields_of(row: controlyuan.Row) -> dict[str, Any]:
    return {
        "date": row.date,
        "date_raw": row.date_raw[:20],
        "account": row.account[:60],
        "donor_kind": row.donor_kind,
        "donor_name": row.donor_name[:200],
        "normalised_donor": names.normalise(row.donor_name),
        "donor_id_raw": row.donor_id_raw[:40],
        "business_number": row.business_number,
        "masked_id": row.masked_id,
        "income": row.income,
        "expenditure": row.expenditure,
        "method": row.method[:40],
        "monetary": row.monetary[:10],
        "address": row.address[:300],
        "flags": row.flags,
    }


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def correction_date(text: str) -> dt.date | None:
    """A row's 資料更正日期 when it can be read (a detail file's is otherwise kept only as
    published, in the row's cells)."""
    try:
        return controlyuan.parse_date(text) if (text or "").strip() else None
    except ValueError:
        return None


def difference(current: Transaction, fields: dict[str, Any]) -> dict[str, list[Any]]:
    """The versioned fields a row changes, field -> [old, new] (what a version shows)."""
    return {
        name: [_plain(getattr(current, name)), _plain(fields[name])]
        for name in VERSIONED
        if getattr(current, name) != fields[name]
    }


def take(
    current: Transaction, row: controlyuan.Row, header: list[str], fields: dict[str, Any]
) -> None:
    """Make the row the transaction's content (in memory): its fields, cells, hash and note."""
    for name, value in fields.items():
        setattr(current, name, value)
    current.raw = row.raw(header)
    current.row_hash = row.row_hash
    current.correction_note = row.correction[:200]


def version_of(
    tx: Transaction,
    *,
    run: ImportRun | None,
    now: Any,
    changes: dict[str, list[Any]] | None = None,
    corrected_on: dt.date | None = None,
) -> TransactionVersion:
    """The (unsaved) version record of the transaction's current content."""
    return TransactionVersion(
        transaction=tx,
        version=tx.version,
        raw=tx.raw,
        row_hash=tx.row_hash,
        changes=changes or {},
        correction_note=tx.correction_note,
        corrected_on=corrected_on,
        run=run,
        created_at=now,
    )


def find_stored(keys: list[tuple[int, str]]) -> dict[tuple[int, str], tuple[int, str]]:
    """(filing, serial) -> (id, row hash) of the stored transactions among these pairs, in
    one query with one condition per filing so that the database seeks each pair in the
    (filing, line) index (an IN over all filings and another over all serials would try
    every combination); written as SQL because the ORM takes longer to build such a query
    than to run it."""
    by_filing: dict[int, set[str]] = {}
    for filing_id, line in keys:
        by_filing.setdefault(filing_id, set()).add(line)
    if not by_filing:
        return {}
    meta = Transaction._meta
    quote = connection.ops.quote_name
    filing_column = quote(meta.get_field("filing").column)
    line_column = quote(meta.get_field("line").column)
    terms, params = [], []
    for filing_id, lines in by_filing.items():
        marks = ", ".join(["%s"] * len(lines))
        terms.append(f"({filing_column} = %s AND {line_column} IN ({marks}))")
        params.extend([filing_id, *sorted(lines)])
    sql = (
        f"SELECT {quote(meta.pk.column)}, {filing_column}, {line_column}, "  # noqa: S608
        f"{quote(meta.get_field('row_hash').column)} FROM {quote(meta.db_table)} "
        f"WHERE {' OR '.join(terms)}"
    )  # names from the model's metadata, quoted; every value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    return {(filing_id, line): (pk, digest) for pk, filing_id, line, digest in found}
