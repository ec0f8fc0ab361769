"""`opengov backup FOLDER`: the database, the uploaded files and the list of keys to keep."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from opengov.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write a backup into a new FOLDER: the database (pg_dump custom format, or a copy of "
        "the SQLite file), MEDIA_ROOT as media.tar.gz, and manifest.json with every table's "
        "row count and the fingerprints of the keys to keep safe elsewhere."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a folder that does not exist yet")

    def handle(self, *args, **options):
        try:
            manifest = backup(Path(options["folder"]))
        except (BackupError, FileExistsError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"backup written to {options['folder']}: {len(manifest['tables'])} tables, "
                f"{rows} rows, {manifest['audit_events']} audit events"
            )
        )
        self.stdout.write("Keep these keys safe outside the backup (same values to restore):")
        for key in manifest["keys_to_keep_safe"]:
            self.stdout.write(
                f"  {key['setting']} (fingerprint {key['fingerprint']}): {key['why']}"
            )
