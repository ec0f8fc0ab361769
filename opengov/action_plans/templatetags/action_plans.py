"""Template helpers of the action-plan pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def dictget(mapping: Any, key: Any) -> Any:
    """`mapping|dictget:key`: a dict lookup with a variable key (None when absent)."""
    if not mapping:
        return None
    return mapping.get(key)
