"""Template context every page gets."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from .jurisdiction import jurisdiction


def platform(request: HttpRequest) -> dict:
    """The jurisdiction in force and whether the development outbox is on show."""
    return {
        "jurisdiction": jurisdiction(),
        "show_dev_outbox": settings.DEBUG and settings.EMAIL_URL.startswith("outbox"),
    }
