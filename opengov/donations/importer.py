"""The import job of a Control Yuan file: read every row (`controlyuan`), and while any row
cannot be read, or the layout is unknown, import nothing and report why; otherwise apply the
file in one transaction. A row whose filing and serial (序號) are already known, with a
different content (a correction, 更正註記, or a re-published list), becomes a new version of
that transaction with the fields that changed; an identical row is left alone.

Progress: rows read are written to the run as they go; rows applied (inside the transaction,
invisible to other connections until it commits) go to the cache, read by `progress`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from opengov.core import audit, clock

from . import controlyuan, names
from .models import Election, Filing, ImportRun, Recipient, Transaction, TransactionVersion

PROGRESS_EVERY = 2000
BATCH = 2000
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


def _progress_key(run_id: int) -> str:
    return f"donations:import:{run_id}:applied"


def progress(run: ImportRun) -> dict[str, Any]:
    """The run's state for the progress bar: rows read, rows applied, percent."""
    applied = cache.get(_progress_key(run.pk)) or 0
    total = run.total or 0
    if run.finished:
        percent = 100
    elif total:
        percent = min(99, (run.processed + applied) * 50 // total)
    else:
        percent = 0
    return {
        "state": run.state,
        "total": total,
        "read": run.processed,
        "applied": applied,
        "percent": percent,
        "finished": run.finished,
    }


def _finish(run: ImportRun, state: str, **values: Any) -> None:
    ImportRun.objects.filter(pk=run.pk).update(state=state, finished_at=clock.now(), **values)
    cache.delete(_progress_key(run.pk))


def import_execute(run_id: int) -> ImportRun | None:
    """Run an import job once (a run that is not waiting is left alone)."""
    started = ImportRun.objects.filter(pk=run_id, state=ImportRun.State.PENDING).update(
        state=ImportRun.State.RUNNING
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


def read_all(
    data: bytes, *, election: str = "", on_progress: Callable[[int], None] | None = None
) -> controlyuan.Parsed:
    """Read a whole file, calling `on_progress(rows read)` as it goes; raises
    controlyuan.LayoutError or UnicodeDecodeError for a file that cannot be read at all."""
    encoding, header, columns, rows = controlyuan.iter_file(data)
    read: list[controlyuan.Row] = []
    rejected: list[controlyuan.Rejection] = []
    for count, (position, cells) in enumerate(rows, 1):
        result = controlyuan.read_row(cells, columns, position, election=election)
        (rejected if isinstance(result, controlyuan.Rejection) else read).append(result)
        if on_progress and count % PROGRESS_EVERY == 0:
            on_progress(count)
    return controlyuan.Parsed(encoding, controlyuan.layout_name(columns), header, read, rejected)


def _execute(run: ImportRun) -> None:
    data = bytes(run.data)
    total = max(0, data.count(b"\n") - 1) or 1
    ImportRun.objects.filter(pk=run.pk).update(total=total)
    try:
        parsed = read_all(
            data,
            election=run.election_name,
            on_progress=lambda n: ImportRun.objects.filter(pk=run.pk).update(processed=n),
        )
    except controlyuan.LayoutError as exc:
        _finish(
            run,
            ImportRun.State.REJECTED,
            message=(
                _("Unknown layout. Columns found: %(found)s. Columns needed: %(missing)s.")
                % {"found": ", ".join(exc.found) or "-", "missing": ", ".join(exc.missing)}
            )[:1000],
        )
        return
    except (UnicodeDecodeError, ValueError) as exc:
        _finish(
            run,
            ImportRun.State.REJECTED,
            message=_("The file is neither UTF-8 nor Big5 text (%(error)s).") % {"error": exc},
        )
        return
    count = len(parsed.rows) + len(parsed.rejections)
    ImportRun.objects.filter(pk=run.pk).update(
        encoding=parsed.encoding, layout=parsed.layout, total=count, processed=count
    )
    if parsed.rejections or not parsed.rows:
        _finish(
            run,
            ImportRun.State.REJECTED,
            rejections=[r.as_dict() for r in parsed.rejections],
            message=(
                _("%(count)d row(s) cannot be read; nothing was imported.")
                % {"count": len(parsed.rejections)}
                if parsed.rejections
                else _("The file has no rows.")
            ),
        )
        return
    key = _progress_key(run.pk)
    cache.set(key, 0, 24 * 3600)
    with transaction.atomic():
        counts = apply(run, parsed, lambda n: cache.set(key, n, 24 * 3600))
        audit.record(
            actor=run.created_by,
            verb="donations.import_applied",
            target=run,
            changes={"filename": run.filename, "layout": parsed.layout, **counts},
        )
        ImportRun.objects.filter(pk=run.pk).update(**counts)
    _finish(run, ImportRun.State.SUCCEEDED)


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


def _fields(row: controlyuan.Row) -> dict[str, Any]:
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


def apply(
    run: ImportRun | None, parsed: controlyuan.Parsed, on_progress: Callable[[int], None]
) -> dict[str, int]:
    """Apply a file that read cleanly (inside the caller's transaction); returns the counts."""
    now = clock.now()
    elections = _elections({r.election for r in parsed.rows if r.election})
    recipients = _recipients({r.recipient for r in parsed.rows})
    filings: dict[tuple[int, int | None, str], Filing] = {}
    for row in parsed.rows:
        recipient = recipients[row.recipient[:200]]
        election = elections.get(row.election)
        k = (recipient.pk, election.pk if election else None, row.filing[:40])
        if k not in filings:
            filings[k], _ = Filing.objects.get_or_create(
                recipient=recipient, election=election, serial=row.filing[:40]
            )
    filing_ids = [f.pk for f in filings.values()]
    existing: dict[tuple[int, str], Transaction] = {
        (t.filing_id, t.line): t for t in Transaction.objects.filter(filing_id__in=filing_ids)
    }
    new: dict[tuple[int, str], tuple[Transaction, controlyuan.Row]] = {}
    corrected: dict[int, tuple[Transaction, controlyuan.Row, dict[str, Any]]] = {}
    counts = {"created": 0, "corrected": 0, "unchanged": 0, "flagged": 0}
    for index, row in enumerate(parsed.rows, 1):
        recipient = recipients[row.recipient[:200]]
        election = elections.get(row.election)
        filing = filings[(recipient.pk, election.pk if election else None, row.filing[:40])]
        key = (filing.pk, row.line[:40])
        fields = _fields(row)
        counts["flagged"] += bool(row.flags)
        current = existing.get(key)
        if current is None and key in new:
            current = new[key][0]
        if current is None:
            tx = Transaction(
                filing=filing,
                line=row.line[:40],
                raw=row.raw(parsed.header),
                row_hash=row.row_hash,
                correction_note=row.correction[:200],
                **fields,
            )
            new[key] = (tx, row)
            counts["created"] += 1
        elif current.row_hash == row.row_hash:
            counts["unchanged"] += 1
        else:
            changes = {
                name: [_plain(getattr(current, name)), _plain(fields[name])]
                for name in VERSIONED
                if getattr(current, name) != fields[name]
            }
            for name, value in fields.items():
                setattr(current, name, value)
            current.raw = row.raw(parsed.header)
            current.row_hash = row.row_hash
            current.correction_note = row.correction[:200]
            current.version += 1
            if current.pk is None:  # corrected again inside the same file
                new[key] = (current, row)
            else:
                corrected[current.pk] = (current, row, changes)
            counts["corrected"] += 1
        if index % PROGRESS_EVERY == 0:
            on_progress(index // 2)
    items = list(new.values())
    for start in range(0, len(items), BATCH):
        chunk = items[start : start + BATCH]
        Transaction.objects.bulk_create([tx for tx, _ in chunk], batch_size=BATCH)
        TransactionVersion.objects.bulk_create(
            [
                TransactionVersion(
                    transaction=tx,
                    version=tx.version,
                    raw=tx.raw,
                    row_hash=tx.row_hash,
                    correction_note=tx.correction_note,
                    run=run,
                    created_at=now,
                )
                for tx, _ in chunk
            ],
            batch_size=BATCH,
        )
        on_progress((len(parsed.rows) + start + len(chunk)) // 2)
    for tx, _row, changes in corrected.values():
        tx.save()
        TransactionVersion.objects.create(
            transaction=tx,
            version=tx.version,
            raw=tx.raw,
            row_hash=tx.row_hash,
            changes=changes,
            correction_note=tx.correction_note,
            run=run,
            created_at=now,
        )
    return counts
