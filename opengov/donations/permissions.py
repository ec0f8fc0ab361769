"""Who may do what with political donations. Everyone reads the published filings and the
findings; importing the Control Yuan's files, refreshing and reviewing findings is for
platform operators and officials of the agencies named in `ANALYST_AGENCIES` (the Control
Yuan, Political Donations Act Art. 4). Forbidden looks like not found."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from opengov.accounts.permissions import active_membership, is_moderator, is_signed_in
from opengov.core.errors import NotFound

from .models import ImportRun

#: agencies whose officials analyse donations (Political Donations Act Art. 4: the Control
#: Yuan receives and audits the filings)
ANALYST_AGENCIES = ("cy",)


def is_analyst(user: Any) -> bool:
    """Operators, administrators, and officials of the Control Yuan (or its units)."""
    if not is_signed_in(user):
        return False
    if is_moderator(user):
        return True
    membership = active_membership(user)
    if membership is None:
        return False
    agency = membership.agency
    return agency.code in ANALYST_AGENCIES or any(
        code in ANALYST_AGENCIES for code in agency.path.strip("/").split("/")
    )


def require_analyst(user: Any) -> None:
    """Refuse (as not found) anyone who is not an analyst."""
    if not is_analyst(user):
        raise NotFound(_("Not found."))


def visible_import_runs(user: Any) -> QuerySet[ImportRun]:
    """Import runs: only for analysts."""
    return ImportRun.objects.all() if is_analyst(user) else ImportRun.objects.none()
