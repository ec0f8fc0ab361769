"""Template filters shared by every app."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from ..text import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(value: str) -> SafeString:
    """Render user Markdown as sanitised HTML."""
    return render_markdown(value or "")


@register.filter
def percent(part: int | float, whole: int | float) -> int:
    """Whole percentage of `part` in `whole`, capped at 100 (for progress bars)."""
    if not whole:
        return 0
    return max(0, min(100, int(part * 100 // whole)))
