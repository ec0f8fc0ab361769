"""The audit verbs political donations records (see `opengov.core.audit.register_verbs`).

A new verb is added here, in the past tense, before a service records it.
"""

from opengov.core.audit import register_verbs

VERBS = (
    "donations.corrections_applied",
    "donations.corrections_started",
    "donations.election_updated",
    "donations.finding_reviewed",
    "donations.findings_refreshed",
    "donations.import_applied",
    "donations.import_started",
)

register_verbs("donations", *VERBS)
