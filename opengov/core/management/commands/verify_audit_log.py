"""`opengov verify_audit_log`: recompute the audit chain and name the first bad row."""

from django.core.management.base import BaseCommand, CommandError

from opengov.core.audit import verify_chain


class Command(BaseCommand):
    help = (
        "Recompute the audit log's hash chain; exit 1 naming the first altered, "
        "removed or inserted row."
    )

    def handle(self, *args, **options):
        checked, problem = verify_chain()
        if problem:
            raise CommandError(
                f"audit log broken at row #{problem.seq} ({problem.kind}): {problem.detail}; "
                f"{checked} rows read"
            )
        self.stdout.write(self.style.SUCCESS(f"audit log intact: {checked} rows verified"))
