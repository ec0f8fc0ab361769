"""Who may do what with beneficial-ownership data.

- Everyone sees the public view: entities, the chains between them with share bands, and the
  ultimate owners' names, nationality, basis and share band (see `rules.py`).
- AML reviewers (`User.is_aml_reviewer`) see the confidential register (Company Act Art. 22-1):
  every person, exact shares, masked ID numbers, dates of birth, addresses; each such view is
  audited. Anyone else asking for it gets "not found" and nothing is recorded or changed.
- AML reviewers and platform operators import BODS files and record who represents a company.
- A company's representatives (and AML reviewers) declare its beneficial owners.
"""

from __future__ import annotations

from typing import Any

from opengov.accounts.permissions import is_aml_reviewer, is_moderator, is_signed_in

from .models import Party, Representative


def sees_restricted(user: Any) -> bool:
    """The confidential register: AML reviewers only."""
    return is_aml_reviewer(user)


def manages_register(user: Any) -> bool:
    """Imports and representative grants: AML reviewers and platform operators."""
    return is_aml_reviewer(user) or is_moderator(user)


def represents(user: Any, party: Party) -> bool:
    """An active representative of `party`."""
    if not is_signed_in(user) or party is None:
        return False
    return Representative.objects.filter(user=user, party=party, active=True).exists()


def declares_for(user: Any, party: Party) -> bool:
    """May declare `party`'s beneficial owners: its representatives and AML reviewers."""
    return (
        party is not None
        and not party.is_person
        and (is_aml_reviewer(user) or represents(user, party))
    )


def represented_parties(user: Any):
    """The entities a person may declare for."""
    if not is_signed_in(user):
        return Party.objects.none()
    if is_aml_reviewer(user):
        return Party.objects.filter(kind=Party.Kind.ENTITY)
    return Party.objects.filter(
        kind=Party.Kind.ENTITY, representatives__user=user, representatives__active=True
    ).distinct()
