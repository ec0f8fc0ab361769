"""Sending e-mail after commit, and the default outbox e-mail backend."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from . import clock
from .models import OutboundMessage


class OutboxEmailBackend(BaseEmailBackend):
    """Writes each message to the `OutboundMessage` table instead of a mail server.

    A message built by `tasks.send_email` carries `opengov_user_id` and `opengov_sensitive`
    (Python attributes, never headers): the account it is for and whether it holds a one-time
    code or link, so the outbox page shows it only to that account.
    """

    def send_messages(self, email_messages: Sequence[EmailMultiAlternatives]) -> int:
        """Store every message, one row per recipient."""
        count = 0
        for message in email_messages:
            html = ""
            for content, mimetype in getattr(message, "alternatives", []) or []:
                if mimetype == "text/html":
                    html = str(content)
            for recipient in message.recipients():
                OutboundMessage.objects.create(
                    channel=OutboundMessage.Channel.EMAIL,
                    recipient=recipient,
                    subject=str(message.subject)[:300],
                    body=str(message.body),
                    html_body=html,
                    user_id=getattr(message, "opengov_user_id", None),
                    sensitive=bool(getattr(message, "opengov_sensitive", False)),
                    created_at=clock.now(),
                )
            count += 1
        return count


def send_email_after_commit(
    *, to: str, subject: str, body: str, user_id: int | None = None, sensitive: bool = False
) -> None:
    """Queue an e-mail to be sent by a job once the current transaction commits.

    `user_id` is the account the message is for; `sensitive` marks a one-time code or link.
    """
    from .tasks import send_email

    transaction.on_commit(
        lambda: send_email.delay(
            to=to, subject=str(subject), body=str(body), user_id=user_id, sensitive=sensitive
        )
    )
