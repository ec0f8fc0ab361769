"""The audit verbs the open data catalogue records (see `opengov.core.audit.register_verbs`).

A new verb is added here, in the past tense, before a service records it.
"""

from opengov.core.audit import register_verbs

VERBS = (
    "open_data.dataset_published",
    "open_data.dataset_updated",
    "open_data.showcase_approved",
    "open_data.showcase_rejected",
    "open_data.showcase_submitted",
    "open_data.version_published",
)

register_verbs("open_data", *VERBS)
