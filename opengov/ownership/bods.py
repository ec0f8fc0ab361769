"""BODS 0.4: reading statements (streamed), validating them offline, checking references and
shares, and writing statements back out.

Validation runs `libcovebods` against the 0.4 schema it ships. Two of its checks
(`LegacyChecks`, `CheckStatementEntityIdentifiersHaveKnownScheme`) download org-id.guide's
list of identifier schemes when they start; nothing may reach the network at run time, so
they run here with the platform's own list of the schemes it reads and writes
(`KNOWN_SCHEMES`) instead. Every other check runs as libcovebods ships it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import ijson
from django.utils.translation import gettext as _

from .rules import INTEREST_TYPES, ShareError, check_share

BODS_VERSION = "0.4"
#: identifier schemes the platform reads and writes: Taiwan's unified business number (the
#: platform's scheme code; its org-id.guide listing is unverified), UK Companies House
KNOWN_SCHEMES = frozenset({"TW-MOEA", "GB-COH", "XI-LEI"})
NAMESPACE = uuid.UUID("8b3b3c35-5d8e-4bd2-9d1f-6a1d3f0e2b11")
MAX_PROBLEMS = 1000
#: libcovebods checks that describe data quality rather than an error: reported, not refused
#: (an identifier scheme outside the platform's list may still be a real register's)
WARNING_CODES = frozenset(
    {"entity_identifiers_not_known_scheme", "entity_identifier_scheme_not_known"}
)


@dataclass
class Problem:
    """One thing wrong with one statement (`statement` is its 1-based position)."""

    statement: int | None
    statement_id: str
    field: str
    code: str
    message: str

    @property
    def is_warning(self) -> bool:
        return self.code in WARNING_CODES

    def as_dict(self) -> dict[str, Any]:
        return {
            "statement": self.statement,
            "statement_id": self.statement_id,
            "field": self.field,
            "code": self.code,
            "message": str(self.message),
            "warning": self.is_warning,
        }


class BodsError(Exception):
    """The file is refused whole; `problems` names every bad statement."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def _first_char(stream: IO[bytes]) -> bytes:
    while True:
        chunk = stream.read(1)
        if not chunk or not chunk.isspace():
            return chunk
        continue


def read_statements(stream: IO[bytes]) -> Iterator[dict[str, Any]]:
    """Statements from a JSON array or JSON Lines, one at a time (ijson, never the whole
    file in memory). A broken file raises BodsError naming where it broke."""
    if stream.read(3) != b"\xef\xbb\xbf":  # skip a UTF-8 byte-order mark
        stream.seek(0)
    start = stream.tell()
    first = _first_char(stream)
    stream.seek(start)
    try:
        if first == b"[":
            items = ijson.items(stream, "item", use_float=True)
        elif first == b"{":
            items = ijson.items(stream, "", multiple_values=True, use_float=True)
        else:
            raise BodsError(
                [
                    Problem(
                        None,
                        "",
                        "",
                        "not_json",
                        _("A BODS file is a JSON array of statements or JSON Lines."),
                    )
                ]
            )
        count = 0
        for item in items:
            count += 1
            yield item
    except ijson.JSONError as exc:
        raise BodsError(
            [
                Problem(
                    None,
                    "",
                    "",
                    "broken_json",
                    _("The file is not valid JSON after statement %(n)d: %(error)s")
                    % {"n": count, "error": str(exc)[:200]},
                )
            ]
        ) from None


def _path_text(path: Iterable[Any]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _offline_tasks(config: Any, schema: Any) -> list[type]:
    from libcovebods import run_tasks
    from libcovebods.base_task import AdditionalCheck
    from libcovebods.tasks.checks import legacy_checks, record_based_checks

    needs_network = (
        legacy_checks.LegacyChecks,
        record_based_checks.CheckStatementEntityIdentifiersHaveKnownScheme,
    )

    def offline(check: type) -> type:
        class Offline(check):  # type: ignore[misc,valid-type]
            def __init__(self, lib_cove_bods_config: Any, schema_object: Any) -> None:
                AdditionalCheck.__init__(self, lib_cove_bods_config, schema_object)
                self.orgids_prefixes = sorted(KNOWN_SCHEMES)

        Offline.__name__ = check.__name__
        return Offline

    return [
        offline(t) if t in needs_network else t
        for t in run_tasks.TASK_CLASSES
        if t.does_apply_to_schema(config, schema)
    ]


def libcove_problems(path: str, statement_ids: list[str]) -> list[Problem]:
    """libcovebods's schema errors and additional checks for the JSON array file at `path`."""
    from libcovebods import config as cove_config
    from libcovebods import data_reader, jsonschemavalidate, run_tasks, schema

    reader = data_reader.DataReader(path)
    config = cove_config.LibCoveBODSConfig()
    bods_schema = schema.SchemaBODS(reader, config)
    position = {sid: i + 1 for i, sid in enumerate(statement_ids)}
    problems = []
    if bods_schema.schema_version != BODS_VERSION:
        problems.append(
            Problem(
                None,
                "",
                "publicationDetails.bodsVersion",
                "version",
                _("Only BODS %(v)s is read; the file says %(got)s.")
                % {"v": BODS_VERSION, "got": bods_schema.schema_version},
            )
        )
        return problems
    for error in jsonschemavalidate.JSONSchemaValidator(bods_schema).validate(reader):
        e = error.json()
        path_parts = list(e.get("path") or [])
        index = path_parts[0] + 1 if path_parts and isinstance(path_parts[0], int) else None
        sid = statement_ids[index - 1] if index and index <= len(statement_ids) else ""
        problems.append(
            Problem(index, sid, _path_text(path_parts[1:]), "schema", e.get("message", ""))
        )
    checks = run_tasks.process_additional_checks(
        reader, config, bods_schema, _offline_tasks(config, bods_schema)
    )["additional_checks"]
    for check in checks:
        sid = str(check.get("statement") or check.get("statement_id") or "")
        detail = {k: v for k, v in check.items() if k not in ("type", "statement_type")}
        problems.append(
            Problem(
                position.get(sid),
                sid,
                "",
                str(check.get("type", "check")),
                _("libcovebods check %(type)s: %(detail)s")
                % {"type": check.get("type", ""), "detail": json.dumps(detail, default=str)},
            )
        )
    return problems


def validate_statements(statements: list[dict[str, Any]]) -> list[Problem]:
    """libcovebods over a list of statements (written to a temporary file it can read)."""
    handle, path = tempfile.mkstemp(suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(statements, out, ensure_ascii=False)
        ids = [str(s.get("statementId", "")) if isinstance(s, dict) else "" for s in statements]
        return libcove_problems(path, ids)
    finally:
        os.unlink(path)


# --- from statements to records -----------------------------------------------------------


@dataclass
class PartyRecord:
    record_id: str
    kind: str
    subtype: str = ""
    name: str = ""
    jurisdiction: str = ""
    business_number: str = ""
    identifiers: list[dict[str, Any]] = field(default_factory=list)
    nationality: str = ""
    birth_date: str = ""
    masked_id: str = ""
    address: str = ""


@dataclass
class InterestRecord:
    type: str
    direct_or_indirect: str
    beneficial: bool
    share_min: Any
    share_max: Any
    start_date: str = ""
    end_date: str = ""
    details: str = ""


@dataclass
class RelationshipRecord:
    record_id: str
    subject: str
    interested_party: str | None
    unspecified_reason: str = ""
    unspecified_description: str = ""
    statement_date: str = ""
    interests: list[InterestRecord] = field(default_factory=list)
    closed: bool = False


@dataclass
class Parsed:
    parties: dict[str, PartyRecord]
    relationships: dict[str, RelationshipRecord]
    statements: int


def _name(details: dict[str, Any]) -> str:
    if details.get("name"):
        return str(details["name"])[:300]
    for n in details.get("names") or []:
        if isinstance(n, dict) and n.get("fullName"):
            return str(n["fullName"])[:300]
    return ""


def _party(record_id: str, kind: str, d: dict[str, Any]) -> PartyRecord:
    identifiers = [i for i in d.get("identifiers") or [] if isinstance(i, dict)]
    party = PartyRecord(record_id=record_id, kind=kind, name=_name(d), identifiers=identifiers)
    if kind == "entity":
        party.subtype = str((d.get("entityType") or {}).get("type", ""))
        party.jurisdiction = str((d.get("jurisdiction") or {}).get("code", ""))
        for i in identifiers:
            if i.get("scheme") == "TW-MOEA":
                party.business_number = str(i.get("id", ""))[:20]
    else:
        party.subtype = str(d.get("personType", ""))
        nats = [n.get("code", "") for n in d.get("nationalities") or [] if isinstance(n, dict)]
        party.nationality = str(nats[0] if nats else "")[:10]
        party.birth_date = str(d.get("birthDate", ""))[:10]
        for i in identifiers:
            if i.get("scheme") in ("TWN-MASKED", "TW-MASKED"):
                party.masked_id = str(i.get("id", ""))[:20]
    addresses = [a for a in d.get("addresses") or [] if isinstance(a, dict)]
    if addresses:
        party.address = str(addresses[0].get("address", ""))[:500]
    return party


def parse(
    statements: Iterable[dict[str, Any]], *, known_record_ids: set[str] | None = None
) -> tuple[Parsed, list[Problem]]:
    """Records from statements (the latest statement of a record wins), with every
    reference and share checked. `known_record_ids` are records already stored."""
    known = known_record_ids or set()
    parties: dict[str, PartyRecord] = {}
    relationships: dict[str, RelationshipRecord] = {}
    kinds: dict[str, str] = {}
    problems: list[Problem] = []
    pending: list[tuple[int, str, RelationshipRecord]] = []
    count = 0
    for index, statement in enumerate(statements, start=1):
        count = index
        if not isinstance(statement, dict):
            problems.append(Problem(index, "", "", "not_object", _("A statement is an object.")))
            continue
        sid = str(statement.get("statementId", ""))
        record_id = str(statement.get("recordId", ""))
        record_type = statement.get("recordType")
        details = statement.get("recordDetails")
        if not record_id or not isinstance(details, dict):
            continue  # the schema check names it
        if record_type in ("entity", "person"):
            parties[record_id] = _party(record_id, record_type, details)
            kinds[record_id] = record_type
        elif record_type == "relationship":
            rel = _relationship(index, sid, record_id, statement, details, problems)
            if rel is not None:
                relationships[record_id] = rel
                pending.append((index, sid, rel))
    for index, sid, rel in pending:
        if rel.subject not in kinds and rel.subject not in known:
            problems.append(
                Problem(
                    index,
                    sid,
                    "recordDetails.subject",
                    "unknown_record",
                    _("The subject %(id)s is not an entity of this file or of the register.")
                    % {"id": rel.subject},
                )
            )
        elif kinds.get(rel.subject) == "person":
            problems.append(
                Problem(
                    index,
                    sid,
                    "recordDetails.subject",
                    "subject_is_person",
                    _("The subject of a relationship is an entity, not a person."),
                )
            )
        if rel.interested_party is not None and (
            rel.interested_party not in kinds and rel.interested_party not in known
        ):
            problems.append(
                Problem(
                    index,
                    sid,
                    "recordDetails.interestedParty",
                    "unknown_record",
                    _(
                        "The interested party %(id)s is not a record of this file or of the "
                        "register."
                    )
                    % {"id": rel.interested_party},
                )
            )
    return Parsed(parties, relationships, count), problems


def _relationship(
    index: int,
    sid: str,
    record_id: str,
    statement: dict[str, Any],
    d: dict[str, Any],
    problems: list[Problem],
) -> RelationshipRecord | None:
    subject = d.get("subject")
    party = d.get("interestedParty")
    if isinstance(subject, dict):
        subject = subject.get("describedByEntityStatement") or ""
    rel = RelationshipRecord(
        record_id=record_id,
        subject=str(subject or ""),
        interested_party=None,
        statement_date=str(statement.get("statementDate", ""))[:10],
        closed=statement.get("recordStatus") == "closed",
    )
    if isinstance(party, str) and party:
        rel.interested_party = party
    elif isinstance(party, dict) and party.get("reason"):
        rel.unspecified_reason = str(party["reason"])[:60]
        rel.unspecified_description = str(party.get("description", ""))
    else:
        problems.append(
            Problem(
                index,
                sid,
                "recordDetails.interestedParty",
                "missing",
                _("A relationship names its interested party or says why it cannot."),
            )
        )
    for i, interest in enumerate(d.get("interests") or []):
        if not isinstance(interest, dict):
            continue
        where = f"recordDetails.interests[{i}]"
        kind = str(interest.get("type", ""))
        if kind not in INTEREST_TYPES:
            problems.append(
                Problem(
                    index,
                    sid,
                    f"{where}.type",
                    "interest_type",
                    _("Unknown interest type %(t)s.") % {"t": kind},
                )
            )
        share = interest.get("share") or {}
        try:
            lo, hi = check_share(
                exact=share.get("exact"),
                minimum=share.get("minimum", share.get("exclusiveMinimum")),
                maximum=share.get("maximum", share.get("exclusiveMaximum")),
            )
        except ShareError as exc:
            problems.append(Problem(index, sid, f"{where}.share.{exc.field}", "share", exc.message))
            continue
        rel.interests.append(
            InterestRecord(
                type=kind,
                direct_or_indirect=str(interest.get("directOrIndirect") or "direct"),
                beneficial=bool(interest.get("beneficialOwnershipOrControl")),
                share_min=lo,
                share_max=hi,
                start_date=str(interest.get("startDate", ""))[:10],
                end_date=str(interest.get("endDate", ""))[:10],
                details=str(interest.get("details", ""))[:500],
            )
        )
    return rel


# --- writing statements ---------------------------------------------------------------------


def statement_id(record_id: str, version: str) -> str:
    """A stable statement id for one version of a record."""
    return str(uuid.uuid5(NAMESPACE, f"{record_id}|{version}"))


def publication(today: dt.date, publisher: str) -> dict[str, Any]:
    return {
        "publicationDate": today.isoformat(),
        "bodsVersion": BODS_VERSION,
        "license": "https://data.gov.tw/license",
        "publisher": {"name": publisher},
    }


def share_object(lo: Any, hi: Any, *, exclusive_minimum: bool = False) -> dict[str, Any]:
    """A BODS share: exact when both ends agree, else a range (the lower end exclusive for a
    band such as "more than 25 %")."""
    if lo is not None and hi is not None and lo == hi:
        return {"exact": float(lo)}
    share: dict[str, Any] = {}
    if lo is not None:
        share["exclusiveMinimum" if exclusive_minimum else "minimum"] = float(lo)
    if hi is not None:
        share["maximum"] = float(hi)
    return share
