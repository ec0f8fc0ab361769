"""`opengov audit_checkpoint`: sign a checkpoint of the audit log (if it grew) and print it."""

from django.core.management.base import BaseCommand

from opengov.core import audit


class Command(BaseCommand):
    help = (
        "Print the audit log's latest signed checkpoint (C2SP signed note), issuing one if "
        "the log has grown; save it to check the log later with "
        "`opengov verify_audit_log --checkpoint FILE`."
    )

    def handle(self, *args, **options):
        self.stdout.write(audit.checkpoint().note, ending="")
