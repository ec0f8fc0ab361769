"""Who may do what with political donations. Everyone reads the published filings and the
findings; importing the Control Yuan's files, refreshing and reviewing findings is for
platform operators and officials of the profile's `donations.analyst_agencies` (the Control
Yuan, Political Donations Act Art. 4). Forbidden looks like not found."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from opengov.accounts.permissions import serves_agencies
from opengov.core.errors import NotFound
from opengov.core.jurisdiction import jurisdiction

from .models import ImportRun


def is_analyst(user: Any) -> bool:
    """Operators, administrators, and officials of the profile's analyst agencies (the Control
    Yuan) or their units."""
    return serves_agencies(user, jurisdiction().donations.analyst_agencies)


def require_analyst(user: Any) -> None:
    """Refuse (as not found) anyone who is not an analyst."""
    if not is_analyst(user):
        raise NotFound(_("Not found."))


def visible_import_runs(user: Any) -> QuerySet[ImportRun]:
    """Import runs: only for analysts."""
    return ImportRun.objects.all() if is_analyst(user) else ImportRun.objects.none()
