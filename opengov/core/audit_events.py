"""The audit verbs the core records (calendars, outbox, translations of content); see
`opengov.core.audit.register_verbs`.

A new verb is added here, in the past tense, before a service records it.
"""

from .audit import register_verbs

VERBS = (
    "calendar.holidays_imported",
    "core.translation_removed",
    "core.translation_saved",
    "outbox.retried",
)

register_verbs("core", *VERBS)
