"""The Control Yuan's published correction lists (更正資料): the job that applies one to
transactions already imported.

A list is read as the detail files are (`controlyuan.iter_file`: UTF-8 with or without a BOM,
or Big5 / cp950, columns found by their header names), in one of two layouts:

- by field ("by_field"): one row per corrected field: the transaction (擬參選人／政黨, 選舉名稱
  and/or 申報序號／年度, 序號), 更正欄位 (a column of the detail file), 更正前 (optional),
  更正後, 資料更正日期, and optionally 更正註記 / 更正原因;
- by transaction ("by_row"): one row per corrected transaction carrying the detail file's
  columns with their corrected values, its 序號 and 資料更正日期.

Each correction becomes a new version of its transaction exactly as a re-published row
with 更正註記 does in an import (`versioning.difference`, `versioning.take`,
`versioning.version_of`): the corrected cells are read again (`controlyuan.read_row`), the
fields that changed are kept on the version with the correction date. The rows of one
transaction with the same correction date make one version; later dates make later versions.

All or nothing: a row naming no known transaction (or more than one), a column that cannot
be corrected, an 更正前 that is not the current value, a correction date or a corrected value
that cannot be read is reported with its line, field and reason, and nothing is applied.
Once a list has been applied the verification rules run again, as after an import
(`runs.refresh_findings`).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from opengov.core import clock

from . import controlyuan, runs, versioning
from .models import Filing, ImportRun, Transaction, TransactionVersion

BATCH = 2000

#: the columns of a correction list by field, besides those naming the transaction
FIELD_SYNONYMS: dict[str, tuple[str, ...]] = {
    "field": ("更正欄位", "更正項目", "更正欄位名稱", "欄位名稱", "欄位"),
    "before": ("更正前", "更正前內容", "更正前資料", "原申報內容"),
    "after": ("更正後", "更正後內容", "更正後資料"),
    "note": ("更正註記", "更正原因", "更正說明", "備註"),
}
#: the columns that say which transaction is corrected (never corrected themselves)
IDENTIFYING = ("recipient", "election", "filing", "line")
#: the detail file's columns a correction may change
CORRECTABLE = tuple(
    name
    for name in controlyuan.SYNONYMS
    if name not in (*IDENTIFYING, "correction", "corrected_on")
)
DATES = ("date", "deposit_date")
AMOUNTS = ("income", "expenditure")


def map_header(header: list[str]) -> dict[str, int]:
    """The column map of a correction list; its layout is "by_field" when the header has an
    更正欄位 column (`layout`). Raises controlyuan.LayoutError naming what is missing."""
    by_field = controlyuan.match_columns(header, FIELD_SYNONYMS)
    if "field" in by_field:
        wanted = {k: controlyuan.SYNONYMS[k] for k in (*IDENTIFYING, "corrected_on")}
        found = {**controlyuan.match_columns(header, wanted), **by_field}
        needed = ["recipient", "line", "after", "corrected_on"]
    else:
        try:
            found = controlyuan.map_header(header)
        except controlyuan.LayoutError as exc:
            # neither layout: name what each would need
            present = controlyuan.match_columns(header)
            row = [n for n in ("line", "corrected_on") if n not in present]
            raise controlyuan.LayoutError(
                exc.found, [*exc.missing, *row, "(or, one row per field: field, after)"]
            ) from exc
        needed = ["line", "corrected_on"]
    missing = [name for name in needed if name not in found]
    if "election" not in found and "filing" not in found:
        missing.append("election/filing")
    if missing:
        raise controlyuan.LayoutError([h for h in header if h.strip()], missing)
    return found


def layout(columns: dict[str, int]) -> str:
    """ "by_field" or "by_row"."""
    return "by_field" if "field" in columns else "by_row"


@dataclass
class Entry:
    """One readable row of a correction list."""

    position: int
    recipient: str
    election: str
    filing: str
    line: str
    corrected_on: dt.date
    corrected_raw: str
    note: str
    field: str = ""  # by field: the canonical field corrected
    column: str = ""  # by field: the column as the list names it
    before: str | None = None  # by field: 更正前 (None when the list has no such column)
    after: str = ""  # by field: 更正後
    cells: list[str] | None = None  # by row: the corrected row
    header: tuple[str, ...] = ()  # by row: the list's header


def read_entry(
    cells: list[str],
    columns: dict[str, int],
    position: int,
    *,
    header: list[str],
    election: str = "",
) -> Entry | controlyuan.Rejection:
    """One row of a correction list, or why it cannot be read (without the database)."""
    width = len(cells)
    cell = {name: cells[i].strip() if 0 <= i < width else "" for name, i in columns.items()}.get
    reject = controlyuan.Rejection
    if not cell("recipient", ""):
        return reject(position, "recipient", "no candidate or party named", "")
    if not cell("line", ""):
        return reject(position, "line", "no serial (序號) naming the transaction", "")
    if not (cell("election", "") or election or cell("filing", "")):
        return reject(position, "election", "no election or filing serial (申報序號)", "")
    corrected_raw = cell("corrected_on", "")
    if not corrected_raw:
        return reject(position, "corrected_on", "no correction date (資料更正日期)", "")
    try:
        corrected_on = controlyuan.parse_date(corrected_raw)
    except ValueError:
        return reject(position, "corrected_on", "impossible or unreadable date", corrected_raw)
    entry = Entry(
        position=position,
        recipient=cell("recipient", ""),
        election=cell("election", "") or election,
        filing=cell("filing", ""),
        line=cell("line", ""),
        corrected_on=corrected_on,
        corrected_raw=corrected_raw,
        note=cell("note", "") or cell("correction", ""),
    )
    if "field" not in columns:
        result = controlyuan.read_row(cells, columns, position, election=election, hashed=False)
        if isinstance(result, controlyuan.Rejection):
            return result
        entry.cells, entry.header = cells, tuple(header)
        return entry
    column = cell("field", "")
    name = controlyuan.field_of(column)
    if name not in CORRECTABLE:
        return reject(position, "field", "not a correctable column", column)
    entry.field, entry.column = name, column
    entry.before = cell("before", "") if "before" in columns else None
    entry.after = cell("after", "")
    return entry


@dataclass
class Scan:
    """The first pass over a list: encoding, layout, rows read and rows that cannot be."""

    encoding: str
    layout: str
    entries: list[Entry]
    rejections: list[controlyuan.Rejection]

    @property
    def count(self) -> int:
        """The rows read, readable or not."""
        return len(self.entries) + len(self.rejections)


def scan(
    data: bytes, *, election: str = "", on_progress: Callable[[int], None] | None = None
) -> Scan:
    """Read every row of a correction list (no database); raises controlyuan.LayoutError or
    UnicodeDecodeError for a file that cannot be read at all."""
    encoding, header, columns, rows = controlyuan.iter_file(data, mapper=map_header)
    entries: list[Entry] = []
    rejected: list[controlyuan.Rejection] = []
    for count, (position, cells) in enumerate(rows, 1):
        result = read_entry(cells, columns, position, header=header, election=election)
        (rejected if isinstance(result, controlyuan.Rejection) else entries).append(result)
        if on_progress and count % runs.PROGRESS_EVERY == 0:
            on_progress(count)
    return Scan(encoding, layout(columns), entries, rejected)


def _same(name: str, current: str, stated: str) -> bool:
    """Whether 更正前 states the current value (dates and amounts compared as values)."""
    if name in DATES or name in AMOUNTS:
        parse = controlyuan.parse_date if name in DATES else controlyuan.parse_amount
        try:
            return parse(current) == parse(stated)
        except ValueError:
            pass
    fold = lambda text: " ".join(unicodedata.normalize("NFKC", text or "").split())  # noqa: E731
    return fold(current) == fold(stated)


@dataclass
class _Working:
    """A transaction while a list is applied: its cells as corrected so far, and the
    correction date and last entry of the version being made."""

    tx: Transaction
    header: list[str]
    cells: list[str]
    on: dt.date | None = None
    last: Entry | None = None

    def index(self, name: str, column: str) -> int:
        """The position of a field's column, added (empty) when the row has none."""
        found = controlyuan.match_columns(self.header).get(name)
        if found is None:
            self.header.append(column)
            self.cells.append("")
            found = len(self.header) - 1
        return found

    def stamp(self, entry: Entry) -> None:
        """Write the correction's note and date into the row's own columns, when it has them,
        as the re-published detail file would carry them."""
        columns = controlyuan.match_columns(self.header)
        if "corrected_on" in columns:
            self.cells[columns["corrected_on"]] = entry.corrected_raw
        if entry.note and "correction" in columns:
            self.cells[columns["correction"]] = entry.note

    def read(self, entry: Entry, *, hashed: bool) -> controlyuan.Row | controlyuan.Rejection:
        """The row as corrected so far, read as an import reads it."""
        try:
            columns = controlyuan.map_header(self.header)
        except controlyuan.LayoutError:
            return controlyuan.Rejection(entry.position, "field", "the row cannot be read", "")
        return controlyuan.read_row(
            self.cells, columns, entry.position, election=entry.election, hashed=hashed
        )


#: what names a transaction in a list: recipient, election, filing serial, serial (序號)
Key = tuple[str, str, str, str]
#: the keys looked up at once (bounds the parameters of `versioning.find_stored`'s query)
FIND_BATCH = 500


def _key(entry: Entry) -> Key:
    return (entry.recipient, entry.election, entry.filing, entry.line)


def _find(keys: list[Key]) -> dict[Key, Transaction | int]:
    """The transaction each key names, or how many do when not exactly one (0, or more than
    one): per FIND_BATCH keys, the candidate filings in one query, the stored (filing,
    serial) pairs in another, the transactions named in a third."""
    found: dict[Key, Transaction | int] = {}
    for start in range(0, len(keys), FIND_BATCH):
        batch = keys[start : start + FIND_BATCH]
        filings: dict[str, list[tuple[int, str | None, str]]] = {}
        for pk, recipient, election, serial in Filing.objects.filter(
            recipient__name__in={key[0][:200] for key in batch}
        ).values_list("pk", "recipient__name", "election__name", "serial"):
            filings.setdefault(recipient, []).append((pk, election, serial))
        pairs = {
            (recipient, election, filing, line): [
                (pk, line[:40])
                for pk, its_election, its_serial in filings.get(recipient[:200], [])
                if (not election or its_election == election[:200])
                and (not filing or its_serial == filing[:40])
            ]
            for recipient, election, filing, line in batch
        }
        stored = versioning.find_stored([pair for some in pairs.values() for pair in some])
        ids = {key: [stored[p][0] for p in some if p in stored] for key, some in pairs.items()}
        one = Transaction.objects.in_bulk({some[0] for some in ids.values() if len(some) == 1})
        found.update(
            (key, one[some[0]] if len(some) == 1 else len(some)) for key, some in ids.items()
        )
    return found


@dataclass
class Resolved:
    """What a list does, in memory: the transactions it changes, their new versions, how
    many corrections changed nothing, and the rows refused."""

    transactions: list[Transaction] = field(default_factory=list)
    versions: list[TransactionVersion] = field(default_factory=list)
    unchanged: int = 0
    rejections: list[controlyuan.Rejection] = field(default_factory=list)


def resolve(
    entries: list[Entry],
    *,
    run: ImportRun | None,
    now: Any,
    on_progress: Callable[[int], None] | None = None,
) -> Resolved:
    """Match every entry to its transaction, check it against the current version, and make
    the new versions (nothing is saved)."""
    out = Resolved()
    found = _find(list(dict.fromkeys(_key(entry) for entry in entries)))
    working: dict[int, _Working] = {}
    changed: dict[int, Transaction] = {}

    def close(item: _Working) -> None:
        if item.last is None:
            return
        row = item.read(item.last, hashed=True)
        assert isinstance(row, controlyuan.Row)  # each entry was read when it came
        item.last = None
        if row.row_hash == item.tx.row_hash:
            out.unchanged += 1
            return
        fields = versioning.fields_of(row)
        changes = versioning.difference(item.tx, fields)
        versioning.take(item.tx, row, item.header, fields)
        item.tx.version += 1
        out.versions.append(
            versioning.version_of(item.tx, run=run, now=now, changes=changes, corrected_on=item.on)
        )
        changed[item.tx.pk] = item.tx

    ordered = sorted(entries, key=lambda e: (e.corrected_on, e.position))
    for count, entry in enumerate(ordered, 1):
        if on_progress and count % runs.PROGRESS_EVERY == 0:
            on_progress(count)
        match = found[_key(entry)]
        if not isinstance(match, Transaction):
            reason = (
                "more than one transaction matches: name the election and the filing serial"
                if match
                else "no such transaction"
            )
            out.rejections.append(controlyuan.Rejection(entry.position, "line", reason, entry.line))
            continue
        item = working.setdefault(
            match.pk, _Working(match, list(match.raw), list(match.raw.values()))
        )
        if item.on != entry.corrected_on:
            close(item)
        if entry.cells is not None:
            item.header, item.cells = list(entry.header), list(entry.cells)
        else:
            at = item.index(entry.field, entry.column)
            current = item.cells[at]
            if entry.before is not None and not _same(entry.field, current, entry.before):
                out.rejections.append(
                    controlyuan.Rejection(
                        entry.position,
                        "before",
                        f"更正前 does not match the current version (current: {current or '—'})",
                        entry.before,
                    )
                )
                continue
            before = (list(item.header), list(item.cells))
            item.cells[at] = entry.after
            item.stamp(entry)
            read = item.read(entry, hashed=False)
            if isinstance(read, controlyuan.Rejection):
                item.header, item.cells = before
                out.rejections.append(
                    controlyuan.Rejection(entry.position, "after", read.reason, entry.after)
                )
                continue
        item.on, item.last = entry.corrected_on, entry
    for item in working.values():
        close(item)
    out.transactions = list(changed.values())
    return out


def execute(run: ImportRun) -> None:
    """Apply a correction list (the job of an ImportRun of kind "corrections"): read it,
    check every row against the stored transactions, and apply all of it or none, then run
    the verification rules again."""
    checked = runs.read(run, bytes(run.data), scan)
    if checked is None:
        return
    with transaction.atomic():
        resolved = resolve(
            checked.entries, run=run, now=clock.now(), on_progress=runs.start_progress(run)
        )
        rejections = sorted(
            [*checked.rejections, *resolved.rejections], key=lambda r: (r.position, r.field)
        )
        if not rejections:
            Transaction.objects.bulk_update(
                resolved.transactions,
                [*versioning.TAKEN, "version"],
                batch_size=BATCH,
            )
            TransactionVersion.objects.bulk_create(resolved.versions, batch_size=BATCH)
            counts = {
                "created": 0,
                "corrected": len(resolved.versions),
                "unchanged": resolved.unchanged,
                "flagged": sum(bool(tx.flags) for tx in resolved.transactions),
            }
            runs.applied(
                run, verb="donations.corrections_applied", layout=checked.layout, counts=counts
            )
    if rejections:
        runs.finish(
            run,
            ImportRun.State.REJECTED,
            rejections=[r.as_dict() for r in rejections],
            message=_("%(count)d row(s) refused; nothing was applied.")
            % {"count": len(rejections)},
        )
        return
    runs.succeed(run)
