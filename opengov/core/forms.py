"""Showing a service's refusal on a form: beside the field it names, or above the form; the
shape every form page shares (`submit`); and the one status of a refused form.

A form page answers 200 when shown, and when a POST is refused (the form comes back with its
errors) 400, or 429 when the refusal is a rate limit (`RateLimited`): `form_status(request)`
after `submit`, or `refused_status(exc)` where a view calls the service itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .errors import RateLimited, ServiceError

#: the status of a form page whose POST was refused
REFUSED = 400
#: ... when the refusal is a rate limit
RATE_LIMITED = 429


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
        mark_refused(request, exc)
        return None
    if done:
        messages.success(request, done)
    return redirect(then(result) if callable(then) else then)


def refused_status(exc: ServiceError | None = None) -> int:
    """The status of a refused form: 429 for a rate limit, 400 for anything else."""
    return RATE_LIMITED if isinstance(exc, RateLimited) else REFUSED


def mark_refused(request: HttpRequest, exc: ServiceError | None = None) -> None:
    """Remember why this request's form was refused, for `form_status`."""
    request._form_refused_status = refused_status(exc)  # type: ignore[attr-defined]


def form_status(request: HttpRequest, form: forms.BaseForm | None = None) -> int:
    """The status of a form page: 200 when shown; when a POST did not go through, 400 (429
    when it was refused by a rate limit). Give `form` where a POST may also succeed without
    leaving the page (a preview): then a POST is refused only when the form has errors."""
    if request.method != "POST":
        return 200
    marked = getattr(request, "_form_refused_status", None)
    if marked is not None:
        return marked
    if form is not None and not form.errors:
        return 200
    return REFUSED
