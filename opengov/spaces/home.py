"""The spaces' section of the front page: the participation spaces and the revitalisation
board (`core.home`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from opengov.core.home import HomeSection, register

from .models import Project, Space


def context(request: HttpRequest) -> dict[str, Any] | None:
    """Published spaces (and the number of projects on the board); nothing without spaces."""
    spaces = list(Space.objects.filter(published_at__isnull=False).order_by("kind", "slug")[:8])
    if not spaces:
        return None
    return {"spaces": spaces, "projects": Project.objects.count()}


register(HomeSection("spaces", 45, "spaces/_home.html", context))
