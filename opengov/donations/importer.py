"""The import job of a Control Yuan file: read every row (`controlyuan`), and while any row
cannot be read, or the layout is unknown, import nothing and report why; otherwise apply the
file in one transaction. A row whose filing and serial (序號) are already known, with a
different content (a correction, 更正註記, or a re-published list), becomes a new version of
that transaction with the fields that changed; an identical row is left alone. Once the
file has committed, the verification rules run again over everything (`runs.refresh_findings`),
and the run's message says what they found.

Progress as `runs` describes. A run of kind "corrections" is a correction list, applied by
`corrections.execute`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils.translation import gettext as _

from opengov.core import clock

from . import controlyuan, corrections, names
from .models import Election, Filing, ImportRun, Recipient, Transaction, TransactionVersion
from .runs import PROGRESS_EVERY, applied, finish, read, shown_fields, start_progress, succeed
from .versioning import (
    FIELDS,
    TAKEN,
    correction_date,
    difference,
    fields_of,
    find_stored,
    take,
    version_of,
)

BATCH = 2000


def import_execute(run_id: int) -> ImportRun | None:
    """Run an import job once (a run that is not waiting is left alone)."""
    started = ImportRun.objects.filter(pk=run_id, state=ImportRun.State.PENDING).update(
        state=ImportRun.State.RUNNING
    )
    if not started:
        return None
    run = ImportRun.objects.get(pk=run_id)
    try:
        (corrections.execute if run.kind == ImportRun.Kind.CORRECTIONS else _execute)(run)
    except Exception as exc:  # an unexpected failure is reported on the run, never lost
        finish(run, ImportRun.State.FAILED, message=f"{type(exc).__name__}: {exc}"[:1000])
        raise
    run.refresh_from_db(fields=shown_fields())
    return run


@dataclass
class Scan:
    """The first pass over a file: its encoding, layout, header, row count and every row
    that cannot be read (nothing else is kept, so a large file stays out of memory)."""

    encoding: str
    layout: str
    header: list[str]
    count: int
    flagged: int
    rejections: list[controlyuan.Rejection]


def scan(
    data: bytes, *, election: str = "", on_progress: Callable[[int], None] | None = None
) -> Scan:
    """Check every row of a file, calling `on_progress(rows read)` as it goes; raises
    controlyuan.LayoutError or UnicodeDecodeError for a file that cannot be read at all."""
    encoding, header, columns, rows = controlyuan.iter_file(data)
    rejected: list[controlyuan.Rejection] = []
    count = flagged = 0
    for count, (position, cells) in enumerate(rows, 1):
        result = controlyuan.read_row(cells, columns, position, election=election, hashed=False)
        if isinstance(result, controlyuan.Rejection):
            rejected.append(result)
        elif result.flags:
            flagged += 1
        if on_progress and count % PROGRESS_EVERY == 0:
            on_progress(count)
    return Scan(encoding, controlyuan.layout_name(columns), header, count, flagged, rejected)


def _execute(run: ImportRun) -> None:
    data = bytes(run.data)
    checked = read(run, data, scan)
    if checked is None:
        return
    if checked.rejections:
        finish(
            run,
            ImportRun.State.REJECTED,
            rejections=[r.as_dict() for r in checked.rejections],
            message=_("%(count)d row(s) cannot be read; nothing was imported.")
            % {"count": len(checked.rejections)},
        )
        return
    on_progress = start_progress(run)
    rows = (
        r
        for r in controlyuan.read_rows(data, election=run.election_name)
        if isinstance(r, controlyuan.Row)
    )
    with transaction.atomic():
        counts = apply(run, checked.header, rows, on_progress)
        applied(run, verb="donations.import_applied", layout=checked.layout, counts=counts)
    succeed(run)


def _elections(titles: Iterable[str]) -> dict[str, Election]:
    found = {e.name: e for e in Election.objects.filter(name__in=list(titles))}
    for title in titles:
        if title and title not in found:
            found[title] = Election.objects.create(
                name=title[:200], office=names.office_from_election(title) or "legislator"
            )
    return found


def _recipients(titles: Iterable[str]) -> dict[str, Recipient]:
    wanted = {t[:200] for t in titles}
    found = {r.name: r for r in Recipient.objects.filter(name__in=wanted)}
    missing = sorted(wanted - set(found))
    if missing:
        Recipient.objects.bulk_create(
            [
                Recipient(
                    name=title,
                    kind=Recipient.Kind.PARTY
                    if names.is_party_name(title)
                    else Recipient.Kind.CANDIDATE,
                    normalised_name=names.normalise(title),
                )
                for title in missing
            ],
            batch_size=BATCH,
        )
        found.update((r.name, r) for r in Recipient.objects.filter(name__in=missing))
    return found


def apply(
    run: ImportRun | None,
    header: list[str],
    rows: Iterable[controlyuan.Row],
    on_progress: Callable[[int], None],
) -> dict[str, int]:
    """Apply the rows of a file that read cleanly (inside the caller's transaction), in
    batches: new rows are created with their first version, changed rows get a new version
    with the difference, identical rows are left alone. Returns the counts."""
    counts = {"created": 0, "corrected": 0, "unchanged": 0, "flagged": 0}
    state = _ApplyState(run, clock.now())
    batch: list[controlyuan.Row] = []
    done = 0
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            _apply_batch(state, header, batch, counts)
            done += len(batch)
            batch = []
            on_progress(done)
    if batch:
        _apply_batch(state, header, batch, counts)
        on_progress(done + len(batch))
    return counts


@dataclass
class _ApplyState:
    run: ImportRun | None
    now: Any
    elections: dict[str, Election] = field(default_factory=dict)
    recipients: dict[str, Recipient] = field(default_factory=dict)
    filings: dict[tuple[int, int | None, str], int] = field(default_factory=dict)
    statements: dict[str, _Many] = field(default_factory=dict)

    def many(self, name: str, model: Any, columns: list[str], **options: Any) -> _Many:
        """One prepared statement per kind of write, made once per apply."""
        if name not in self.statements:
            self.statements[name] = _Many(model, columns, **options)
        return self.statements[name]


def _adapter(model_field: Any) -> Callable[[Any], Any]:
    db = connections[DEFAULT_DB_ALIAS]  # the connection itself, not its per-context proxy

    def adapt(value: Any) -> Any:
        return None if value is None else model_field.get_db_prep_save(value, db)

    return adapt


class _Many:
    """One INSERT (or UPDATE by id) of many rows as a single prepared statement run with
    `executemany`, each value adapted for the database as its model field would (JSON,
    dates, UUIDs; text and numbers as they are). `prepared` columns come already adapted."""

    PLAIN = frozenset(
        {"CharField", "TextField", "BigIntegerField", "IntegerField", "PositiveIntegerField"}
    )

    def __init__(
        self, model: Any, columns: list[str], *, update: bool = False, prepared: tuple = ()
    ) -> None:
        quote = connection.ops.quote_name
        fields = [model._meta.get_field(name) for name in columns]
        table = quote(model._meta.db_table)
        if update:
            sets = ", ".join(f"{quote(f.column)} = %s" for f in fields)
            key = quote(model._meta.pk.column)
            # names from the model's metadata, quoted; every value is a parameter
            self.sql = f"UPDATE {table} SET {sets} WHERE {key} = %s"  # noqa: S608
        else:
            names = ", ".join(quote(f.column) for f in fields)
            marks = ", ".join(["%s"] * len(fields))
            self.sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
        self.adapters = [
            (i, _adapter(f))
            for i, (name, f) in enumerate(zip(columns, fields, strict=True))
            if name not in prepared
            and f.get_internal_type() not in self.PLAIN
            and not f.is_relation
        ]

    def run(self, rows: list[Any]) -> None:
        """Write the rows (for an UPDATE, each row ends with the id)."""
        if not rows:
            return
        if self.adapters:
            adapted = []
            for row in rows:
                values = list(row)
                for i, adapt in self.adapters:
                    values[i] = adapt(values[i])
                adapted.append(values)
            rows = adapted
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, rows)


_VERSION_COLUMNS = [
    "transaction",
    "version",
    "raw",
    "row_hash",
    "changes",
    "correction_note",
    "corrected_on",
    "run",
    "created_at",
]


def _prepare_filings(state: _ApplyState, batch: list[controlyuan.Row]) -> None:
    """The filings of a batch, found or created at once (new ones in one bulk insert)."""
    wanted: dict[tuple[int, int | None, str], tuple[Recipient, Election | None]] = {}
    for row in batch:
        recipient = state.recipients[row.recipient[:200]]
        election = state.elections.get(row.election)
        key = (recipient.pk, election.pk if election else None, row.filing[:40])
        if key not in state.filings:
            wanted[key] = (recipient, election)
    if not wanted:
        return

    def load() -> None:
        for pk, recipient_id, election_id, serial in Filing.objects.filter(
            recipient_id__in={k[0] for k in wanted}, serial__in={k[2] for k in wanted}
        ).values_list("pk", "recipient_id", "election_id", "serial"):
            key = (recipient_id, election_id, serial)
            if key in wanted:
                state.filings[key] = pk

    load()
    missing = [key for key in wanted if key not in state.filings]
    if missing:
        Filing.objects.bulk_create(
            [Filing(recipient=wanted[k][0], election=wanted[k][1], serial=k[2]) for k in missing],
            batch_size=BATCH,
            ignore_conflicts=True,  # a filing another import created meanwhile is used
        )
        load()


def _apply_batch(
    state: _ApplyState, header: list[str], batch: list[controlyuan.Row], counts: dict[str, int]
) -> None:
    titles = {r.election for r in batch if r.election} - set(state.elections)
    if titles:
        state.elections.update(_elections(titles))
    wanted = {r.recipient[:200] for r in batch} - set(state.recipients)
    if wanted:
        state.recipients.update(_recipients(wanted))
    _prepare_filings(state, batch)
    keyed = []
    for row in batch:
        recipient = state.recipients[row.recipient[:200]]
        election = state.elections.get(row.election)
        filing = state.filings[(recipient.pk, election.pk if election else None, row.filing[:40])]
        keyed.append(((filing, row.line[:40]), row))
    # what is stored already: ids and hashes only; whole rows only for those that differ
    known = find_stored([k for k, _ in keyed])
    differ = {known[k][0] for k, row in keyed if k in known and known[k][1] != row.row_hash}
    stored = Transaction.objects.in_bulk(differ) if differ else {}
    new: dict[tuple[int, str], controlyuan.Row] = {}
    corrected: dict[int, tuple[Transaction, dict[str, Any], dt.date | None]] = {}
    for key, row in keyed:
        counts["flagged"] += bool(row.flags)
        if key in new:  # the same line twice in a batch: the last one is kept
            if new[key].row_hash == row.row_hash:
                counts["unchanged"] += 1
            else:
                new[key] = row
                counts["corrected"] += 1
            continue
        if key not in known:
            new[key] = row
            counts["created"] += 1
            continue
        current = stored.get(known[key][0])
        if current is None or current.row_hash == row.row_hash:
            counts["unchanged"] += 1
            continue
        fields = fields_of(row)
        changes = difference(current, fields)
        take(current, row, header, fields)
        if current.pk in corrected:  # the same line twice in a file: one version, first -> last
            earlier = corrected[current.pk][1]
            merged = {**earlier, **{k: [earlier.get(k, v)[0], v[1]] for k, v in changes.items()}}
            corrected[current.pk] = (current, merged, correction_date(row.corrected_on))
        else:
            current.version += 1
            corrected[current.pk] = (current, changes, correction_date(row.corrected_on))
        counts["corrected"] += 1
    _write_new(state, header, new)
    _write_corrected(state, list(corrected.values()))


def _write_new(
    state: _ApplyState, header: list[str], new: dict[tuple[int, str], controlyuan.Row]
) -> None:
    """Insert the new transactions, then their first versions (two prepared statements)."""
    if not new:
        return
    as_json = _adapter(Transaction._meta.get_field("raw"))
    raws = {key: as_json(row.raw(header)) for key, row in new.items()}
    columns = ["filing", "line", "public_id", *FIELDS, "raw", "row_hash", "version"]
    insert = state.many("tx", Transaction, [*columns, "correction_note"], prepared=("raw",))
    rows = []
    for (filing_id, line), row in new.items():
        fields = fields_of(row)
        rows.append(
            (
                filing_id,
                line,
                uuid.uuid4(),
                *(fields[name] for name in FIELDS),
                raws[(filing_id, line)],
                row.row_hash,
                1,
                row.correction[:200],
            )
        )
    insert.run(rows)
    ids = {key: pk for key, (pk, _digest) in find_stored(list(new)).items()}
    versions = state.many(
        "version", TransactionVersion, _VERSION_COLUMNS, prepared=("raw", "changes", "created_at")
    )
    now = _adapter(TransactionVersion._meta.get_field("created_at"))(state.now)
    nothing = as_json({})
    run_id = state.run.pk if state.run is not None else None
    versions.run(
        [
            (
                ids[key],
                1,
                raws[key],
                row.row_hash,
                nothing,
                row.correction[:200],
                None,
                run_id,
                now,
            )
            for key, row in new.items()
        ]
    )


def _write_corrected(
    state: _ApplyState, corrected: list[tuple[Transaction, dict[str, Any], dt.date | None]]
) -> None:
    """Update the corrected transactions by id, then add their new versions."""
    if not corrected:
        return
    columns = [*TAKEN, "version"]
    update = state.many("tx_update", Transaction, columns, update=True)
    update.run([(*(getattr(tx, name) for name in columns), tx.pk) for tx, _c, _on in corrected])
    TransactionVersion.objects.bulk_create(
        [
            version_of(tx, run=state.run, now=state.now, changes=changes, corrected_on=on)
            for tx, changes, on in corrected
        ],
        batch_size=BATCH,
    )
