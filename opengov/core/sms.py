"""Pluggable SMS senders. `settings.SMS_SENDER` names the class in use."""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from . import clock
from .models import OutboundMessage


class SmsSender(Protocol):
    """Anything that can deliver a text message to a phone number."""

    def send(self, phone: str, text: str) -> None:
        """Deliver `text` to `phone` (E.164)."""


OUTBOX_SENDER = "opengov.core.sms.OutboxSmsSender"


class OutboxSmsSender:
    """The default sender: writes the message to the outbox table for operators and tests.

    Refused in production (settings), except on a staging site that says so.
    """

    def send(
        self, phone: str, text: str, *, user_id: int | None = None, sensitive: bool = False
    ) -> None:
        """Store the message instead of sending it (with the account it is for)."""
        OutboundMessage.objects.create(
            channel=OutboundMessage.Channel.SMS,
            recipient=phone,
            body=text,
            user_id=user_id,
            sensitive=sensitive,
            created_at=clock.now(),
        )


def sms_sender() -> SmsSender:
    """The configured sender."""
    return import_string(settings.SMS_SENDER)()
