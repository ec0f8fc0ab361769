"""`opengov ownership_relink`: point parties at the registry organisations their records were
merged into (run after merges; idempotent)."""

from django.core.management.base import BaseCommand

from opengov.ownership import services


class Command(BaseCommand):
    help = "Follow registry merges: parties point to the organisation their record became."

    def handle(self, *args, **options) -> None:
        moved = services.registry_links_refresh(actor=None)
        self.stdout.write(f"{moved} part(ies) moved to the organisation they were merged into")
