"""The audit verbs the core (calendars, outbox) records (see `opengov.core.audit.register_verbs`).

A new verb is added here, in the past tense, before a service records it.
"""

from .audit import register_verbs

VERBS = (
    "calendar.holidays_imported",
    "outbox.retried",
)

register_verbs("core", *VERBS)
