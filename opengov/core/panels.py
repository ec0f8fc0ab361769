"""Panels that one app adds to another app's page, without the page's app importing it.

A page names its slots in its template with `{% panels "consultations.detail" consultation %}`
(tag in `core/templatetags/opengov.py`); an app registers, in its `panels.py` (imported at
start-up), a template and a function that returns that template's context for the request and
the page's object, or None to show nothing. The same pattern as `core.home`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class Panel:
    """One block on another app's page: the slot, its order there, the template and context."""

    key: str
    slot: str
    order: int
    template: str
    context: Callable[[HttpRequest, Any], dict[str, Any] | None]


_panels: dict[tuple[str, str], Panel] = {}


def register(panel: Panel) -> Panel:
    """Add (or replace) a panel."""
    _panels[(panel.slot, panel.key)] = panel
    return panel


def panels_for(slot: str, request: HttpRequest, obj: Any) -> list[tuple[Panel, dict[str, Any]]]:
    """The panels of `slot` with something to show, in order, each with its context."""
    shown = []
    for panel in sorted(
        (p for (s, _), p in _panels.items() if s == slot), key=lambda p: (p.order, p.key)
    ):
        data = panel.context(request, obj)
        if data is not None:
            shown.append((panel, data))
    return shown
