"""`opengov opinions_recompute`: publish new maps of conversations whose votes changed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from opengov.opinions.tasks import recompute_map, recompute_stale


class Command(BaseCommand):
    help = "Recompute opinion maps: every stale conversation, or the ones named by id."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("conversation_ids", nargs="*", type=int)

    def handle(self, *args: Any, conversation_ids: list[int], **options: Any) -> None:
        if conversation_ids:
            for cid in conversation_ids:
                self.stdout.write(f"conversation {cid}: map {recompute_map(cid)}")
        else:
            self.stdout.write(f"recomputed {recompute_stale()} conversation(s)")
