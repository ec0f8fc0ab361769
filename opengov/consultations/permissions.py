"""Who may see and do what in consultations. Forbidden looks like not found.

- Anyone sees published consultations; drafts (not yet published) only the officials of the
  owning agency (or a parent agency).
- Officials of the owning agency create, edit, publish, handle comments and publish the report.
- Signed-in people at the profile's level (`rules.comment_level()`) comment while open.
- Moderators (platform operators) hide comments, with a published ground.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from opengov.accounts.permissions import acts_for_agency, agency_scope_q, is_moderator

from .models import Consultation


def visible_consultations(user: Any) -> QuerySet[Consultation]:
    """Consultations `user` may see: every published one, plus their agency's drafts."""
    published = Q(published_at__isnull=False)
    return Consultation.objects.filter(published | agency_scope_q(user)).select_related("agency")


def managed_consultations(user: Any) -> QuerySet[Consultation]:
    """Consultations `user` may manage (officials of the owning agency or a parent agency)."""
    return Consultation.objects.filter(agency_scope_q(user)).select_related("agency")


def can_manage(user: Any, consultation: Consultation) -> bool:
    """True for officials of the owning agency (or a parent agency)."""
    return acts_for_agency(user, consultation.agency)


def can_moderate(user: Any) -> bool:
    """True for platform operators and administrators."""
    return is_moderator(user)
