"""The audit verbs proposals records (see `opengov.core.audit.register_verbs`).

`LEGACY` maps the names older events were stored under to the verb they are now: the log
is append-only and signed, so those events keep their name.
"""

from opengov.core.audit import register_verbs

VERBS = (
    "proposal.agencies_changed",
    "proposal.attachment_added",
    "proposal.changes_requested",
    "proposal.comment_created",
    "proposal.comment_edited",
    "proposal.comment_hidden",
    "proposal.comment_reported",
    "proposal.created",
    "proposal.deadline_extended",
    "proposal.failed",
    "proposal.feedback_given",
    "proposal.following_changed",
    "proposal.meeting_called",
    "proposal.meeting_changed",
    "proposal.meeting_seat_taken",
    "proposal.passed",
    "proposal.published",
    "proposal.rejected",
    "proposal.response_published",
    "proposal.review_started",
    "proposal.submitted",
    "proposal.updated",
)

LEGACY = {
    "proposal.agencies_change": "proposal.agencies_changed",
    "proposal.attach": "proposal.attachment_added",
    "proposal.comment_hide": "proposal.comment_hidden",
    "proposal.create": "proposal.created",
    "proposal.extend": "proposal.deadline_extended",
    "proposal.fail": "proposal.failed",
    "proposal.follow": "proposal.following_changed",
    "proposal.meeting": "proposal.meeting_called",
    "proposal.meeting_seat": "proposal.meeting_seat_taken",
    "proposal.pass": "proposal.passed",
    "proposal.publish": "proposal.published",
    "proposal.reject": "proposal.rejected",
    "proposal.request_changes": "proposal.changes_requested",
    "proposal.respond": "proposal.response_published",
    "proposal.review_start": "proposal.review_started",
    "proposal.submit": "proposal.submitted",
    "proposal.update": "proposal.updated",
}

register_verbs("proposals", *VERBS, legacy=LEGACY)
