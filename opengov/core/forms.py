"""Showing a service's refusal on a form: beside the field it names, or above the form."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms

from .errors import ServiceError


def apply_service_error(
    form: forms.BaseForm, exc: ServiceError, aliases: Mapping[str, str] | None = None
) -> None:
    """Add `exc` to `form`: on its field (renamed through `aliases`) or as a form error."""
    field = exc.field or ""
    field = (aliases or {}).get(field, field)
    form.add_error(field if field in form.fields else None, str(exc.message))


class ServiceErrorMixin:
    """For forms whose errors can come from a service; `field_aliases` maps service field
    names to form field names where they differ."""

    field_aliases: Mapping[str, str] = {}

    def add_service_error(self, exc: ServiceError) -> None:
        """Show `exc` beside the field at fault (or above the form)."""
        apply_service_error(self, exc, self.field_aliases)
