"""Who may do what in action plans.

Plans, commitments, milestones, updates and published assessments are public. Writes:
- plan managers (platform administrators, moderators, the plan's co-conveners) edit plans,
  commitments and milestones, and record task-force follow-up decisions;
- officials of a commitment's lead agency (or of a parent agency) edit its draft text and
  milestones and are the only ones who post progress updates;
- civil-society members of the plan's task force comment on progress updates;
- independent reviewers (User.is_reviewer) assess commitments.
"""

from __future__ import annotations

from typing import Any

from opengov.accounts.permissions import acts_for_agency, is_moderator, is_signed_in

from .models import ActionPlan, Commitment, TaskForceMember


def _seat(user: Any, plan: ActionPlan) -> TaskForceMember | None:
    if not is_signed_in(user):
        return None
    cache = getattr(user, "_task_force_seats", None)
    if cache is None:
        cache = {}
        user._task_force_seats = cache
    if plan.pk not in cache:
        cache[plan.pk] = TaskForceMember.objects.filter(plan=plan, user=user).first()
    return cache[plan.pk]


def manages_plan(user: Any, plan: ActionPlan) -> bool:
    """Platform administrators, moderators, and the plan's co-conveners."""
    if is_moderator(user):
        return True
    seat = _seat(user, plan)
    return bool(seat and seat.is_co_convener)


def is_civil_society_member(user: Any, plan: ActionPlan) -> bool:
    """A civil-society member of the plan's task force."""
    seat = _seat(user, plan)
    return bool(seat and seat.sector == TaskForceMember.Sector.CIVIL_SOCIETY)


def reports_for(user: Any, commitment: Commitment) -> bool:
    """Only officials of the lead agency report progress on a commitment."""
    return acts_for_agency(user, commitment.lead_agency)


def edits_commitment(user: Any, commitment: Commitment) -> bool:
    """Plan managers, and the lead agency's officials."""
    return manages_plan(user, commitment.plan) or reports_for(user, commitment)


def comments_on_updates(user: Any, plan: ActionPlan) -> bool:
    """Civil-society members of the task force (co-conveners from civil society included)."""
    return is_civil_society_member(user, plan)


def assesses(user: Any) -> bool:
    """Independent reviewers."""
    return is_signed_in(user) and bool(user.is_reviewer)
