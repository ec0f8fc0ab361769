"""The procurement section of the registry's company page: awards won, large-procurement
contracts in performance today, red flags (through the registry's page hook)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from opengov.core import clock

from . import selectors


def organisation_section(org: Any, request: HttpRequest) -> dict[str, Any] | None:
    """The organisation's procurement, when it has a business number and won something."""
    number = getattr(org, "business_number", "")
    if not number:
        return None
    won = selectors.contracts_won_by([number])
    if not won:
        return None
    return {
        "won": won,
        "large": selectors.large_procurement_in_performance(number, clock.today()),
        "key": selectors.supplier_key_for(number),
    }


def register() -> None:
    from opengov.registry.pages import register_section

    register_section(
        "procurement",
        title=_("Public procurement"),
        template="procurement/_registry_section.html",
        organisation=organisation_section,
        order=20,
    )
