"""The audit verbs accounts records (see `opengov.core.audit.register_verbs`).

A new verb is added here, in the past tense, before a service records it.
"""

from opengov.core.audit import register_verbs

VERBS = (
    "agency.created",
    "agency.updated",
    "api_token.created",
    "api_token.revoked",
    "membership.ended",
    "membership.granted",
    "membership.updated",
    "user.certificate_verified",
    "user.closed",
    "user.created",
    "user.data_downloaded",
    "user.password_changed",
    "user.password_reset",
    "user.roles_changed",
    "user.sessions_ended",
    "user.signin_unlocked",
    "user.updated",
    "verification.email_confirmed",
    "verification.email_sent",
    "verification.password_reset_confirmed",
    "verification.password_reset_sent",
    "verification.phone_confirmed",
    "verification.phone_sent",
    "verification.signin_unlock_confirmed",
    "verification.signin_unlock_sent",
)

register_verbs("accounts", *VERBS)
