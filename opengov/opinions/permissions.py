"""Who may do what in opinion mapping. Forbidden looks like not found.

- Anyone sees the conversations of the consultations they may see (`consultations.selectors`),
  the shown statements and the published maps.
- Officials of the consultation's agency (or a parent agency) turn opinion mapping on or off,
  add seed statements, moderate statements and respond to consensus statements.
- Signed-in people at the profile's level vote and add statements while the consultation is
  open and the conversation is not closed; a banned participant does neither.
- Moderators (platform operators and administrators) moderate statements and ban participants.
"""

from __future__ import annotations

from typing import Any

from opengov.accounts.permissions import acts_for_agency, is_moderator


def can_manage(user: Any, consultation: Any) -> bool:
    """Officials of the consultation's agency or a parent agency."""
    return acts_for_agency(user, consultation.agency)


def can_moderate(user: Any, consultation: Any) -> bool:
    """Moderators, and the consultation's own officials, moderate statements."""
    return is_moderator(user) or can_manage(user, consultation)


def can_ban(user: Any) -> bool:
    """Only platform moderators ban participants."""
    return is_moderator(user)
