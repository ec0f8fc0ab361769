"""The audit verbs action plans records (see `opengov.core.audit.register_verbs`).

`LEGACY` maps the names older events were stored under to the verb they are now: the log
is append-only and signed, so those events keep their name.
"""

from opengov.core.audit import register_verbs

VERBS = (
    "action_plan.created",
    "action_plan.status_changed",
    "action_plan.updated",
    "assessment.recorded",
    "assessment.revised",
    "commitment.comments_opened",
    "commitment.created",
    "commitment.follow_up_kept",
    "commitment.follow_up_released",
    "commitment.updated",
    "milestone.created",
    "milestone.progress_reported",
    "milestone.updated",
    "policy_area.created",
    "policy_area.updated",
    "progress_update.commented",
    "task_force.member_added",
    "task_force.member_removed",
    "thematic_area.added",
    "thematic_area.removed",
)

LEGACY = {
    "commitment.opened_for_comment": "commitment.comments_opened",
}

register_verbs("action_plans", *VERBS, legacy=LEGACY)
