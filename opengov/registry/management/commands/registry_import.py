"""`opengov registry_import FILE --dataset basic|directors [--as-of YYYY-MM-DD] --user EMAIL`:
import a company registry open-data file from the command line (large files), through the same
service and job as the import page, and print its report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from opengov.core.errors import ServiceError


class Command(BaseCommand):
    help = "Import a company registry open-data file (basic data or directors)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dataset", choices=("basic", "directors"), required=True)
        parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None)
        parser.add_argument("--user", required=True, help="e-mail of a registry manager")

    def handle(self, *args, file: Path, dataset: str, as_of, user: str, **options):
        from opengov.accounts.models import User

        from ... import importer, imports

        actor = User.objects.filter(email__iexact=user).first()
        if actor is None:
            raise CommandError(f"no user {user}")
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        try:
            with override_settings(REGISTRY_IMPORT_INLINE=True, JOBS_IN_PROCESS=True):
                run = imports.import_start(
                    actor=actor, filename=file.name, data=data, dataset=dataset, as_of=as_of
                )
        except ServiceError as exc:
            raise CommandError(f"{exc.field or 'file'}: {exc.message}") from exc
        importer.import_execute(run.pk)  # when no commit has started it (inside a transaction)
        run.refresh_from_db()
        progress = importer.progress(run)
        self.stdout.write(f"{run.state}: {run.message} ({progress['total']} rows)")
        for rejection in run.rejections:
            line = f" line {rejection['line']}" if rejection.get("line") else ""
            self.stdout.write(
                f"  row {rejection['row']}{line} {rejection['field'] or '-'}: "
                f"{rejection['message']} [{rejection['value']}]"
            )
        if run.state != "succeeded":
            raise CommandError("the file was not imported")
