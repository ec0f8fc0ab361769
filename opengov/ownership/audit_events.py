"""The audit verbs beneficial ownership records (see `opengov.core.audit.register_verbs`).

A new verb is added here, in the past tense, before a service records it.
"""

from opengov.core.audit import register_verbs

VERBS = (
    "ownership.bods_imported",
    "ownership.declared",
    "ownership.entity_registered",
    "ownership.registry_links_refreshed",
    "ownership.representative_granted",
    "ownership.restricted_viewed",
)

register_verbs("ownership", *VERBS)
