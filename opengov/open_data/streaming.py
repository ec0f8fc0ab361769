"""Writers that turn batches of rows into CSV, JSON or JSON Lines bytes, chunk by chunk.

Each returns a generator for a StreamingHttpResponse: memory holds one batch at a time, never
the whole dataset.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import simplejson

from opengov.core.csvsafe import BOM, neutralise_formula

CHUNK = 64 * 1024

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "jsonl": "application/jsonl; charset=utf-8",
}


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


_BOOL_TEXT = {True: "true", False: "false", None: "", "": ""}
_BOOL_JSON = {True: True, False: False, None: None, "": None}


def _text_bool(value: Any) -> str:
    found = _BOOL_TEXT.get(value)
    if found is not None:
        return found
    return "true" if str(value).lower() in ("true", "t", "1", "yes") else "false"


def _json_bool(value: Any) -> bool | None:
    if value in _BOOL_JSON:
        return _BOOL_JSON[value]
    return str(value).lower() in ("true", "t", "1", "yes")


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (dt.date, dt.time)) else value


def _json_text(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=_json_default)


def _csv_converter(ftype: str) -> Callable[[Any], Any] | None:
    """How cells of this type are written in CSV; None when csv's own str() is right
    (str() of a date is already ISO 8601)."""
    if ftype == "boolean":
        return _text_bool
    if ftype in ("datetime", "time"):
        return _iso
    if ftype in ("object", "array"):
        return _json_text
    return None


def _json_converter(ftype: str) -> Callable[[Any], Any] | None:
    """How values of this type are made JSON values (booleans may come from a database
    cursor as 0/1)."""
    return _json_bool if ftype == "boolean" else None


#: Column types whose cells are numbers or flags, never text a spreadsheet could run.
NUMERIC_TYPES = frozenset({"integer", "number", "boolean", "year"})


def _then_neutralise(convert: Callable[[Any], Any] | None) -> Callable[[Any], Any]:
    if convert is None:
        return neutralise_formula
    return lambda value: neutralise_formula(convert(value))


def convert_columns(
    batch: Sequence[Sequence[Any]], converters: list[tuple[int, Callable[[Any], Any]]]
) -> Sequence[Sequence[Any]]:
    """Apply per-column converters to a batch, column by column (map over each column)."""
    if not converters or not batch:
        return batch
    columns = [list(c) for c in zip(*batch, strict=True)]
    for i, convert in converters:
        columns[i] = list(map(convert, columns[i]))
    return list(zip(*columns, strict=True))


class LfCsvWriter:
    """A csv writer ending lines with "\n" that still quotes cells holding "\r" (the csv
    module quotes only the characters of its own line terminator, so a bare "\r" would
    otherwise end the row for every reader)."""

    def __init__(self, out: Any) -> None:
        self._out = out
        self._lf = csv.writer(out, lineterminator="\n")
        self._scratch = io.StringIO()
        self._crlf = csv.writer(self._scratch, lineterminator="\r\n")

    def writerow(self, row: Sequence[Any]) -> None:
        if any(isinstance(cell, str) and "\r" in cell for cell in row):
            self._scratch.seek(0)
            self._scratch.truncate()
            self._crlf.writerow(row)
            self._out.write(self._scratch.getvalue()[:-2] + "\n")
        else:
            self._lf.writerow(row)

    def writerows(self, rows: Iterable[Sequence[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: Any, lineterminator: str = "\r\n") -> Any:
    """A csv writer with this line terminator that quotes every cell holding a line break."""
    if lineterminator == "\n":
        return LfCsvWriter(out)
    return csv.writer(out, lineterminator=lineterminator)


def csv_rows(
    names: Sequence[str],
    types: Sequence[str],
    batches: Iterable[Sequence[Sequence[Any]]],
    *,
    bom: bool = False,
    spreadsheet: bool = False,
    lineterminator: str = "\r\n",
) -> Iterator[bytes]:
    """CSV (UTF-8, optionally with a BOM for spreadsheet programs), header first.

    `spreadsheet` makes text cells that would start a formula inert (`neutralise_formula`);
    cells of numeric columns stay exact. Machine-readable CSV leaves it off.
    """
    buffer = io.StringIO()
    writer = csv_writer(buffer, lineterminator)
    converters = []
    for i, ftype in enumerate(types):
        convert = _csv_converter(ftype)
        if spreadsheet and ftype not in NUMERIC_TYPES:
            convert = _then_neutralise(convert)
        if convert is not None:
            converters.append((i, convert))
    prefix = BOM if bom else b""
    writer.writerow([neutralise_formula(n) for n in names] if spreadsheet else names)
    yield prefix + buffer.getvalue().encode("utf-8")
    for batch in batches:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(convert_columns(batch, converters))
        yield buffer.getvalue().encode("utf-8")


def csv_file(path_opener: Callable[[], Any], *, bom: bool = False) -> Iterator[bytes]:
    """A stored UTF-8 CSV file, as it is, in chunks (optionally with a BOM first)."""
    if bom:
        yield BOM
    with path_opener() as fh:
        while chunk := fh.read(CHUNK):
            yield chunk


def exact_json_encoder() -> simplejson.JSONEncoder:
    """A JSON encoder that writes a Decimal with exactly its digits (never through a float,
    which would turn 0.1234567890123456789 into 0.12345678901234568)."""
    return simplejson.JSONEncoder(
        ensure_ascii=False, default=_json_default, use_decimal=True, allow_nan=False
    )


def json_rows(
    names: Sequence[str], types: Sequence[str], batches: Iterable[Sequence[Sequence[Any]]]
) -> Iterator[bytes]:
    """A JSON array of objects, one object per row."""
    encoder = exact_json_encoder()
    converters = [(i, c) for i, t in enumerate(types) if (c := _json_converter(t))]
    first = True
    yield b"["
    for batch in batches:
        parts = []
        for row in convert_columns(batch, converters):
            text = encoder.encode(dict(zip(names, row, strict=True)))
            parts.append(("\n" if first else ",\n") + text)
            first = False
        yield "".join(parts).encode("utf-8")
    yield b"\n]\n"


def jsonl_rows(
    names: Sequence[str], types: Sequence[str], batches: Iterable[Sequence[Sequence[Any]]]
) -> Iterator[bytes]:
    """JSON Lines: one object per line."""
    encoder = exact_json_encoder()
    converters = [(i, c) for i, t in enumerate(types) if (c := _json_converter(t))]
    for batch in batches:
        yield "".join(
            encoder.encode(dict(zip(names, row, strict=True))) + "\n"
            for row in convert_columns(batch, converters)
        ).encode("utf-8")
