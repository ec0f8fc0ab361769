"""Checking an uploaded file and turning it into the normalised UTF-8 CSV that downloads use.

An upload is all or nothing: its encoding is established (UTF-8, UTF-8 with BOM or Big5),
its header must match the declared (or previous) fields, and frictionless validates every row
against the schema (types, required fields). Any problem rejects the whole file with a report
naming the row and the column. Files are processed from disk, row by row.
"""

from __future__ import annotations

import codecs
import datetime as dt
import decimal
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from frictionless import FrictionlessException, Schema
from frictionless.resources import TableResource

from opengov.core.errors import ServiceError

from . import rules
from .streaming import csv_writer

FIELD_TYPES = ("string", "integer", "number", "boolean", "date", "datetime", "time", "year")
MAX_REPORTED_PROBLEMS = 100
_CODECS = {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "big5": "cp950"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an upload: where (row number counting the header as row 1,
    column name) and what."""

    message: str
    row: int | None = None
    column: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """For the API and templates."""
        return {"row": self.row, "column": self.column, "message": self.message}


class UploadRejected(ServiceError):
    """The upload was refused as a whole; `problems` says where and why."""

    status = 422

    def __init__(
        self, message: str, problems: list[Problem] | None = None, *, code: str = "invalid_upload"
    ) -> None:
        super().__init__(code, message, field="file")
        self.problems = problems or []


@dataclass
class Ingested:
    """The result of a successful check: the normalised CSV file and what was learnt."""

    data_path: Path
    schema: list[dict[str, Any]]
    row_count: int
    encoding: str
    fmt: str
    workdir: Any = field(repr=False, default=None)

    def cleanup(self) -> None:
        """Remove the temporary files."""
        if self.workdir is not None:
            self.workdir.cleanup()


def format_of(filename: str) -> str:
    """csv, json or xlsx from the file name; refused otherwise."""
    ext = Path(filename).suffix.lower().lstrip(".")
    if ext in {"csv", "json", "xlsx"}:
        return ext
    raise UploadRejected(
        _("Unsupported file type “%(ext)s”: upload CSV, JSON or XLSX.") % {"ext": ext or "?"},
        code="unsupported_format",
    )


def parse_field_lines(text: str) -> list[dict[str, Any]]:
    """Fields declared by the uploader, one per line: `name | type | required | description`
    (type, required and description may be left out)."""
    fields: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        name = parts[0]
        ftype = (parts[1] if len(parts) > 1 else "") or "string"
        required_text = (parts[2] if len(parts) > 2 else "").lower()
        description = "|".join(parts[3:]).strip() if len(parts) > 3 else ""
        if not name:
            raise ServiceError(
                "invalid", _("Line %(n)d: the field has no name.") % {"n": number}, field="fields"
            )
        if name in seen:
            raise ServiceError(
                "invalid",
                _("Line %(n)d: the field “%(name)s” is declared twice.")
                % {"n": number, "name": name},
                field="fields",
            )
        if ftype not in FIELD_TYPES:
            raise ServiceError(
                "invalid",
                _("Line %(n)d: unknown type “%(type)s” (use one of: %(types)s).")
                % {"n": number, "type": ftype, "types": ", ".join(FIELD_TYPES)},
                field="fields",
            )
        if required_text not in {"", "required", "yes", "true", "optional", "no", "false"}:
            raise ServiceError(
                "invalid",
                _("Line %(n)d: write “required” or “optional”, not “%(value)s”.")
                % {"n": number, "value": required_text},
                field="fields",
            )
        seen.add(name)
        fields.append(
            {
                "name": name,
                "type": ftype,
                "required": required_text in {"required", "yes", "true"},
                "description": description,
            }
        )
    return fields


def field_lines(schema: list[dict[str, Any]]) -> str:
    """The inverse of `parse_field_lines`, to pre-fill a form with the current fields."""
    return "\n".join(
        " | ".join(
            [
                f["name"],
                f.get("type", "string"),
                "required" if f.get("required") else "optional",
                f.get("description", ""),
            ]
        )
        for f in schema
    )


def _transcode(source: Path, target: Path, declared: str) -> str:
    """Decode `source` strictly in the declared (or detected) encoding; write UTF-8."""
    accepted = rules.accepted_encodings()
    if declared != "auto" and declared not in accepted:
        raise UploadRejected(
            _("Unknown encoding “%(enc)s”: use one of %(list)s.")
            % {"enc": declared, "list": ", ".join(accepted)},
            code="unknown_encoding",
        )
    with source.open("rb") as fh:
        has_bom = fh.read(3) == codecs.BOM_UTF8
    if declared == "auto":
        if has_bom and "utf-8-sig" in accepted:
            candidates = ["utf-8-sig"]
        else:
            candidates = [e for e in ("utf-8", "big5") if e in accepted]
    elif declared == "utf-8" and has_bom:
        candidates = ["utf-8-sig"]  # the BOM is not part of the first column's name
    else:
        candidates = [declared]
    last_error: tuple[str, int] | None = None
    for name in candidates:
        line = _decode_into(source, target, _CODECS[name])
        if line is None:
            return name
        last_error = (name, line)
    if declared == "auto":
        raise UploadRejected(
            _(
                "Unknown encoding: the file is neither UTF-8 nor Big5 (it cannot be read near "
                "line %(line)d). Save it as UTF-8 and upload it again."
            )
            % {"line": last_error[1] if last_error else 1},
            code="unknown_encoding",
        )
    raise UploadRejected(
        _(
            "The file is not valid %(enc)s: it cannot be read near line %(line)d. Choose the "
            "right encoding or save the file as UTF-8."
        )
        % {"enc": declared, "line": last_error[1] if last_error else 1},
        code="wrong_encoding",
    )


def _decode_into(source: Path, target: Path, codec: str) -> int | None:
    """Decode; None on success, else the line where decoding failed."""
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    line = 1
    with source.open("rb") as src, target.open("w", encoding="utf-8", newline="") as dst:
        while chunk := src.read(1 << 20):
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return line + chunk[: exc.start].count(b"\n")
            line += chunk.count(b"\n")
            dst.write(text)
        try:
            dst.write(decoder.decode(b"", final=True))
        except UnicodeDecodeError:
            return line
    return None


def _resource(path: Path, fmt: str, schema: Schema | None = None) -> TableResource:
    options: dict[str, Any] = {"path": path.name, "basepath": str(path.parent), "format": fmt}
    if fmt != "xlsx":
        options["encoding"] = "utf-8"
    if schema is not None:
        options["schema"] = schema
    return TableResource(**options)


def _labels(path: Path, fmt: str) -> list[str]:
    try:
        with _resource(path, fmt) as resource:
            return [str(label) for label in resource.labels]
    except FrictionlessException as exc:
        raise UploadRejected(
            _("The file cannot be read as %(fmt)s: %(error)s")
            % {"fmt": fmt.upper(), "error": exc.error.message},
            code="unreadable",
        ) from exc


def _infer(path: Path, fmt: str) -> list[dict[str, Any]]:
    resource = _resource(path, fmt)
    try:
        resource.infer()
    except FrictionlessException as exc:
        raise UploadRejected(
            _("The file cannot be read as %(fmt)s: %(error)s")
            % {"fmt": fmt.upper(), "error": exc.error.message},
            code="unreadable",
        ) from exc
    result = []
    for f in resource.schema.fields:
        ftype = f.type if f.type in FIELD_TYPES else "string"
        result.append({"name": f.name, "type": ftype, "required": False, "description": ""})
    return result


def _frictionless_schema(fields: list[dict[str, Any]]) -> Schema:
    return Schema.from_descriptor(
        {
            "fields": [
                {
                    "name": f["name"],
                    "type": f.get("type", "string"),
                    **({"constraints": {"required": True}} if f.get("required") else {}),
                }
                for f in fields
            ]
        }
    )


def _check_header(labels: list[str], fields: list[dict[str, Any]] | None) -> None:
    problems = []
    seen: set[str] = set()
    for position, label in enumerate(labels, start=1):
        if not label.strip():
            problems.append(
                Problem(_("Column %(n)d has no name.") % {"n": position}, row=1, column="")
            )
        elif label in seen:
            problems.append(Problem(_("The column name is repeated."), row=1, column=label))
        seen.add(label)
    if problems:
        raise UploadRejected(_("The header row is not usable."), problems, code="bad_header")
    if fields is None:
        return
    expected = [f["name"] for f in fields]
    if labels != expected:
        missing = [n for n in expected if n not in labels]
        extra = [n for n in labels if n not in expected]
        detail = [Problem(_("Missing column."), row=1, column=n) for n in missing]
        detail += [Problem(_("Unexpected column."), row=1, column=n) for n in extra]
        if not detail:
            detail = [Problem(_("The columns are in a different order."), row=1)]
        raise UploadRejected(
            _(
                "The header does not match the dataset's fields: expected %(expected)s; found "
                "%(found)s."
            )
            % {"expected": ", ".join(expected), "found": ", ".join(labels)},
            detail,
            code="header_mismatch",
        )


def _refuse_nested(path: Path, labels: list[str]) -> None:
    """JSON cells must be plain values: a nested object or list is not tabular data, and
    flattening it would invent columns the publisher did not declare, so it is refused."""
    schema = Schema.from_descriptor({"fields": [{"name": n, "type": "any"} for n in labels]})
    problems: list[Problem] = []
    with _resource(path, "json", schema) as resource:
        for row in resource.row_stream:
            for name, value in zip(labels, row.to_list(), strict=False):
                if isinstance(value, (dict, list)):
                    what = _("an object") if isinstance(value, dict) else _("a list")
                    problems.append(
                        Problem(
                            _(
                                "The value is %(what)s: nested values are not tabular. Give "
                                "each value a column of its own (or write it as text)."
                            )
                            % {"what": what},
                            row=row.row_number,
                            column=name,
                        )
                    )
                    if len(problems) >= MAX_REPORTED_PROBLEMS:
                        break
            if len(problems) >= MAX_REPORTED_PROBLEMS:
                break
    if problems:
        first = problems[0]
        raise UploadRejected(
            _(
                "The file was not published: %(count)d cell(s) hold nested objects or lists, "
                "the first in row %(row)s, column “%(column)s”. Only flat tables (one plain "
                "value per cell) can be published."
            )
            % {"count": len(problems), "row": first.row, "column": first.column},
            problems,
            code="nested_values",
        )


def _validate(path: Path, fmt: str, fields: list[dict[str, Any]]) -> None:
    report = _resource(path, fmt, _frictionless_schema(fields)).validate(
        limit_errors=MAX_REPORTED_PROBLEMS
    )
    if report.valid:
        return
    problems = []
    for task in report.tasks:
        for error in task.errors:
            problems.append(
                Problem(
                    message=error.message,
                    row=getattr(error, "row_number", None),
                    column=getattr(error, "field_name", None) or None,
                )
            )
    for error in report.errors:
        problems.append(Problem(message=error.message))
    problems.sort(key=lambda p: (p.row or 0, p.column or ""))
    first = problems[0] if problems else None
    if first and first.row:
        message = _(
            "The file was not published: %(count)d problem(s), the first in row %(row)s, "
            "column “%(column)s”: %(message)s"
        ) % {
            "count": len(problems),
            "row": first.row,
            "column": first.column or "",
            "message": first.message,
        }
    else:
        message = _("The file was not published: %(message)s") % {
            "message": first.message if first else _("it is not valid.")
        }
    raise UploadRejected(message, problems, code="invalid_rows")


def cell_text(value: Any) -> str:
    """A validated value as CSV text: ISO dates, lower-case booleans, empty for missing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    return str(value)


def _normalise(path: Path, fmt: str, fields: list[dict[str, Any]], target: Path) -> int:
    count = 0
    with (
        _resource(path, fmt, _frictionless_schema(fields)) as resource,
        target.open("w", encoding="utf-8", newline="") as out,
    ):
        writer = csv_writer(out, "\n")
        writer.writerow([f["name"] for f in fields])
        for row in resource.row_stream:
            writer.writerow([cell_text(v) for v in row.to_list()])
            count += 1
    return count


def ingest(
    *,
    source: Path,
    filename: str,
    encoding: str = "auto",
    fields: list[dict[str, Any]] | None = None,
    previous_fields: list[dict[str, Any]] | None = None,
) -> Ingested:
    """Check an uploaded file; on success return its normalised CSV (caller cleans up).

    `fields` are those the uploader declared (or None); a later version without declared
    fields must match `previous_fields`. Raises UploadRejected with the problems otherwise.
    """
    fmt = format_of(filename)
    size = os.path.getsize(source)
    if rules.upload_too_large(size):
        raise UploadRejected(_("The file is too large."), code="too_large")
    if size == 0:
        raise UploadRejected(_("The file is empty."), code="empty")
    workdir = tempfile.TemporaryDirectory(prefix="opengov-upload-")
    try:
        work = Path(workdir.name)
        if fmt == "xlsx":
            text_path = source
            used_encoding = "xlsx"
        else:
            text_path = work / f"source.{fmt}"
            used_encoding = _transcode(source, text_path, encoding)
        labels = _labels(text_path, fmt)
        declared = fields or previous_fields
        _check_header(labels, declared)
        if fmt == "json":
            _refuse_nested(text_path, labels)
        schema = declared or _infer(text_path, fmt)
        _validate(text_path, fmt, schema)
        data_path = work / "data.csv"
        row_count = _normalise(text_path, fmt, schema, data_path)
        if row_count == 0:
            raise UploadRejected(_("The file has a header but no rows."), code="no_rows")
        return Ingested(
            data_path=data_path,
            schema=schema,
            row_count=row_count,
            encoding=used_encoding,
            fmt=fmt,
            workdir=workdir,
        )
    except BaseException:
        workdir.cleanup()
        raise
