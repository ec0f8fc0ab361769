"""The audit verbs public procurement records (see `opengov.core.audit.register_verbs`).

A new verb is added here, in the past tense, before a service records it.
"""

from opengov.core.audit import register_verbs

VERBS = (
    "procurement.document_added",
    "procurement.flags_refreshed",
    "procurement.import_started",
    "procurement.milestone_added",
    "procurement.milestone_completed",
    "procurement.monitor_added",
    "procurement.note_added",
    "procurement.notices_imported",
    "procurement.parties_linked",
    "procurement.project_created",
    "procurement.project_published",
    "procurement.project_withdrawn",
    "procurement.question_answered",
    "procurement.question_asked",
    "procurement.question_hidden",
    "procurement.releases_imported",
    "procurement.releases_stored",
)

register_verbs("procurement", *VERBS)
