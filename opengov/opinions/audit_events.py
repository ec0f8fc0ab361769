"""The audit verbs opinion mapping records (see `opengov.core.audit.register_verbs`).

A new verb is added here, in the past tense, before a service records it.
"""

from opengov.core.audit import register_verbs

VERBS = (
    "opinions.consensus_answered",
    "opinions.conversation_closed",
    "opinions.conversation_started",
    "opinions.map_published",
    "opinions.participant_banned",
    "opinions.seed_statement_added",
    "opinions.statement_accepted",
    "opinions.statement_rejected",
    "opinions.statement_submitted",
)

register_verbs("opinions", *VERBS)
