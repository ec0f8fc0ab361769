"""The open-data block of the front page: how much is published, and where to get it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from opengov.core.home import HomeSection, register

from . import selectors


def home_context(request: HttpRequest) -> dict[str, Any]:
    """The number of datasets and the newest ones."""
    result = selectors.search(sort="metadata_modified desc", rows=3)
    return {"count": result.count, "newest": result.entries}


register(HomeSection("open_data", 40, "open_data/_home.html", home_context))
