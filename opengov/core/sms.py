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


class OutboxSmsSender:
    """The default sender: writes the message to the outbox table for operators and tests."""

    def send(self, phone: str, text: str) -> None:
        """Store the message instead of sending it."""
        OutboundMessage.objects.create(
            channel=OutboundMessage.Channel.SMS, recipient=phone, body=text, created_at=clock.now()
        )


def sms_sender() -> SmsSender:
    """The configured sender."""
    return import_string(settings.SMS_SENDER)()
