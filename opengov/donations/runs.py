"""What the jobs of imports and correction lists share: the progress bar of a run, ending
a run, and refusing a file that cannot be read at all.

Progress: rows read are written to the run as they go; rows applied (inside the job's
transaction, invisible to other connections until it commits) go to the cache.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.utils.translation import gettext as _

from opengov.core import clock

from . import controlyuan
from .models import ImportRun

PROGRESS_EVERY = 2000


def progress_key(run_id: int) -> str:
    return f"donations:import:{run_id}:applied"


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
