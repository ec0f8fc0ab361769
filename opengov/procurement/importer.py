"""The OCDS import job: read the uploaded file as a stream, check every release (or record),
store the readable ones and compile their records, all in one transaction.

All or nothing: when any release is rejected and the operator did not choose "keep the valid
ones", the transaction is rolled back and nothing is stored; the report (`ImportRun.rejections`)
names every rejected release with its position (and line, for JSON Lines) and the reason.
Progress (bytes read) goes to the cache while the transaction runs, as the registry's import
does, and the import page reads it.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache import cache
from django.db import reset_queries, transaction
from django.utils.translation import gettext as _

from opengov.core import audit, clock
from opengov.core.jurisdiction import jurisdiction

from . import reading, services
from .models import ImportRun

logger = logging.getLogger(__name__)

#: items between two progress updates
PROGRESS_EVERY = 200


class _Refused(Exception):
    """Rolls the import's transaction back (some release was rejected)."""


def _progress_key(run_id: int) -> str:
    return f"procurement:import:{run_id}:bytes"


def progress(run: ImportRun) -> dict[str, Any]:
    """How far the run is: bytes read of the file's size, as a percentage."""
    if run.finished:
        return {"phase": "finished", "percent": 100, "read": run.size, "size": run.size}
    if run.state == ImportRun.State.PENDING:
        return {"phase": "waiting", "percent": 0, "read": 0, "size": run.size}
    done = cache.get(_progress_key(run.pk)) or run.processed
    percent = min(99, done * 100 // run.size) if run.size else 0
    return {"phase": "reading", "percent": percent, "read": done, "size": run.size}


def import_execute(run_id: int) -> ImportRun | None:
    """Run one import (idempotent: only a pending run starts)."""
    claimed = ImportRun.objects.filter(pk=run_id, state=ImportRun.State.PENDING).update(
        state=ImportRun.State.RUNNING, started_at=clock.now()
    )
    if not claimed:
        return None
    run = ImportRun.objects.get(pk=run_id)
    try:
        _execute(run)
    except Exception as exc:  # a bug or the database failing: the run says so, nothing kept
        logger.exception("procurement import %s failed", run.pk)
        _finish(run, ImportRun.State.FAILED, message=_("The import failed: %(e)s") % {"e": exc})
    run.refresh_from_db()
    return run


def _finish(run: ImportRun, state: str, **values: Any) -> None:
    cache.delete(_progress_key(run.pk))
    ImportRun.objects.filter(pk=run.pk).update(state=state, finished_at=clock.now(), **values)


class _Collector:
    """The problems of a run: all counted, the first `limit` kept for the report."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.count = 0
        self.kept: list[dict[str, Any]] = []

    def add(self, problem: reading.Problem) -> None:
        self.count += 1
        if len(self.kept) < self.limit:
            self.kept.append(problem.as_dict())


def _execute(run: ImportRun) -> None:
    rules = jurisdiction().procurement
    problems = _Collector(rules.rejections_kept)
    state = reading.Reading()
    key = _progress_key(run.pk)
    cache.set(key, 0, 24 * 3600)
    counts = {"read": 0, "stored": 0, "records": 0}
    try:
        with transaction.atomic():
            with run.file.open("rb") as raw:
                stream = reading.CountingReader(raw)
                counts = _store(run, stream, state, problems, key)
            if problems.count and not run.keep_valid:
                raise _Refused
            audit.record(
                actor=run.created_by,
                verb="procurement.releases_imported",
                target=run,
                changes={
                    "filename": run.filename,
                    "releases": counts["stored"],
                    "records": counts["records"],
                    "rejected": problems.count,
                },
            )
    except _Refused:
        _finish(
            run,
            ImportRun.State.REJECTED,
            file_format=state.file_format,
            processed=run.size,
            releases_read=counts["read"],
            rejected_count=problems.count,
            rejections=problems.kept,
            message=_(
                "Nothing was imported: %(n)d releases or records cannot be read. Correct them, "
                "or upload again choosing to keep the valid ones."
            )
            % {"n": problems.count},
        )
        return
    message = _("Imported %(r)d releases into %(p)d processes.") % {
        "r": counts["stored"],
        "p": counts["records"],
    }
    if problems.count:
        message += " " + _("%(n)d releases or records could not be read and were left out.") % {
            "n": problems.count
        }
    _finish(
        run,
        ImportRun.State.SUCCEEDED,
        file_format=state.file_format,
        processed=run.size,
        releases_read=counts["read"],
        releases_stored=counts["stored"],
        records_compiled=counts["records"],
        rejected_count=problems.count,
        rejections=problems.kept,
        message=message,
    )


def _store(
    run: ImportRun,
    stream: reading.CountingReader,
    state: reading.Reading,
    problems: _Collector,
    key: str,
) -> dict[str, int]:
    """Read, check and store (inside the caller's transaction)."""
    read = 0
    releases: list[dict[str, Any]] = []
    records: list[dict[str, Any]] = []
    stored = compiled = 0

    def flush() -> None:
        nonlocal stored, compiled
        reset_queries()  # with DEBUG on, the query log would grow with the file
        if releases:
            result = services.store_releases(releases, run_id=run.pk)
            stored += result.releases_stored
            compiled += result.records_compiled
            releases.clear()
        if records:
            compiled += services.store_compiled(records)
            records.clear()

    for entry in reading.read_items(stream, state):
        if isinstance(entry, reading.Problem):
            problems.add(entry)
        elif entry.kind == "release":
            read += 1
            problem = reading.release_problem(entry.data, entry.position, entry.line)
            if problem is not None:
                problems.add(problem)
            elif not problems.count or run.keep_valid:
                releases.append(entry.data)
        else:
            read += 1
            problem = reading.record_problem(entry.data, entry.position, entry.line)
            if problem is not None:
                problems.add(problem)
            elif not problems.count or run.keep_valid:
                _take_record(entry.data, releases, records)
        if len(releases) + len(records) >= services.CHUNK:
            flush()
        if read % PROGRESS_EVERY == 0:
            cache.set(key, stream.count, 24 * 3600)
    flush()
    cache.set(key, stream.count, 24 * 3600)
    return {"read": read, "stored": stored, "records": compiled}


def _take_record(
    record: dict[str, Any], releases: list[dict[str, Any]], records: list[dict[str, Any]]
) -> None:
    """A record's embedded releases are stored (and compiled here); a record with linked
    releases only keeps its compiled release."""
    embedded = [r for r in record.get("releases") or [] if isinstance(r, dict) and "url" not in r]
    if embedded:
        releases.extend(embedded)
    else:
        compiled = dict(record["compiledRelease"])
        compiled.setdefault("ocid", record["ocid"])
        records.append(compiled)
