"""The donor section of the registry's company page: what the company gave, to whom."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import selectors


def organisation_section(org: Any, request: HttpRequest) -> dict[str, Any] | None:
    """The company's political donations, when it made any."""
    number = getattr(org, "business_number", "") or ""
    givers = selectors.company_donations(number)
    if not givers:
        return None
    return {"givers": givers, "business_number": number}


def register() -> None:
    from opengov.registry.pages import register_section

    register_section(
        "donations",
        title=_("Political donations"),
        template="donations/_registry_section.html",
        organisation=organisation_section,
        order=30,
    )
