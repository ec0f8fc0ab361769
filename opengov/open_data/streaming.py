"""Writers that turn batches of rows into CSV, JSON or JSON Lines bytes, chunk by chunk.

Each returns a generator for a StreamingHttpResponse: memory holds one batch at a time, never
the whole dataset.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import decimal
import io
import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

CHUNK = 64 * 1024

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "jsonl": "application/jsonl; charset=utf-8",
}


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def _csv_cell(ftype: str) -> Callable[[Any], Any] | None:
    """A converter for CSV cells of this type, or None when csv's own str() is right."""
    if ftype == "boolean":
        return lambda v: "" if v is None else ("true" if v else "false")
    if ftype in ("date", "datetime", "time"):
        return lambda v: v.isoformat() if isinstance(v, (dt.date, dt.time)) else v
    if ftype in ("object", "array"):
        return lambda v: (
            v
            if v is None or isinstance(v, str)
            else json.dumps(v, ensure_ascii=False, default=_json_default)
        )
    return None


def csv_rows(
    names: Sequence[str],
    types: Sequence[str],
    batches: Iterable[Sequence[Sequence[Any]]],
    *,
    bom: bool = False,
) -> Iterator[bytes]:
    """CSV (UTF-8, optionally with a BOM for spreadsheet programs), header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    converters = [(i, c) for i, t in enumerate(types) if (c := _csv_cell(t))]
    prefix = codecs.BOM_UTF8 if bom else b""
    writer.writerow(names)
    yield prefix + buffer.getvalue().encode("utf-8")
    for batch in batches:
        buffer.seek(0)
        buffer.truncate()
        if converters:
            rows = []
            for row in batch:
                row = list(row)
                for i, convert in converters:
                    row[i] = convert(row[i])
                rows.append(row)
            writer.writerows(rows)
        else:
            writer.writerows(batch)
        yield buffer.getvalue().encode("utf-8")


def csv_file(path_opener: Callable[[], Any], *, bom: bool = False) -> Iterator[bytes]:
    """A stored UTF-8 CSV file, as it is, in chunks (optionally with a BOM first)."""
    if bom:
        yield codecs.BOM_UTF8
    with path_opener() as fh:
        while chunk := fh.read(CHUNK):
            yield chunk


def json_rows(names: Sequence[str], batches: Iterable[Sequence[Sequence[Any]]]) -> Iterator[bytes]:
    """A JSON array of objects, one object per row."""
    encoder = json.JSONEncoder(ensure_ascii=False, default=_json_default)
    first = True
    yield b"["
    for batch in batches:
        parts = []
        for row in batch:
            text = encoder.encode(dict(zip(names, row, strict=True)))
            parts.append(("\n" if first else ",\n") + text)
            first = False
        yield "".join(parts).encode("utf-8")
    yield b"\n]\n"


def jsonl_rows(names: Sequence[str], batches: Iterable[Sequence[Sequence[Any]]]) -> Iterator[bytes]:
    """JSON Lines: one object per line."""
    encoder = json.JSONEncoder(ensure_ascii=False, default=_json_default)
    for batch in batches:
        yield "".join(
            encoder.encode(dict(zip(names, row, strict=True))) + "\n" for row in batch
        ).encode("utf-8")
