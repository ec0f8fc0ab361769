"""Who may do what in a space.

- Anyone sees a published space; an unpublished one only its staff and platform moderators
  (forbidden looks like not found).
- Moderators of a space: its `SpaceRole` moderators, administrators of the host agency and
  platform moderators. They set the space's rules, publish it and name its staff.
- Officials of a space: its moderators, its `SpaceRole` officials and the officials of the
  host agency. They record events and offline input and hold consultations in it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from opengov.accounts.permissions import (
    acts_for_agency,
    administers_agency,
    agency_scope_q,
    is_moderator,
    is_signed_in,
)

from .models import Project, Space, SpaceRole


def _role(user: Any, space: Space) -> str | None:
    if not is_signed_in(user):
        return None
    cache = getattr(user, "_space_roles", None)
    if cache is None:
        cache = dict(SpaceRole.objects.filter(user=user).values_list("space_id", "role"))
        user._space_roles = cache
    return cache.get(space.pk)


def can_moderate(user: Any, space: Space) -> bool:
    """Space moderators, host agency administrators, platform moderators."""
    if not is_signed_in(user):
        return False
    return (
        is_moderator(user)
        or _role(user, space) == SpaceRole.Role.MODERATOR
        or administers_agency(user, space.host_agency)
    )


def can_act(user: Any, space: Space) -> bool:
    """Space officials (and everyone who may moderate it)."""
    if not is_signed_in(user):
        return False
    return (
        can_moderate(user, space)
        or _role(user, space) == SpaceRole.Role.OFFICIAL
        or acts_for_agency(user, space.host_agency)
    )


def visible_spaces(user: Any) -> QuerySet[Space]:
    """Published spaces, and the unpublished ones the person works on."""
    qs = Space.objects.select_related("host_agency", "place", "place__county", "audience_place")
    if is_moderator(user):
        return qs
    if not is_signed_in(user):
        return qs.filter(published_at__isnull=False)
    return qs.filter(
        Q(published_at__isnull=False) | Q(roles__user=user) | agency_scope_q(user, "host_agency")
    ).distinct()


def can_report_progress(user: Any, project: Project) -> bool:
    """The team that posted the project, the officials of its space, platform moderators."""
    if not is_signed_in(user):
        return False
    if project.posted_by_id == user.pk or is_moderator(user):
        return True
    return project.space is not None and can_act(user, project.space)
