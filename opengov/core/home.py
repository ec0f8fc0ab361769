"""Sections of the front page, contributed by the apps.

Each app may register one in its `home.py` module (imported at start-up): a template and a
function that returns that template's context for a request, or None to show nothing. The
core never imports a domain app; the apps come to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class HomeSection:
    """One block of the front page: where it goes, what draws it, what it shows."""

    key: str
    order: int
    template: str
    context: Callable[[HttpRequest], dict[str, Any] | None]


_sections: dict[str, HomeSection] = {}


def register(section: HomeSection) -> HomeSection:
    """Add (or replace) a front-page section."""
    _sections[section.key] = section
    return section


def sections_for(request: HttpRequest) -> list[tuple[HomeSection, dict[str, Any]]]:
    """The sections with something to show, in order, each with its context."""
    shown = []
    for section in sorted(_sections.values(), key=lambda s: (s.order, s.key)):
        data = section.context(request)
        if data is not None:
            shown.append((section, data))
    return shown
