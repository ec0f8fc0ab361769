"""The import job of a Control Yuan file: read every row (`controlyuan`), and while any row
cannot be read, or the layout is unknown, import nothing and report why; otherwise apply the
file in one transaction. A row whose filing and serial (序號) are already known, with a
different content (a correction, 更正註記, or a re-published list), becomes a new version of
that transaction with the fields that changed; an identical row is left alone.

Progress as `runs` describes. A run of kind "corrections" is a correction list, applied by
`corrections.execute`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from opengov.core import audit, clock

from . import controlyuan, names
from .models import Election, Filing, ImportRun, Recipient, Transaction, TransactionVersion
from .runs import PROGRESS_EVERY, finish, progress_key, refuse_unreadable
from .versioning import correction_date, difference, fields_of, take, version_of

BATCH = 2000


def import_execute(run_id: int) -> ImportRun | None:
    """Run an import job once (a run that is not waiting is left alone)."""
    started = ImportRun.objects.filter(pk=run_id, state=ImportRun.State.PENDING).update(
        state=ImportRun.State.RUNNING
    )
    if not started:
        return None
    run = ImportRun.objects.get(pk=run_id)
    from . import corrections

    try:
        (corrections.execute if run.kind == ImportRun.Kind.CORRECTIONS else _execute)(run)
    except Exception as exc:  # an unexpected failure is reported on the run, never lost
        finish(run, ImportRun.State.FAILED, message=f"{type(exc).__name__}: {exc}"[:1000])
        raise
    run.refresh_from_db()
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
    total = max(0, data.count(b"\n") - 1) or 1
    ImportRun.objects.filter(pk=run.pk).update(total=total)
    try:
        checked = scan(
            data,
            election=run.election_name,
            on_progress=lambda n: ImportRun.objects.filter(pk=run.pk).update(processed=n),
        )
    except (controlyuan.LayoutError, UnicodeDecodeError, ValueError) as exc:
        refuse_unreadable(run, exc)
        return
    ImportRun.objects.filter(pk=run.pk).update(
        encoding=checked.encoding,
        layout=checked.layout,
        total=checked.count,
        processed=checked.count,
    )
    if checked.rejections or not checked.count:
        finish(
            run,
            ImportRun.State.REJECTED,
            rejections=[r.as_dict() for r in checked.rejections],
            message=(
                _("%(count)d row(s) cannot be read; nothing was imported.")
                % {"count": len(checked.rejections)}
                if checked.rejections
                else _("The file has no rows.")
            ),
        )
        return
    key = progress_key(run.pk)
    cache.set(key, 0, 24 * 3600)
    rows = (
        r
        for r in controlyuan.read_rows(data, election=run.election_name)
        if isinstance(r, controlyuan.Row)
    )
    with transaction.atomic():
        counts = apply(run, checked.header, rows, lambda n: cache.set(key, n, 24 * 3600))
        audit.record(
            actor=run.created_by,
            verb="donations.import_applied",
            target=run,
            changes={"filename": run.filename, "layout": checked.layout, **counts},
        )
        ImportRun.objects.filter(pk=run.pk).update(**counts)
    finish(run, ImportRun.State.SUCCEEDED)


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
    for title in sorted(wanted - set(found)):
        kind = Recipient.Kind.PARTY if names.is_party_name(title) else Recipient.Kind.CANDIDATE
        found[title] = Recipient.objects.create(
            name=title, kind=kind, normalised_name=names.normalise(title)
        )
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
    filings: dict[tuple[int, int | None, str], Filing] = field(default_factory=dict)


def _filing(state: _ApplyState, row: controlyuan.Row) -> Filing:
    recipient = state.recipients[row.recipient[:200]]
    election = state.elections.get(row.election)
    key = (recipient.pk, election.pk if election else None, row.filing[:40])
    if key not in state.filings:
        state.filings[key], _ = Filing.objects.get_or_create(
            recipient=recipient, election=election, serial=row.filing[:40]
        )
    return state.filings[key]


def _apply_batch(
    state: _ApplyState, header: list[str], batch: list[controlyuan.Row], counts: dict[str, int]
) -> None:
    titles = {r.election for r in batch if r.election} - set(state.elections)
    if titles:
        state.elections.update(_elections(titles))
    names = {r.recipient[:200] for r in batch} - set(state.recipients)
    if names:
        state.recipients.update(_recipients(names))
    keyed = [((_filing(state, row).pk, row.line[:40]), row) for row in batch]
    filing_ids = {k[0] for k, _ in keyed}
    lines = {k[1] for k, _ in keyed}
    existing: dict[tuple[int, str], Transaction] = {
        (t.filing_id, t.line): t
        for t in Transaction.objects.filter(filing_id__in=filing_ids, line__in=lines)
    }
    new: dict[tuple[int, str], Transaction] = {}
    corrected: dict[int, tuple[Transaction, dict[str, Any], dt.date | None]] = {}
    for key, row in keyed:
        fields = fields_of(row)
        counts["flagged"] += bool(row.flags)
        current = existing.get(key) or new.get(key)
        if current is None:
            new[key] = Transaction(
                filing_id=key[0],
                line=key[1],
                raw=row.raw(header),
                row_hash=row.row_hash,
                correction_note=row.correction[:200],
                **fields,
            )
            counts["created"] += 1
        elif current.row_hash == row.row_hash:
            counts["unchanged"] += 1
        else:
            changes = difference(current, fields)
            take(current, row, header, fields)
            if current.pk is not None:
                current.version += 1
                previous = corrected.get(current.pk, (current, {}, None))[1]
                corrected[current.pk] = (
                    current,
                    {**previous, **changes},
                    correction_date(row.corrected_on),
                )
            counts["corrected"] += 1
    created = Transaction.objects.bulk_create(list(new.values()), batch_size=BATCH)
    TransactionVersion.objects.bulk_create(
        [version_of(tx, run=state.run, now=state.now) for tx in created], batch_size=BATCH
    )
    for tx, _changes, _on in corrected.values():
        tx.save()
    TransactionVersion.objects.bulk_create(
        [
            version_of(tx, run=state.run, now=state.now, changes=changes, corrected_on=on)
            for tx, changes, on in corrected.values()
        ],
        batch_size=BATCH,
    )
