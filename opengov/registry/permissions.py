"""Who may do what in the registry. Everyone reads the public registry; importing data and
reviewing matches is for platform operators and officials of the agencies that keep the
company registry (`jurisdiction().registry.keeper_agencies`). Forbidden looks like not found.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from opengov.accounts.permissions import serves_agencies
from opengov.core.errors import NotFound
from opengov.core.jurisdiction import jurisdiction

from .models import ImportRun, MatchCandidate


def can_manage(user: Any) -> bool:
    """Operators, administrators, and officials of a registry-keeping agency (or its units)."""
    return serves_agencies(user, jurisdiction().registry.keeper_agencies)


def require_manager(user: Any) -> None:
    """Refuse (as not found) anyone who may not manage the registry."""
    if not can_manage(user):
        raise NotFound(_("Not found."))


def visible_import_runs(user: Any) -> QuerySet[ImportRun]:
    """Import runs: only for those who manage the registry."""
    if not can_manage(user):
        return ImportRun.objects.none()
    return ImportRun.objects.all()


def reviewable_candidates(user: Any) -> QuerySet[MatchCandidate]:
    """The match review queue: only for those who manage the registry."""
    if not can_manage(user):
        return MatchCandidate.objects.none()
    return MatchCandidate.objects.select_related("candidate", "organisation")
