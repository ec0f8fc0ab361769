"""The audit verbs referendum petitions records (see `opengov.core.audit.register_verbs`).

`LEGACY` maps the names older events were stored under to the verb they are now: the log
is append-only and signed, so those events keep their name.
"""

from opengov.core.audit import register_verbs

VERBS = (
    "referendum.abandoned",
    "referendum.approved",
    "referendum.checked",
    "referendum.code_collected",
    "referendum.corrected",
    "referendum.correction_requested",
    "referendum.created",
    "referendum.established",
    "referendum.filed",
    "referendum.litigation_recorded",
    "referendum.not_established",
    "referendum.paper_entered",
    "referendum.proposers_checked",
    "referendum.purged",
    "referendum.rejected",
    "referendum.roll_imported",
    "referendum.submitted",
)

LEGACY = {
    "referendum.litigation": "referendum.litigation_recorded",
}

register_verbs("referendums", *VERBS, legacy=LEGACY)
