"""Publish a signed checkpoint of every open case's log (run every minute or so)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from opengov.referendums import services
from opengov.referendums.models import Case


class Command(BaseCommand):
    help = "Sign and publish a checkpoint of each referendum case's log; settle missed deadlines."

    def handle(self, *args, **options):
        for case in Case.objects.filter(purged_at__isnull=True):
            services.case_settle(case=case)
            published = services.checkpoint_publish(case=case)
            self.stdout.write(f"{case.log_name}: checkpoint at {published.size}")
