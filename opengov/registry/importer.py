"""Import of the company registry's open data (商工登記公示資料): basic data and directors, as
CSV or JSON, in UTF-8 (with or without a BOM) or Big5 (cp950), with Minguo dates and
full-width characters.

All or nothing per file: every row is checked first, and while any row is rejected nothing is
applied; the run's report names every rejected row, the field and the reason. A file that
passes is applied in one transaction: organisations created or updated (a new name or status
closes the old one on the run's `as_of` date), boards replaced seat by seat (history kept).

Progress: rows checked are written to the run as they go; rows applied (inside the
transaction, invisible to other connections until it commits) go to the cache, which the
import page reads (`progress`).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.utils.translation import gettext as _

from opengov.core import audit, clock
from opengov.core.identifiers import parse_amount, parse_filed_date

from . import matching, rules
from .models import ImportRun, Kind, Organisation, OrganisationName, OrganisationStatusRecord
from .services import SeatIn, _apply_changes, _derived, _number_fields, board_replace

BASIC_COLUMNS = (
    "Business_Accounting_NO",
    "Company_Name",
    "Company_Status_Desc",
    "Capital_Stock_Amount",
    "Paid_In_Capital_Amount",
    "Responsible_Name",
    "Company_Location",
    "Company_Setup_Date",
    "Revoke_App_Date",
    "Sus_Beg_Date",
    "Sus_End_Date",
)
BASIC_REQUIRED = ("Business_Accounting_NO", "Company_Name")
DIRECTOR_COLUMNS = (
    "Business_Accounting_NO",
    "Person_Position_Name",
    "Person_Name",
    "Juristic_Person_Name",
    "Person_Shareholding",
)
DIRECTOR_REQUIRED = ("Business_Accounting_NO", "Person_Position_Name", "Person_Name")

#: the Chinese headers of the registry's CSV downloads, and their field names
HEADER_ALIASES = {
    "統一編號": "Business_Accounting_NO",
    "公司統一編號": "Business_Accounting_NO",
    "公司名稱": "Company_Name",
    "公司狀況": "Company_Status_Desc",
    "公司狀態": "Company_Status_Desc",
    "資本總額": "Capital_Stock_Amount",
    "資本總額(元)": "Capital_Stock_Amount",
    "實收資本額": "Paid_In_Capital_Amount",
    "實收資本額(元)": "Paid_In_Capital_Amount",
    "代表人姓名": "Responsible_Name",
    "代表人": "Responsible_Name",
    "公司所在地": "Company_Location",
    "核准設立日期": "Company_Setup_Date",
    "撤銷日期": "Revoke_App_Date",
    "廢止日期": "Revoke_App_Date",
    "停業日期(起)": "Sus_Beg_Date",
    "停業日期(迄)": "Sus_End_Date",
    "職稱": "Person_Position_Name",
    "姓名": "Person_Name",
    "所代表法人": "Juristic_Person_Name",
    "出資額": "Person_Shareholding",
    "持有股份數": "Person_Shareholding",
    "持有股份數(股)": "Person_Shareholding",
}
DATE_FIELDS = {
    "Company_Setup_Date": "set_up_on",
    "Revoke_App_Date": "revoked_on",
    "Sus_Beg_Date": "suspended_from",
    "Sus_End_Date": "suspended_until",
}
AMOUNT_FIELDS = {"Capital_Stock_Amount": "capital", "Paid_In_Capital_Amount": "paid_in_capital"}
PROGRESS_EVERY = 500
SOURCE = "company-registry"


class FileProblem(Exception):
    """The whole file cannot be read (encoding, format, missing columns)."""


@dataclass
class Rejection:
    """One rejected row: where, which field, what it held, and why."""

    row: int
    field: str
    value: str
    message: str
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "line": self.line,
            "field": self.field,
            "value": self.value[:200],
            "message": str(self.message),
        }


@dataclass
class Parsed:
    """A file read into rows of field -> text."""

    encoding: str
    file_format: str
    rows: list[dict[str, str]]
    header_line: bool  # CSV: the header is line 1, so row n is line n + 1


def decode(data: bytes) -> tuple[str, str]:
    """The text of a file and its encoding: UTF-8 with a BOM, UTF-8, or Big5 (cp950)."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8", "utf-8-sig", len(codecs.BOM_UTF8))]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [("utf-16", "utf-16", 0)]
    else:
        candidates = [("utf-8", "utf-8", 0), ("cp950", "big5", 0)]
    problem: UnicodeDecodeError | None = None
    for codec, label, skip in candidates:
        try:
            return data[skip:].decode(codec), label
        except UnicodeDecodeError as exc:
            problem = exc
    raise FileProblem(
        _("The file is neither UTF-8 nor Big5: undecodable bytes at position %(pos)d.")
        % {"pos": problem.start if problem else 0}
    )


def _header(name: str) -> str:
    text = unicodedata.normalize("NFKC", str(name or "")).strip().strip('"').strip()
    return HEADER_ALIASES.get(text, HEADER_ALIASES.get(text.replace(" ", ""), text))


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip()


def read(data: bytes) -> Parsed:
    """Decode and parse a file: JSON (an array of objects, or an object holding one) or CSV."""
    text, encoding = decode(data)
    stripped = text.lstrip()
    if not stripped:
        raise FileProblem(_("The file is empty."))
    if stripped[0] in "[{":
        try:
            document = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise FileProblem(
                _("The JSON cannot be read at line %(line)d, column %(col)d: %(msg)s")
                % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg}
            ) from None
        if isinstance(document, dict):
            lists = [v for v in document.values() if isinstance(v, list)]
            document = lists[0] if len(lists) == 1 else [document]
        if not isinstance(document, list):
            raise FileProblem(_("The JSON must be an array of records."))
        rows = []
        for item in document:
            if isinstance(item, dict):
                rows.append({_header(k): _text(v) for k, v in item.items()})
            else:
                rows.append({"__invalid__": _text(item)})
        return Parsed(encoding, "json", rows, header_line=False)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise FileProblem(_("The CSV file has no header line.")) from None
    names = [_header(h) for h in header]
    rows = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                rows.append({"__blank__": ""})
                continue
            row = {name: _text(v) for name, v in zip(names, values, strict=False)}
            if len(values) != len(names):
                row["__width__"] = str(len(values))
            rows.append(row)
    except csv.Error as exc:
        raise FileProblem(
            _("The CSV cannot be read at line %(line)d: %(msg)s")
            % {"line": reader.line_num, "msg": exc}
        ) from None
    return Parsed(encoding, "csv", rows, header_line=True)


def detect_dataset(parsed: Parsed) -> str | None:
    """ "directors" when the rows carry director fields, "basic" for company fields."""
    keys: set[str] = set()
    for row in parsed.rows[:50]:
        keys.update(row)
    if "Person_Position_Name" in keys or "Person_Name" in keys:
        return ImportRun.Dataset.DIRECTORS
    if "Company_Name" in keys:
        return ImportRun.Dataset.BASIC
    return None


_EMPTY_DATES = {"", "0", "0000000", "000000", "00000000", "-", "--"}


def parse_date(value: str) -> dt.date | None:
    """A date as the registry's files write it (`core.identifiers.parse_filed_date`: Minguo or
    AD); empty (or all zeros) is None; anything else raises ValueError."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    if text in _EMPTY_DATES:
        return None
    return parse_filed_date(text)


def parse_shares(value: str) -> int | None:
    """An amount or a share count ("1,234,567", "162000.00", "５０００"); empty is None."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    if not text:
        return None
    number = parse_amount(text)
    if number < 0:
        raise ValueError("negative")
    return number


@dataclass
class BasicRecord:
    """A checked row of basic data."""

    row: int
    raw_number: str
    name: str
    fields: dict[str, Any] = field(default_factory=dict)


def _structural(row: dict[str, str], index: int, line: int | None) -> Rejection | None:
    if "__invalid__" in row:
        return Rejection(index, "", row["__invalid__"], _("The record is not an object."), line)
    if "__blank__" in row:
        return Rejection(index, "", "", _("The line is empty."), line)
    if "__width__" in row:
        return Rejection(
            index,
            "",
            row["__width__"],
            _("The line has a different number of columns than the header."),
            line,
        )
    return None


def check_basic(
    parsed: Parsed, on_row: Callable[[int], None]
) -> tuple[list[BasicRecord], list[Rejection]]:
    """Every row of basic data checked; (records, rejections)."""
    records: list[BasicRecord] = []
    rejections: list[Rejection] = []
    seen: dict[str, int] = {}
    for index, row in enumerate(parsed.rows, start=1):
        on_row(index)
        line = index + 1 if parsed.header_line else None
        problem = _structural(row, index, line)
        if problem:
            rejections.append(problem)
            continue
        errors: list[Rejection] = []

        def reject(name: str, message: str, _row=row, _i=index, _l=line, _e=errors) -> None:
            _e.append(Rejection(_i, name, _row.get(name, ""), message, _l))

        raw = rules.clean_business_number(row.get("Business_Accounting_NO", ""))
        if not raw:
            reject("Business_Accounting_NO", _("A business number is required."))
        elif raw in seen:
            reject(
                "Business_Accounting_NO",
                _("This business number is already on row %(row)d.") % {"row": seen[raw]},
            )
        name = row.get("Company_Name", "").strip()
        if not name:
            reject("Company_Name", _("A company name is required."))
        elif len(name) > 300:
            reject("Company_Name", _("The name is longer than 300 characters."))
        fields: dict[str, Any] = {"kind": Kind.COMPANY, "source": SOURCE}
        for column, target in DATE_FIELDS.items():
            try:
                fields[target] = parse_date(row.get(column, ""))
            except ValueError:
                reject(column, _("Not a date (expected a Minguo date such as 1130507)."))
        for column, target in AMOUNT_FIELDS.items():
            try:
                fields[target] = parse_shares(row.get(column, ""))
            except ValueError:
                reject(column, _("Not an amount of NT$ of zero or more."))
        begin, end = fields.get("suspended_from"), fields.get("suspended_until")
        if begin and end and end < begin:
            reject("Sus_End_Date", _("The suspension ends before it begins."))
        status_text = row.get("Company_Status_Desc", "").strip()[:100]
        fields["status_text"] = status_text
        fields["status"] = rules.status_from_text(status_text)
        fields["representative"] = row.get("Responsible_Name", "").strip()[:200]
        fields["address"] = row.get("Company_Location", "").strip()[:300]
        if errors:
            rejections.extend(errors)
            continue
        seen[raw] = index
        records.append(BasicRecord(index, raw, name, fields))
    return records, rejections


@dataclass
class DirectorGroup:
    """The checked seats of one company in a directors file."""

    number: str
    organisation: Organisation
    seats: list[SeatIn]


def check_directors(
    parsed: Parsed, on_row: Callable[[int], None]
) -> tuple[list[DirectorGroup], list[Rejection]]:
    """Every row of directors checked; seats grouped by company, in file order."""
    rejections: list[Rejection] = []
    numbers = {
        rules.clean_business_number(r.get("Business_Accounting_NO", "")) for r in parsed.rows
    }
    known: dict[str, Organisation] = {}
    listed = sorted(n for n in numbers if n)
    for start in range(0, len(listed), 500):
        for org in Organisation.objects.filter(
            business_number__in=listed[start : start + 500]
        ).order_by("business_number_flag", "pk"):
            known.setdefault(org.business_number, org)
    groups: dict[str, DirectorGroup] = {}
    for index, row in enumerate(parsed.rows, start=1):
        on_row(index)
        line = index + 1 if parsed.header_line else None
        problem = _structural(row, index, line)
        if problem:
            rejections.append(problem)
            continue
        errors: list[Rejection] = []

        def reject(name: str, message: str, _row=row, _i=index, _l=line, _e=errors) -> None:
            _e.append(Rejection(_i, name, _row.get(name, ""), message, _l))

        number = rules.clean_business_number(row.get("Business_Accounting_NO", ""))
        if not number:
            reject("Business_Accounting_NO", _("A business number is required."))
        elif number not in known:
            reject(
                "Business_Accounting_NO",
                _("No organisation has this business number: import its basic data first."),
            )
        position = row.get("Person_Position_Name", "").strip()
        if not position:
            reject("Person_Position_Name", _("A position is required."))
        elif len(position) > 100:
            reject("Person_Position_Name", _("The position is longer than 100 characters."))
        person = row.get("Person_Name", "").strip()
        juristic = row.get("Juristic_Person_Name", "").strip()
        if not person and not juristic:
            reject("Person_Name", _("A person's or a legal person's name is required."))
        if len(person) > 200:
            reject("Person_Name", _("The name is longer than 200 characters."))
        if len(juristic) > 300:
            reject("Juristic_Person_Name", _("The name is longer than 300 characters."))
        shares = None
        try:
            shares = parse_shares(row.get("Person_Shareholding", ""))
        except ValueError:
            reject("Person_Shareholding", _("Not a number of shares of zero or more."))
        if errors:
            rejections.extend(errors)
            continue
        group = groups.get(number)
        if group is None:
            group = groups[number] = DirectorGroup(number, known[number], [])
        group.seats.append(SeatIn(position, person, juristic, shares))
    return list(groups.values()), rejections


def _progress_key(run_id: int) -> str:
    return f"registry:import:{run_id}:applied"


def progress(run: ImportRun) -> dict[str, Any]:
    """Where a run is: state, phase (checking, applying, done), rows checked and applied, and
    a percentage (checking is the first half, applying the second)."""
    if run.finished:
        return {
            "state": run.state,
            "phase": "done",
            "total": run.total,
            "checked": run.processed,
            "applied": run.total if run.state == ImportRun.State.SUCCEEDED else 0,
            "percent": 100,
        }
    applied = cache.get(_progress_key(run.pk)) or 0
    total = run.total or 0
    phase = "applying" if total and run.processed >= total else "checking"
    percent = 0 if not total else min(99, (run.processed + applied) * 50 // total)
    return {
        "state": run.state,
        "phase": phase if run.state == ImportRun.State.RUNNING else "waiting",
        "total": total,
        "checked": run.processed,
        "applied": applied,
        "percent": percent,
    }


def _finish(run: ImportRun, state: str, **values: Any) -> None:
    values.update(state=state, finished_at=clock.now())
    ImportRun.objects.filter(pk=run.pk).update(**values)
    cache.delete(_progress_key(run.pk))


def import_execute(run_id: int) -> ImportRun | None:
    """Run an import job (once: a run that is not waiting is left alone)."""
    started = ImportRun.objects.filter(pk=run_id, state=ImportRun.State.PENDING).update(
        state=ImportRun.State.RUNNING, started_at=clock.now()
    )
    if not started:
        return None
    run = ImportRun.objects.get(pk=run_id)
    try:
        _execute(run)
    except Exception as exc:  # an unexpected failure is reported on the run, never lost
        _finish(run, ImportRun.State.FAILED, message=f"{type(exc).__name__}: {exc}"[:1000])
        raise
    run.refresh_from_db()
    return run


def _execute(run: ImportRun) -> None:
    try:
        parsed = read(bytes(run.data))
    except FileProblem as exc:
        _finish(run, ImportRun.State.REJECTED, message=str(exc)[:1000])
        return
    total = len(parsed.rows)
    ImportRun.objects.filter(pk=run.pk).update(
        encoding=parsed.encoding, file_format=parsed.file_format, total=total
    )
    run.total = total
    detected = detect_dataset(parsed)
    if total and detected and detected != run.dataset:
        _finish(
            run,
            ImportRun.State.REJECTED,
            message=_("The file holds %(found)s, not %(chosen)s.")
            % {
                "found": ImportRun.Dataset(detected).label,
                "chosen": ImportRun.Dataset(run.dataset).label,
            },
        )
        return
    required = BASIC_REQUIRED if run.dataset == ImportRun.Dataset.BASIC else DIRECTOR_REQUIRED
    present: set[str] = set().union(*(r.keys() for r in parsed.rows)) if parsed.rows else set()
    missing = [c for c in required if c not in present]
    if missing or not total:
        _finish(
            run,
            ImportRun.State.REJECTED,
            message=(
                _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}
                if missing
                else _("The file has no rows.")
            ),
        )
        return

    def checked(index: int) -> None:
        if index % PROGRESS_EVERY == 0 or index == total:
            ImportRun.objects.filter(pk=run.pk).update(processed=index)

    if run.dataset == ImportRun.Dataset.BASIC:
        records, rejections = check_basic(parsed, checked)
    else:
        groups, rejections = check_directors(parsed, checked)
    if rejections:
        _finish(
            run,
            ImportRun.State.REJECTED,
            processed=total,
            rejections=[r.as_dict() for r in rejections],
            message=_("%(count)d row(s) rejected; nothing was imported.")
            % {"count": len({r.row for r in rejections})},
        )
        return
    key = _progress_key(run.pk)
    cache.set(key, 0, 24 * 3600)
    with transaction.atomic():
        if run.dataset == ImportRun.Dataset.BASIC:
            counts = _apply_basic(run, records, lambda n: cache.set(key, n, 24 * 3600))
        else:
            counts = _apply_directors(run, groups, lambda n: cache.set(key, n, 24 * 3600))
        audit.record(
            actor=run.created_by,
            verb="registry.import_applied",
            target=run,
            changes={"dataset": run.dataset, "as_of": run.as_of.isoformat(), **counts},
        )
        ImportRun.objects.filter(pk=run.pk).update(
            processed=total,
            created=counts["created"],
            updated=counts["updated"],
            unchanged=counts["unchanged"],
        )
    _finish(
        run,
        ImportRun.State.SUCCEEDED,
        message=_("%(created)d created, %(updated)d updated, %(unchanged)d unchanged.") % counts,
    )


def _chunks(items: list[Any], size: int = 500) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _apply_basic(
    run: ImportRun, records: list[BasicRecord], applied: Callable[[int], None]
) -> dict[str, int]:
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    done = 0
    now = clock.now()
    for chunk in _chunks(records):
        numbers = {}
        for record in chunk:
            numbers[record.row] = _number_fields(record.raw_number, run.as_of)
        eight = [n["business_number"] for n in numbers.values() if n["business_number"]]
        existing: dict[str, Organisation] = {}
        for org in Organisation.objects.filter(business_number__in=eight).order_by(
            "business_number_flag", "pk"
        ):
            existing.setdefault(org.business_number, org)
        new: list[Organisation] = []
        for record in chunk:
            number = numbers[record.row]
            org = existing.get(number["business_number"]) if number["business_number"] else None
            if org is None and not number["business_number"]:
                org = Organisation.objects.filter(
                    business_number_raw=number["business_number_raw"],
                    normalised_name=matching.normalise_name(record.name),
                ).first()
            if org is None:
                new.append(_new_organisation(record, number, now))
            else:
                changes = _apply_changes(
                    org, name=record.name, fields=dict(record.fields), as_of=run.as_of
                )
                counts["updated" if changes else "unchanged"] += 1
        _insert(new)
        counts["created"] += len(new)
        done += len(chunk)
        applied(done)
    return counts


def _new_organisation(record: BasicRecord, number: dict[str, str], now: Any) -> Organisation:
    org = Organisation(
        name=record.name[:300], created_at=now, updated_at=now, **number, **record.fields
    )
    _derived(org)
    return org


def _insert(organisations: list[Organisation]) -> None:
    """Insert new organisations with their first name and status, a batch at a time."""
    if not organisations:
        return
    if not connection.features.can_return_rows_from_bulk_insert:  # pragma: no cover
        for org in organisations:
            org.save()
    else:
        Organisation.objects.bulk_create(organisations, batch_size=500)
    OrganisationName.objects.bulk_create(
        [
            OrganisationName(
                organisation=org,
                name=org.name,
                normalised_name=org.normalised_name,
                valid_from=org.set_up_on,
                source=org.source,
            )
            for org in organisations
        ],
        batch_size=500,
    )
    OrganisationStatusRecord.objects.bulk_create(
        [
            OrganisationStatusRecord(
                organisation=org,
                status=org.status,
                status_text=org.status_text,
                valid_from=org.set_up_on,
            )
            for org in organisations
        ],
        batch_size=500,
    )


def _apply_directors(
    run: ImportRun, groups: list[DirectorGroup], applied: Callable[[int], None]
) -> dict[str, int]:
    counts = {"created": 0, "updated": 0, "unchanged": 0, "seats_opened": 0, "seats_closed": 0}
    done = 0
    for group in groups:
        opened, closed = board_replace(
            actor=run.created_by,
            organisation=group.organisation,
            seats=group.seats,
            as_of=run.as_of,
            import_run=run,
        )
        counts["seats_opened"] += opened
        counts["seats_closed"] += closed
        if opened or closed:
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
        done += len(group.seats)
        applied(done)
    return counts
