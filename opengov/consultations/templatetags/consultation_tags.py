"""Template helpers of the consultation pages."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from ..drafts import diff_html

register = template.Library()


@register.filter
def diff_from(new: str, old: str) -> SafeString:
    """`{{ proposed|diff_from:current }}`: the change as escaped HTML with <del>/<ins>."""
    return diff_html(old or "", new or "")
