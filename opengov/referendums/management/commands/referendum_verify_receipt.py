"""Check a signature receipt offline: `opengov referendum_verify_receipt receipt.json`."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from opengov.referendums import verify


class Command(BaseCommand):
    help = "Check a referendum signature receipt offline (checkpoint signatures, inclusion)."

    def add_arguments(self, parser):
        parser.add_argument("receipt")
        parser.add_argument("--key", action="append", default=None)
        parser.add_argument("--statement")

    def handle(self, *args, **options):
        argv = [options["receipt"]]
        for key in options["key"] or []:
            argv += ["--key", key]
        if options["statement"]:
            argv += ["--statement", options["statement"]]
        code = verify.main(argv)
        if code:
            raise CommandError("the receipt does not hold")
