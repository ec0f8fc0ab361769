"""Reading OCDS files as a stream (pure, no database): release packages and record packages,
as one JSON document or as JSON Lines (one release, record or package per line), with ijson,
so memory stays flat whatever the size. Each release (or record) comes out with its position,
and every one that cannot be read comes out as a `Problem` with the reason.

Nothing here follows a URL found in the data (extension or schema links in a package are
ignored: fetching them is a server-side request forgery risk).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import ijson
from django.utils.translation import gettext_lazy as _

#: how much of a value a report repeats
VALUE_CHARS = 80

_MINGUO = re.compile(r"^\s*\d{2,3}\s*[/.\-年]\s*\d{1,2}\s*[/.\-月]\s*\d{1,2}\s*日?\s*$|^\d{6,7}$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")
_DATE_KEYS = re.compile(r"^(date|.*Date|dateSigned|datePublished|dateModified)$")

REASONS = {
    "not_json": _("Not valid JSON."),
    "not_ocds": _("Not OCDS: neither a release, a record nor a package of them."),
    "not_object": _("Not a JSON object."),
    "no_ocid": _("The release has no ocid."),
    "no_id": _("The release has no id."),
    "no_date": _("The release has no date."),
    "tag": _("The release's tag is not a list of codes."),
    "amount_not_number": _("An amount that is not a number."),
    "minguo_date": _("A Minguo (ROC) date; OCDS dates are ISO 8601 (e.g. 2024-05-07)."),
    "bad_date": _("A date that is not ISO 8601."),
    "record_no_releases": _("The record has neither releases nor a compiled release."),
}


@dataclass
class Problem:
    """Why one item of the file cannot be read, and where it is."""

    position: int
    line: int | None
    reason: str
    field: str = ""
    value: str = ""
    ocid: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The report's row."""
        return {
            "position": self.position,
            "line": self.line,
            "reason": self.reason,
            "message": str(REASONS.get(self.reason, self.reason)),
            "field": self.field,
            "value": self.value,
            "ocid": self.ocid,
        }


@dataclass
class Item:
    """One release (kind "release") or record (kind "record") read from the file."""

    kind: str
    data: dict[str, Any]
    position: int
    line: int | None


@dataclass
class Reading:
    """What the reader found out about the file while reading it."""

    file_format: str = ""
    problems_seen: int = 0
    extensions: list[str] = field(default_factory=list)


class CountingReader:
    """A binary file wrapper that counts the bytes read (the progress bar)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.raw.read(size)
        self.count += len(chunk)
        return chunk

    def readline(self, size: int = -1) -> bytes:
        line = self.raw.readline(size)
        self.count += len(line)
        return line


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text[:VALUE_CHARS]


def _walk(value: Any, path: str) -> Iterator[tuple[str, str, Any]]:
    """(path, key, value) of every member of nested objects and arrays."""
    if isinstance(value, dict):
        for key, child in value.items():
            child_path = f"{path}.{key}" if path else key
            yield child_path, key, child
            yield from _walk(child, child_path)
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _walk(child, f"{path}[{i}]")


def release_problem(data: Any, position: int, line: int | None) -> Problem | None:
    """The first reason this release cannot be read, or None."""
    if not isinstance(data, dict):
        return Problem(position, line, "not_object", value=_short(data))
    ocid = data.get("ocid")
    ocid_text = ocid if isinstance(ocid, str) else ""
    if not ocid_text.strip():
        looks_ocds = any(k in data for k in ("id", "date", "tag", "tender", "awards", "parties"))
        return Problem(position, line, "no_ocid" if looks_ocds else "not_ocds", field="ocid")
    if not isinstance(data.get("id"), (str, int)) or not str(data.get("id")).strip():
        return Problem(position, line, "no_id", field="id", ocid=ocid_text)
    if not isinstance(data.get("date"), str):
        return Problem(position, line, "no_date", field="date", ocid=ocid_text)
    tag = data.get("tag")
    if tag is not None and (not isinstance(tag, list) or not all(isinstance(t, str) for t in tag)):
        return Problem(position, line, "tag", field="tag", value=_short(tag), ocid=ocid_text)
    return _value_problem(data, position, line, ocid_text)


def _value_problem(
    data: dict[str, Any], position: int, line: int | None, ocid: str
) -> Problem | None:
    for path, key, value in _walk(data, ""):
        if key == "amount" and value is not None:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return Problem(
                    position, line, "amount_not_number", field=path, value=_short(value), ocid=ocid
                )
        elif _DATE_KEYS.match(key) and value is not None and not isinstance(value, (dict, list)):
            text = value if isinstance(value, str) else str(value)
            if _ISO.match(text.strip()):
                continue
            reason = "minguo_date" if _MINGUO.match(text) else "bad_date"
            return Problem(position, line, reason, field=path, value=_short(value), ocid=ocid)
    return None


def record_problem(data: Any, position: int, line: int | None) -> Problem | None:
    """The first reason this record cannot be read, or None (its releases are checked as
    releases when they are embedded)."""
    if not isinstance(data, dict):
        return Problem(position, line, "not_object", value=_short(data))
    ocid = data.get("ocid")
    if not isinstance(ocid, str) or not ocid.strip():
        return Problem(position, line, "no_ocid", field="ocid")
    releases = data.get("releases")
    compiled = data.get("compiledRelease")
    embedded = [r for r in releases or [] if isinstance(r, dict) and "url" not in r]
    if not embedded and not isinstance(compiled, dict):
        return Problem(position, line, "record_no_releases", field="releases", ocid=ocid)
    for i, release in enumerate(embedded):
        problem = release_problem(release, position, line)
        if problem is not None:
            problem.field = f"releases[{i}].{problem.field}".rstrip(".")
            return problem
    if not embedded:
        problem = release_problem(compiled, position, line)
        if problem is not None:
            problem.field = f"compiledRelease.{problem.field}".rstrip(".")
            return problem
    return None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _loads(raw: bytes) -> Any:
    """Strict JSON: NaN and Infinity, which Python would accept, are refused."""
    return json.loads(raw, parse_constant=_no_constant)


def _first_byte(stream: IO[bytes]) -> bytes:
    """The first non-blank byte, peeked without consuming beyond a BOM and blanks."""
    while True:
        byte = stream.read(1)
        if byte in (b" ", b"\t", b"\r", b"\n"):
            continue
        if byte == b"\xef":  # UTF-8 byte-order mark
            stream.read(2)
            continue
        return byte


def _items_of_package(
    package: dict[str, Any], position: int, line: int | None
) -> Iterator[Item | Problem]:
    """The releases or records of a package that came whole (one line of JSON Lines)."""
    if isinstance(package.get("releases"), list):
        for data in package["releases"]:
            yield Item("release", data, position, line)
            position += 1
    elif isinstance(package.get("records"), list):
        for data in package["records"]:
            yield Item("record", data, position, line)
            position += 1
    else:
        yield Problem(position, line, "not_ocds")


def read_items(stream: CountingReader, reading: Reading) -> Iterator[Item | Problem]:
    """Every release or record of the file, in order, with its position (1-based) and line
    (JSON Lines); a `Problem` for each that cannot be read. A JSON syntax error ends a JSON
    document (what follows cannot be located) but only its own line of JSON Lines."""
    head = _first_byte(stream)
    if head == b"{":
        line_bytes = head + stream.readline()
        try:
            first_object = _loads(line_bytes)
        except ValueError:
            first_object = None
        if isinstance(first_object, dict) and not _is_package(first_object):
            reading.file_format = "jsonl"
            yield from _jsonl(stream, first_object)
            return
        if isinstance(first_object, dict):  # a package on one line, maybe more lines after
            reading.extensions = _extensions(first_object)
            count = 0
            for entry in _items_of_package(first_object, 1, 1):
                count += 1
                yield entry
            reading.file_format = "json"
            for entry in _jsonl(stream, None, line=2, position=count + 1):
                reading.file_format = "jsonl"
                yield entry
            return
        reading.file_format = "json"
        yield from _json_document(_Joined(line_bytes, stream), reading)
        return
    if head == b"[":
        reading.file_format = "json"
        yield from _json_array(_Joined(head, stream))
        return
    if not head:
        yield Problem(0, None, "not_ocds")
        return
    yield Problem(0, 1, "not_json")


def _is_package(obj: dict[str, Any]) -> bool:
    return isinstance(obj.get("releases"), list) or isinstance(obj.get("records"), list)


def _extensions(package: dict[str, Any]) -> list[str]:
    """Extension URLs a package names: kept for the report, never fetched."""
    found = package.get("extensions")
    return [e[:300] for e in found if isinstance(e, str)][:50] if isinstance(found, list) else []


class _Joined:
    """Bytes already read, then the rest of the stream (for ijson)."""

    def __init__(self, prefix: bytes, stream: CountingReader) -> None:
        self.prefix = prefix
        self.stream = stream

    def read(self, size: int = -1) -> bytes:
        if self.prefix:
            if size < 0 or size >= len(self.prefix):
                head, self.prefix = self.prefix, b""
                return head + self.stream.read(size - len(head) if size >= 0 else -1)
            head, self.prefix = self.prefix[:size], self.prefix[size:]
            return head
        return self.stream.read(size)


def _jsonl(
    stream: CountingReader,
    first: dict[str, Any] | None,
    *,
    line: int = 1,
    position: int = 1,
) -> Iterator[Item | Problem]:
    if first is not None:
        for entry in _jsonl_object(first, position, line):
            yield entry
            position += 1
        line += 1
    for raw in iter(stream.readline, b""):
        if not raw.strip():
            line += 1
            continue
        try:
            obj = _loads(raw)
        except ValueError:
            text = raw[:VALUE_CHARS].decode("utf-8", "replace")
            yield Problem(position, line, "not_json", value=_short(text))
            position += 1
            line += 1
            continue
        for entry in _jsonl_object(obj, position, line):
            yield entry
            position += 1
        line += 1


def _jsonl_object(obj: Any, position: int, line: int) -> Iterator[Item | Problem]:
    if isinstance(obj, dict) and _is_package(obj):
        yield from _items_of_package(obj, position, line)
    elif isinstance(obj, dict) and (
        "compiledRelease" in obj or ("releases" in obj and "id" not in obj)
    ):
        yield Item("record", obj, position, line)
    else:
        yield Item("release", obj, position, line)


def _json_document(source: Any, reading: Reading) -> Iterator[Item | Problem]:
    """A package as one JSON document: its `releases` or `records` items, streamed."""
    position = 0
    kind = ""
    builder: ijson.ObjectBuilder | None = None
    depth_prefix = ""
    seen_top: set[str] = set()
    try:
        for prefix, event, value in ijson.parse(source, use_float=True):
            if builder is not None:
                if prefix == depth_prefix and event in ("end_map", "end_array"):
                    builder.event(event, value)
                    position += 1
                    yield Item(kind, builder.value, position, None)
                    builder = None
                    continue
                builder.event(event, value)
                continue
            if prefix == "" and event == "map_key":
                seen_top.add(value)
                continue
            if prefix in ("releases.item", "records.item"):
                kind = "release" if prefix == "releases.item" else "record"
                if event in ("start_map", "start_array"):
                    builder = ijson.ObjectBuilder()
                    builder.event(event, value)
                    depth_prefix = prefix
                else:  # a scalar where a release or record belongs
                    position += 1
                    yield Item(kind, value, position, None)
            elif prefix == "extensions.item" and event == "string" and len(reading.extensions) < 50:
                reading.extensions.append(value[:300])
    except ijson.JSONError as exc:
        yield Problem(position + 1, None, "not_json", value=_short(str(exc)))
        return
    if not ({"releases", "records"} & seen_top):
        yield Problem(0, None, "not_ocds")


def _json_array(source: Any) -> Iterator[Item | Problem]:
    """A bare JSON array of releases (some publishers write them so)."""
    position = 0
    try:
        for data in ijson.items(source, "item", use_float=True):
            position += 1
            kind = "record" if isinstance(data, dict) and "compiledRelease" in data else "release"
            yield Item(kind, data, position, None)
    except ijson.JSONError as exc:
        yield Problem(position + 1, None, "not_json", value=_short(str(exc)))
