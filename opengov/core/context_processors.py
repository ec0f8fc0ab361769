"""Template context every page gets."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .jurisdiction import jurisdiction
from .worklist import count_for


def platform(request: HttpRequest) -> dict:
    """The jurisdiction in force, whether the development outbox is on show, and the signed-in
    person's worklist count (computed only when a page shows it)."""
    return {
        "worklist_count": SimpleLazyObject(lambda: count_for(request.user)),
        "jurisdiction": jurisdiction(),
        "show_dev_outbox": settings.DEBUG and settings.EMAIL_URL.startswith("outbox"),
    }
