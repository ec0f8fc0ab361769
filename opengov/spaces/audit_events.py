"""The audit verbs participation spaces record (see `opengov.core.audit.register_verbs`).

A new verb is added here, in the past tense, before a service records it.
"""

from opengov.core.audit import register_verbs

VERBS = (
    "spaces.consultation_attached",
    "spaces.event_created",
    "spaces.milestone_added",
    "spaces.offer_accepted",
    "spaces.offer_declined",
    "spaces.offer_made",
    "spaces.offline_input_added",
    "spaces.places_loaded",
    "spaces.progress_reported",
    "spaces.project_posted",
    "spaces.role_granted",
    "spaces.role_revoked",
    "spaces.rules_changed",
    "spaces.space_created",
    "spaces.space_published",
    "spaces.statement_recorded",
    "spaces.statement_withdrawn",
)

register_verbs("spaces", *VERBS)
