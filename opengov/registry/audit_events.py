"""The audit verbs the registry records (see `opengov.core.audit.register_verbs`).

`LEGACY` maps the names older events were stored under to the verb they are now: the log
is append-only and signed, so those events keep their name.
"""

from opengov.core.audit import register_verbs

VERBS = (
    "registry.board_set",
    "registry.import_applied",
    "registry.import_started",
    "registry.match_decided",
    "registry.organisation_created",
    "registry.organisation_merged",
    "registry.organisation_number_recorded",
    "registry.organisation_updated",
    "registry.person_created",
    "registry.position_added",
)

LEGACY = {
    "registry.import_apply": "registry.import_applied",
    "registry.import_start": "registry.import_started",
    "registry.match_decide": "registry.match_decided",
    "registry.organisation_create": "registry.organisation_created",
    "registry.organisation_merge": "registry.organisation_merged",
    "registry.organisation_number": "registry.organisation_number_recorded",
    "registry.organisation_update": "registry.organisation_updated",
    "registry.person_create": "registry.person_created",
    "registry.position_add": "registry.position_added",
}

register_verbs("registry", *VERBS, legacy=LEGACY)
