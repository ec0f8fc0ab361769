"""Starting a registry import: the one write that queues a job.

Kept apart from `services` because the job it starts (`jobs` → `importer`) writes through
`services`: the import graph stays one way (imports → jobs → importer → services).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from opengov.core import audit, clock
from opengov.core.errors import ServiceError
from opengov.core.jurisdiction import jurisdiction

from . import jobs
from .models import ImportRun
from .permissions import require_manager


@transaction.atomic
def import_start(
    *,
    actor: Any,
    filename: str,
    data: bytes,
    dataset: str,
    as_of: dt.date | None = None,
) -> ImportRun:
    """Accept a registry open-data file (basic data or directors) and queue its import.

    The job (`importer.import_execute`) starts once this transaction commits: in-process by
    default, on a Celery worker when a broker is configured.
    """
    require_manager(actor)
    if dataset not in ImportRun.Dataset.values:
        raise ServiceError("invalid", _("Choose basic data or directors."), field="dataset")
    if not data:
        raise ServiceError("required", _("The file is empty."), field="file")
    limit = jurisdiction().registry.import_max_bytes
    if len(data) > limit:
        raise ServiceError(
            "too_large",
            _("The file is larger than %(mib)d MiB.") % {"mib": limit // (1024 * 1024)},
            field="file",
        )
    now = clock.now()
    run = ImportRun.objects.create(
        dataset=dataset,
        filename=(filename or "upload")[:255],
        data=data,
        size=len(data),
        as_of=as_of or clock.today(),
        created_by=actor,
        created_at=now,
    )
    audit.record(
        actor=actor,
        verb="registry.import_started",
        target=run,
        changes={"dataset": dataset, "filename": run.filename, "size": run.size},
    )
    pk = run.pk
    transaction.on_commit(lambda: jobs.start_import(pk))
    return run
