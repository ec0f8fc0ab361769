"""`opengov verify_audit_log`: recompute the audit log and check it against checkpoints."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from opengov.core import audit


class Command(BaseCommand):
    help = (
        "Recompute every audit event's leaf, the Merkle tree and every stored checkpoint; "
        "with --checkpoint FILE (a checkpoint saved from /audit/checkpoint), check that the "
        "log still contains it. Exit 1 naming the first bad event, or the truncation, wipe "
        "or rewrite."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoint",
            metavar="FILE",
            help="a signed checkpoint of the audit log saved earlier ('-' reads standard input)",
        )

    def handle(self, *args, **options):
        against = None
        if options["checkpoint"]:
            path = options["checkpoint"]
            try:
                if path == "-":
                    import sys

                    against = sys.stdin.read()
                else:
                    against = Path(path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"cannot read the checkpoint {path}: {exc}") from exc
        report = audit.verify(against)
        if report.problem:
            p = report.problem
            where = f" at event #{p.index + 1} (leaf {p.index})" if p.index is not None else ""
            raise CommandError(
                f"audit log broken{where}: {p.kind}: {p.detail}; "
                f"{report.leaves_checked} events read, "
                f"{report.checkpoints_checked} checkpoints checked"
            )
        extra = ""
        if report.against is not None:
            extra = f"; it contains the saved checkpoint at {report.against.size} events"
        self.stdout.write(
            self.style.SUCCESS(
                f"audit log intact: {report.leaves_checked} events verified, "
                f"{report.checkpoints_checked} stored checkpoints consistent{extra}"
            )
        )
