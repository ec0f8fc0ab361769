"""Every write to action plans: `<entity>_<verb>(*, actor, ...)`, atomic, with its audit event.

Values arrive typed (dates, whole numbers, Decimal weights): the forms and API schemas parse
what is typed and refuse what is not a date or a number. Bad values are refused with a
ServiceError naming the field; a refused write changes nothing.
Every write under a plan bumps `ActionPlan.revision`, the key of cached dashboards.

A package by sub-domain; every public name is importable from `opengov.action_plans.services`:
`plans` (policy areas, plans, thematic areas, the task force), `commitments`, `progress`
(milestones, progress updates and their comments), `assessment` (the IRM assessment) and
`cocreation` (commitments opened for comment); `checks` holds what they share.
"""

from __future__ import annotations

from .assessment import assessment_save
from .checks import COMMITMENT_TEXT_FIELDS, LANGS, RESERVED_SLUGS
from .cocreation import commitment_open_consultation
from .commitments import commitment_create, commitment_follow_up, commitment_update
from .plans import (
    plan_create,
    plan_set_status,
    plan_update,
    policy_area_save,
    task_force_member_add,
    task_force_member_remove,
    thematic_area_add,
    thematic_area_remove,
)
from .progress import milestone_create, milestone_update, progress_update_post, update_comment_post

__all__ = [
    "COMMITMENT_TEXT_FIELDS",
    "LANGS",
    "RESERVED_SLUGS",
    "assessment_save",
    "commitment_create",
    "commitment_follow_up",
    "commitment_open_consultation",
    "commitment_update",
    "milestone_create",
    "milestone_update",
    "plan_create",
    "plan_set_status",
    "plan_update",
    "policy_area_save",
    "progress_update_post",
    "task_force_member_add",
    "task_force_member_remove",
    "thematic_area_add",
    "thematic_area_remove",
    "update_comment_post",
]
