"""`opengov load_holidays FILE.csv [--calendar tw]`: load a year's holiday list."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from opengov.core.services import holidays_import


class Command(BaseCommand):
    help = (
        "Load holidays and make-up working days from a CSV file (date,name[,kind]), all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="CSV file; default: the bundled Taiwan list")
        parser.add_argument("--calendar", default="tw")

    def handle(self, *args, path=None, calendar="tw", **options):
        files = (
            [Path(path)]
            if path
            else sorted((Path(__file__).parents[2] / "data").glob(f"holidays_{calendar}_*.csv"))
        )
        if not files:
            raise CommandError(f"no holiday file for calendar {calendar!r}")
        for file in files:
            if not file.exists():
                raise CommandError(f"{file}: no such file")
            report = holidays_import(actor=None, calendar=calendar, data=file.read_bytes())
            if not report.ok:
                lines = "\n".join(f"  line {ln} {col}: {msg}" for ln, col, msg in report.errors)
                raise CommandError(f"{file}: nothing loaded; rejected rows:\n{lines}")
            self.stdout.write(
                f"{file.name}: {report.accepted} days loaded into calendar {calendar}"
            )
