"""The proposals block of the front page: how the government is answering, and what to sign."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from opengov.core import clock
from opengov.core.home import HomeSection, register

from . import rules, selectors
from .permissions import visible_proposals

SHOWN = 3


def home_context(request: HttpRequest) -> dict[str, Any]:
    """Answer statistics and the most co-signed open proposals."""
    now = clock.now()
    public = visible_proposals(None)
    stats = selectors.watch_stats(public, now)
    popular = list(
        selectors.proposal_list(public, state="open", sort="most_signed", now=now)[:SHOWN]
    )
    for p in popular:
        p.percent = rules.progress_percent(p.signature_count, p.threshold or 0)
    return {"stats": stats, "popular": popular}


register(HomeSection("proposals", 10, "proposals/_home.html", home_context))
