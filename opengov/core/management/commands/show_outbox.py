"""Print outbox messages whole, codes and links included (for whoever runs the server)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from opengov.core.selectors import outbox_messages


class Command(BaseCommand):
    help = (
        "Print the newest outbox messages in full. The outbox page hides one-time codes and "
        "links from everyone but their recipient; on the server you read them here."
    )

    def add_arguments(self, parser):
        parser.add_argument("--to", default="", help="only messages to this address or number")
        parser.add_argument("--limit", type=int, default=10)

    def handle(self, *args, to: str = "", limit: int = 10, **options):
        messages = outbox_messages(recipient=to.strip() or None, everyone=True)[: max(1, limit)]
        for message in messages:
            self.stdout.write(
                f"--- {message.created_at:%Y-%m-%d %H:%M:%S} {message.channel} → "
                f"{message.recipient}\n{message.subject}\n\n{message.body}\n"
            )
        if not messages:
            self.stdout.write("No messages.")
