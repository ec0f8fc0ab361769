"""The audit verbs consultations records (see `opengov.core.audit.register_verbs`).

A new verb is added here, in the past tense, before a service records it.
"""

from opengov.core.audit import register_verbs

VERBS = (
    "consultation.article_added",
    "consultation.article_deleted",
    "consultation.article_updated",
    "consultation.articles_imported",
    "consultation.attachment_added",
    "consultation.comment_created",
    "consultation.comment_edited",
    "consultation.comment_hidden",
    "consultation.comment_reported",
    "consultation.comment_restored",
    "consultation.comments_answered",
    "consultation.created",
    "consultation.final_text_set",
    "consultation.published",
    "consultation.report_published",
    "consultation.reports_dismissed",
    "consultation.response_updated",
    "consultation.space_set",
    "consultation.updated",
)

register_verbs("consultations", *VERBS)
