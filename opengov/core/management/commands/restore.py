"""`opengov restore FOLDER`: load a backup into an empty database and check it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from opengov.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Load a backup made by `opengov backup` into this site's empty database and "
        "MEDIA_ROOT (the keys configured must be the backup's), then check every table's row "
        "count against the backup and verify the audit log."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a folder written by `opengov backup`")

    def handle(self, *args, **options):
        try:
            report = restore(Path(options["folder"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"restored {report.tables} tables, {report.rows} rows, {report.media_files} "
                f"uploaded files; every count matches the backup and the audit log verifies "
                f"({report.audit_events} events)"
            )
        )
