"""Running an import as a job (`core.jobs.start`): on a Celery worker when a broker is
configured, otherwise in-process on a thread of its own (so the page that started it can show
its progress), or inline when `REGISTRY_IMPORT_INLINE` is set, as tests do."""

from __future__ import annotations

import threading

from django.conf import settings

from opengov.core import jobs


def start_import(run_id: int) -> threading.Thread | None:
    """Start the import job of run `run_id` (called once the upload has committed); returns
    the thread when it runs on one."""
    from . import importer, tasks
    from .models import ImportRun

    if not ImportRun.objects.filter(pk=run_id, state=ImportRun.State.PENDING).exists():
        return None  # already run (e.g. by a command inside the same transaction)
    return jobs.start(
        name=f"registry-import-{run_id}",
        execute=lambda: importer.import_execute(run_id),
        enqueue=lambda: tasks.run_import.delay(run_id=run_id),
        inline=getattr(settings, "REGISTRY_IMPORT_INLINE", False),
    )
