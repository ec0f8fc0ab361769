"""Every write on proposals: one transaction each, with its audit event; e-mail after commit.

A package by sub-domain; every public name is importable from `opengov.proposals.services`:
`proposing` (drafts, editing, submitting, attachments), `review` (moderation and the
responsible agencies), `signatures` (co-signing, the threshold and the failure notice),
`following` (e-mail notices), `responses` (the agency's answer and extensions), `meetings`
(the collaboration meeting) and `discussion` (feedback, comments and their moderation);
`checks` holds the limits and checks of typed-in values they share.
"""

from __future__ import annotations

from .checks import FIELD_LIMITS, TITLE_MIN
from .discussion import comment_create, comment_edit, comment_hide, comment_report, feedback_create
from .following import follow_set, forget_notice_choices
from .meetings import meeting_call, meeting_change, meeting_take_seat
from .proposing import attachment_add, proposal_create, proposal_update, sniff_content_type
from .responses import extension_create, response_publish
from .review import (
    proposal_publish,
    proposal_reject,
    proposal_request_changes,
    proposal_set_agencies,
    proposal_start_review,
)
from .signatures import (
    COSIGNABLE_STATUSES,
    PASSING_CHECK_MARGIN,
    proposal_mark_failure_notified,
    record_passing,
    signature_create,
)

__all__ = [
    "COSIGNABLE_STATUSES",
    "FIELD_LIMITS",
    "PASSING_CHECK_MARGIN",
    "TITLE_MIN",
    "attachment_add",
    "comment_create",
    "comment_edit",
    "comment_hide",
    "comment_report",
    "extension_create",
    "feedback_create",
    "follow_set",
    "forget_notice_choices",
    "meeting_call",
    "meeting_change",
    "meeting_take_seat",
    "proposal_create",
    "proposal_mark_failure_notified",
    "proposal_publish",
    "proposal_reject",
    "proposal_request_changes",
    "proposal_set_agencies",
    "proposal_start_review",
    "proposal_update",
    "record_passing",
    "response_publish",
    "signature_create",
    "sniff_content_type",
]
