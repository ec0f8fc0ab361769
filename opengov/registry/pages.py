"""Sections that other apps add to the company and person pages, without the registry
importing them (as `core.exporters` does for datasets).

An app built on the registry (ownership, procurement, donations) calls, in its own module
loaded at start-up (e.g. its `registry_pages.py`, or `apps.ready`):

    from opengov.registry.pages import register_section

    register_section(
        "ownership",
        title=_("Beneficial owners"),
        template="ownership/_registry_section.html",
        organisation=lambda org, request: {"owners": ...} or None,
        person=lambda person, request: {...} or None,
        order=10,
    )

For each page the registry calls the section's function with the organisation (or person) and
the request; a context dict renders the section's template with it (plus `section`, `object`
and `request`), None leaves the section out (nothing to show, or not for this visitor).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.functional import Promise

ContextFn = Callable[[Any, HttpRequest], dict[str, Any] | None]


@dataclass(frozen=True)
class Section:
    """One section of the company and/or person page."""

    key: str
    title: str | Promise
    template: str
    organisation: ContextFn | None = None
    person: ContextFn | None = None
    order: int = 100


@dataclass(frozen=True)
class RenderedSection:
    """A section ready for the page: its key, title and HTML."""

    key: str
    title: str | Promise
    html: str


_sections: dict[str, Section] = {}


def register_section(
    key: str,
    *,
    title: str | Promise,
    template: str,
    organisation: ContextFn | None = None,
    person: ContextFn | None = None,
    order: int = 100,
) -> Section:
    """Add (or replace) a section of the company and/or person page."""
    if organisation is None and person is None:
        raise ValueError("a section needs an organisation or a person function")
    section = Section(key, title, template, organisation, person, order)
    _sections[key] = section
    return section


def unregister_section(key: str) -> None:
    """Remove a section (tests)."""
    _sections.pop(key, None)


def sections_for(kind: str) -> list[Section]:
    """Sections that have a function for `kind` ("organisation" or "person"), in order."""
    return sorted(
        (s for s in _sections.values() if getattr(s, kind) is not None),
        key=lambda s: (s.order, s.key),
    )


def render_sections(kind: str, obj: Any, request: HttpRequest) -> list[RenderedSection]:
    """Every registered section for this organisation or person that has something to show."""
    rendered = []
    for section in sections_for(kind):
        context = getattr(section, kind)(obj, request)
        if context is None:
            continue
        html = render_to_string(
            section.template,
            {**context, "section": section, "object": obj},
            request=request,
        )
        rendered.append(RenderedSection(section.key, section.title, html))
    return rendered
