"""Starting an OCDS import: the one write that queues a job (kept apart from `services`, which
the job writes through, so the import graph stays one way: imports → jobs → importer →
services)."""

from __future__ import annotations

from typing import IO, Any

from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from opengov.core import audit, clock
from opengov.core.errors import ServiceError
from opengov.core.jurisdiction import jurisdiction

from . import jobs
from .models import ImportRun
from .permissions import require_keeper


@transaction.atomic
def import_start(
    *, actor: Any, filename: str, file: IO[bytes], size: int, keep_valid: bool = False
) -> ImportRun:
    """Accept an OCDS file (release or record package, JSON or JSON Lines) and queue its
    import. With `keep_valid`, the releases that can be read are kept even when others are
    rejected; otherwise the file is imported whole or not at all."""
    require_keeper(actor)
    if not size:
        raise ServiceError("required", _("The file is empty."), field="file")
    limit = jurisdiction().procurement.import_max_bytes
    if size > limit:
        raise ServiceError(
            "too_large",
            _("The file is larger than %(mib)d MiB.") % {"mib": limit // (1024 * 1024)},
            field="file",
        )
    run = ImportRun(
        filename=(filename or "upload.json")[:255],
        size=size,
        keep_valid=keep_valid,
        created_by=actor,
        created_at=clock.now(),
    )
    run.file.save(run.filename, File(file), save=False)
    run.save()
    audit.record(
        actor=actor,
        verb="procurement.import_started",
        target=run,
        changes={"filename": run.filename, "size": size, "keep_valid": keep_valid},
    )
    pk = run.pk
    transaction.on_commit(lambda: jobs.start_import(pk))
    return run
