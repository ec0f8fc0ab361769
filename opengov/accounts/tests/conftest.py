"""Fixtures of the accounts tests: reading codes from the outbox."""

from __future__ import annotations

import re

import pytest

from opengov.core.models import OutboundMessage

CODE = re.compile(r"(?<![\w-])(\d{6})(?![\w-])")
LINK = re.compile(r"https?://\S+")


def last_message(recipient: str) -> OutboundMessage:
    """The newest outbox message to `recipient`."""
    message = OutboundMessage.objects.filter(recipient=recipient).order_by("-id").first()
    assert message is not None, f"no message to {recipient}"
    return message


def last_code(recipient: str) -> str:
    """The 6-digit code in the newest message to `recipient`."""
    match = CODE.search(last_message(recipient).body)
    assert match, "no code in the message"
    return match.group(1)


def last_link_path(recipient: str) -> str:
    """The path of the link in the newest message to `recipient`."""
    from urllib.parse import urlsplit

    match = LINK.search(last_message(recipient).body)
    assert match, "no link in the message"
    return urlsplit(match.group(0)).path


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """`with sent(): ...` runs the after-commit sends (e-mail, SMS) of the block."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture(autouse=True)
def _outbox_email(settings):
    """E-mail goes to the outbox table, as in a default installation (pytest-django would
    otherwise switch to its in-memory backend)."""
    settings.EMAIL_BACKEND = "opengov.core.mail.OutboxEmailBackend"
