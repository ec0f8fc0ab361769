"""Running an import as a job: on a Celery worker when a broker is configured, otherwise
in-process on a thread of its own (so the page that started it shows its progress), or
inline when `DONATIONS_IMPORT_INLINE` (or `REGISTRY_IMPORT_INLINE`) is set, as tests do."""

from __future__ import annotations

import threading

from django.conf import settings
from django.db import connection


def start_import(run_id: int) -> threading.Thread | None:
    """Start the import job of run `run_id` (called once the upload has committed)."""
    from . import importer, tasks
    from .models import ImportRun

    if not ImportRun.objects.filter(pk=run_id, state=ImportRun.State.PENDING).exists():
        return None
    if not settings.JOBS_IN_PROCESS:
        tasks.run_import.delay(run_id=run_id)
        return None
    if getattr(settings, "DONATIONS_IMPORT_INLINE", False) or getattr(
        settings, "REGISTRY_IMPORT_INLINE", False
    ):
        importer.import_execute(run_id)
        return None

    def work() -> None:
        try:
            importer.import_execute(run_id)
        finally:
            connection.close()

    thread = threading.Thread(target=work, name=f"donations-import-{run_id}", daemon=True)
    thread.start()
    return thread
