"""The consultations block of the front page: drafts open for comment, closing soonest."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from opengov.core.home import HomeSection, register

from . import selectors
from .models import State

SHOWN = 3


def home_context(request: HttpRequest) -> dict[str, Any]:
    """Open consultations, the ones closing soonest first."""
    open_now = selectors.consultation_list(state=State.OPEN).select_related("agency")
    return {"closing": list(open_now[:SHOWN]), "open_count": open_now.count()}


register(HomeSection("consultations", 20, "consultations/_home.html", home_context))
