"""Who may publish which datasets and who moderates showcases.

Only officials of the publishing agency (or of a parent agency) upload its datasets; platform
operators and administrators do not publish for agencies. Forbidden looks like not found.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from opengov.accounts.models import Agency
from opengov.accounts.permissions import (
    acts_for_agency,
    agencies_acted_for,
    agency_scope_q,
    is_moderator,
    is_signed_in,
)

from .models import Dataset


def can_publish_for(user: Any, agency: Agency | None) -> bool:
    """True when the person is an official of `agency` (or of one of its parents)."""
    return acts_for_agency(user, agency)


def publishing_agencies(user: Any) -> QuerySet[Agency]:
    """Agencies the person may publish datasets for."""
    return agencies_acted_for(user)


def managed_datasets(user: Any) -> QuerySet[Dataset]:
    """Uploaded datasets (with or without versions) the person may add versions to."""
    return Dataset.objects.filter(agency_scope_q(user)).select_related("agency")


def can_submit_showcase(user: Any) -> bool:
    """Any signed-in person may submit an application for the showcase."""
    return is_signed_in(user)


def can_moderate_showcases(user: Any) -> bool:
    """Platform operators moderate the showcase."""
    return is_moderator(user)
