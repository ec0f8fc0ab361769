"""What the jobs of imports and correction lists share: reading a run's file (refusing one
that cannot be read at all), the progress bar of a run, recording what was applied, and
ending a run.

Progress: rows read are written to the run as they go; rows applied (inside the job's
transaction, invisible to other connections until it commits) go to the cache.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from django.core.cache import cache
from django.utils.translation import gettext as _

from opengov.core import audit, clock

from . import controlyuan, findings
from .models import ImportRun
from .permissions import is_analyst

PROGRESS_EVERY = 2000
#: how long a run's rows applied stay in the cache (a job never runs this long)
PROGRESS_SECONDS = 24 * 3600

log = logging.getLogger(__name__)


class Scanned(Protocol):
    """What a job's first pass over a file reports (`importer.Scan`, `corrections.Scan`)."""

    @property
    def encoding(self) -> str: ...

    @property
    def layout(self) -> str: ...

    @property
    def count(self) -> int: ...


S = TypeVar("S", bound=Scanned)


def progress_key(run_id: int) -> str:
    return f"donations:import:{run_id}:applied"


def shown_fields() -> list[str]:
    """A run's fields but its uploaded file (`data`): what showing a run reads, so that
    `refresh_from_db(fields=shown_fields())` leaves the file in the database."""
    return [f.name for f in ImportRun._meta.concrete_fields if f.name != "data"]


def start_progress(run: ImportRun) -> Callable[[int], None]:
    """Set the run's rows applied to 0; returns what records them as the job applies."""
    key = progress_key(run.pk)
    cache.set(key, 0, PROGRESS_SECONDS)
    return lambda rows: cache.set(key, rows, PROGRESS_SECONDS)


def progress(run: ImportRun) -> dict[str, Any]:
    """The run's state for the progress bar: rows read, rows applied, percent."""
    applied = cache.get(progress_key(run.pk)) or 0
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


def finish(run: ImportRun, state: str, **values: Any) -> None:
    """End a run in `state` with these values (message, rejections...)."""
    ImportRun.objects.filter(pk=run.pk).update(state=state, finished_at=clock.now(), **values)
    cache.delete(progress_key(run.pk))


def refuse_unreadable(run: ImportRun, exc: Exception) -> None:
    """End a run whose file cannot be read at all: an unknown layout (the columns found and
    needed), or text in neither encoding."""
    if isinstance(exc, controlyuan.LayoutError):
        message = _("Unknown layout. Columns found: %(found)s. Columns needed: %(missing)s.") % {
            "found": ", ".join(exc.found) or "-",
            "missing": ", ".join(exc.missing),
        }
    else:
        message = _("The file is neither UTF-8 nor Big5 text (%(error)s).") % {"error": exc}
    finish(run, ImportRun.State.REJECTED, message=message[:1000])


def read(run: ImportRun, data: bytes, scan: Callable[..., S]) -> S | None:
    """The first pass over a run's file (`scan(data, election=..., on_progress=...)`), rows
    read written to the run as they go, then its encoding, layout and row count; None when the
    file cannot be read at all or has no rows (the run is then ended as refused)."""
    ImportRun.objects.filter(pk=run.pk).update(total=max(0, data.count(b"\n") - 1) or 1)
    try:
        checked = scan(
            data,
            election=run.election_name,
            on_progress=lambda n: ImportRun.objects.filter(pk=run.pk).update(processed=n),
        )
    except (controlyuan.LayoutError, UnicodeDecodeError, ValueError) as exc:
        refuse_unreadable(run, exc)
        return None
    ImportRun.objects.filter(pk=run.pk).update(
        encoding=checked.encoding,
        layout=checked.layout,
        total=checked.count,
        processed=checked.count,
    )
    if not checked.count:
        finish(run, ImportRun.State.REJECTED, message=_("The file has no rows."))
        return None
    return checked


def applied(run: ImportRun, *, verb: str, layout: str, counts: dict[str, int]) -> None:
    """Record what a job applied (inside its transaction): the audit event `verb` and the
    counts on the run."""
    audit.record(
        actor=run.created_by,
        verb=verb,
        target=run,
        changes={"filename": run.filename, "layout": layout, **counts},
    )
    ImportRun.objects.filter(pk=run.pk).update(**counts)


def succeed(run: ImportRun) -> None:
    """End a run whose job has committed: the verification rules run again and the run's
    message says what they found (`refresh_findings`)."""
    finish(run, ImportRun.State.SUCCEEDED, message=refresh_findings(run))


def refresh_findings(run: ImportRun) -> str:
    """Run the verification rules again after an import or a correction list has committed
    (as the uploader, or as the platform when the uploader may no longer): the run's message,
    what they found or why they could not run."""
    actor = run.created_by if run.created_by and is_analyst(run.created_by) else None
    try:
        counts = findings.store(actor=actor)
    except Exception as exc:  # what was applied stays; the rules can be run again
        log.exception("findings refresh after run %s", run.pk)
        return _("The verification rules could not run again (%(error)s).") % {"error": exc}
    return _(
        "The verification rules ran again: %(found)d finding(s), %(new)d new, "
        "%(gone)d no longer found."
    ) % {"found": counts["found"], "new": counts["new"], "gone": counts["no_longer_found"]}
