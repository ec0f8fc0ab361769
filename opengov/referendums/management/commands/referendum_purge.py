"""Remove signers' personal data whose retention period has ended (Referendum Act Art. 12)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from opengov.referendums import services


class Command(BaseCommand):
    help = "Purge personal data of referendum cases past their retention; report what went."

    def handle(self, *args, **options):
        removed = services.purge_personal_data()
        for row in removed:
            self.stdout.write(
                f"case {row['case']}: personal data of {row['signatures']} signatures removed"
            )
        self.stdout.write(f"{len(removed)} case(s) purged")
