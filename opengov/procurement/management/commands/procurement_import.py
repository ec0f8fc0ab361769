"""`opengov procurement_import FILE --user EMAIL [--keep-valid]`: import an OCDS file (release
or record package, JSON or JSON Lines, any size) from the command line, through the same
service and job as the import page, and print its report."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from opengov.core.errors import ServiceError


class Command(BaseCommand):
    help = "Import an OCDS release or record package (JSON or JSON Lines)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="e-mail of a procurement keeper")
        parser.add_argument(
            "--keep-valid", action="store_true", help="keep the readable releases of a flawed file"
        )

    def handle(self, *args, file: Path, user: str, keep_valid: bool, **options):
        from opengov.accounts.models import User

        from ... import importer, imports

        actor = User.objects.filter(email__iexact=user).first()
        if actor is None:
            raise CommandError(f"no user {user}")
        try:
            handle = file.open("rb")
            size = file.stat().st_size
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        try:
            with handle, override_settings(PROCUREMENT_IMPORT_INLINE=True, JOBS_IN_PROCESS=True):
                run = imports.import_start(
                    actor=actor, filename=file.name, file=handle, size=size, keep_valid=keep_valid
                )
        except ServiceError as exc:
            raise CommandError(f"{exc.field or 'file'}: {exc.message}") from exc
        importer.import_execute(run.pk)  # when no commit has started it (inside a transaction)
        run.refresh_from_db()
        self.stdout.write(f"{run.state}: {run.message}")
        for r in run.rejections:
            line = f" line {r['line']}" if r.get("line") else ""
            field = f" {r['field']}" if r.get("field") else ""
            self.stdout.write(
                f"  release {r['position']}{line}{field}: {r['message']} {r['value']}"
            )
        if run.state != "succeeded":
            raise CommandError(run.state)
