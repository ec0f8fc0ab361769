"""Template filters shared by every app."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from .. import audit
from ..text import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(value: str) -> SafeString:
    """Render user Markdown as sanitised HTML."""
    return render_markdown(value or "")


@register.filter
def language_tag(code: str) -> str:
    """The BCP 47 tag for a Django language code (`zh-hant` -> `zh-Hant-TW`), for `lang`."""
    from ..languages import language_tag as tag

    return tag(code or "")


@register.simple_tag
def translated(obj: object, field: str) -> object:
    """`{% translated obj "summary" as t %}`: the field in the page's language when translated
    (`core.translations`), else the original; `t.text`, `t.language` (for `lang`)."""
    from ..translations import translated as lookup

    return lookup(obj, field)


@register.simple_tag
def shipped_languages() -> list[tuple[str, str]]:
    """`settings.LANGUAGES` as written there: each language named in itself, untranslated
    (Django's `get_available_languages` would translate the names into the page language)."""
    from django.conf import settings

    return list(settings.LANGUAGES)


@register.filter
def audit_verb(stored: str) -> str:
    """The verb an audit event is known by now (events keep the name they were stored under)."""
    return audit.current_verb(stored)


@register.filter
def percent(part: int | float, whole: int | float) -> int:
    """Whole percentage of `part` in `whole`, capped at 100 (for progress bars)."""
    if not whole:
        return 0
    return max(0, min(100, int(part * 100 // whole)))


@register.simple_tag(takes_context=True)
def panels(context: template.Context, slot: str, obj: object) -> SafeString:
    """The panels other apps registered for this slot of the page (`core.panels`)."""
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    from ..panels import panels_for

    request = context.get("request")
    if request is None:  # rendered outside a request (e-mail, a file): no panels
        return mark_safe("")
    parts = [
        render_to_string(panel.template, {**data, "request": request}, request=request)
        for panel, data in panels_for(slot, request, obj)
    ]
    return mark_safe("".join(parts))  # each part is a rendered (auto-escaped) template
