"""Who may do what to referendum cases.

Cases and their counts are public. Writes on a case's legal life (review, code, check, paper
entry, roll import) belong to election officials: officials of an agency listed in
`REFERENDUM_AGENCY_CODES` (the Central Election Commission and its household offices), or a
platform administrator. Lead-proposer acts belong to the case's lead proposer.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from opengov.accounts.permissions import active_membership, is_platform_admin


def is_election_official(user: Any) -> bool:
    """True for an official of an election agency, or a platform administrator."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_platform_admin(user):
        return True
    membership = active_membership(user)
    codes = set(getattr(settings, "REFERENDUM_AGENCY_CODES", ("cec",)))
    return membership is not None and membership.agency.code in codes
