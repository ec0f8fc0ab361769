"""Showing a service's refusal on a form: beside the field it names, or above the form; and
the shape every form page shares (`submit`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

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


def submit(
    request: HttpRequest,
    form: forms.BaseForm,
    action: Callable[[dict[str, Any]], Any],
    *,
    then: str | Callable[[Any], str],
    done: str = "",
) -> HttpResponse | None:
    """The shape of every form page: on a POST whose form is valid, call `action` with the
    form's cleaned data (a service call); when it succeeds, show `done` and redirect to `then`
    (a URL, or a function of the action's result that gives one). A service's refusal is put
    on the form (beside the field it names, through the form's `field_aliases`).

    Returns the redirect, or None when the page is to be rendered (again); render it with
    `form_status(request)`.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = action(form.cleaned_data)
    except ServiceError as exc:
        apply_service_error(form, exc, getattr(form, "field_aliases", None))
        return None
    if done:
        messages.success(request, done)
    return redirect(then(result) if callable(then) else then)


def form_status(request: HttpRequest) -> int:
    """The status of a form page: 400 when a POST did not go through, 200 otherwise."""
    return 400 if request.method == "POST" else 200
