"""Every write to accounts: `<entity>_<verb>(*, actor, ...)`, atomic, with its audit event.

A package by sub-domain; every public name is importable from `opengov.accounts.services`:
`administration` (users, agencies, memberships, roles), `registration` (sign-up and profile),
`verification` (codes, e-mail change, passwords), `tokens` (API tokens) and `sessions`
(sign-in, sessions, unlocking, certificates, closing an account, personal data); `checks`
holds the checks of typed-in values they share.
"""

from __future__ import annotations

from .administration import (
    agency_create,
    agency_update,
    membership_end,
    membership_grant,
    membership_update,
    user_create,
    user_set_roles,
)
from .checks import EMAIL_MAX_LENGTH, PASSWORD_MAX_LENGTH, REAL_NAME_MAX_LENGTH
from .registration import (
    PROFILE_FIELDS,
    registration_code_check,
    registration_code_resend,
    user_register,
    user_update,
)
from .sessions import (
    CLOSED_DISPLAY_NAME,
    certificate_verified,
    personal_data_export,
    sessions_end_all,
    sign_in,
    signin_unlock,
    signin_unlock_send,
    user_close,
)
from .tokens import TOKEN_PREFIX, token_create, token_revoke
from .verification import (
    CODE_DIGITS,
    code_lifetime,
    email_change_request,
    email_confirm_by_link,
    normalise_phone,
    password_change,
    password_reset_complete,
    password_reset_request,
    pending_email_change,
    verification_by_link,
    verification_confirm,
    verification_send,
)

__all__ = [
    "CLOSED_DISPLAY_NAME",
    "CODE_DIGITS",
    "EMAIL_MAX_LENGTH",
    "PASSWORD_MAX_LENGTH",
    "PROFILE_FIELDS",
    "REAL_NAME_MAX_LENGTH",
    "TOKEN_PREFIX",
    "agency_create",
    "agency_update",
    "certificate_verified",
    "code_lifetime",
    "email_change_request",
    "email_confirm_by_link",
    "membership_end",
    "membership_grant",
    "membership_update",
    "normalise_phone",
    "password_change",
    "password_reset_complete",
    "password_reset_request",
    "pending_email_change",
    "personal_data_export",
    "registration_code_check",
    "registration_code_resend",
    "sessions_end_all",
    "sign_in",
    "signin_unlock",
    "signin_unlock_send",
    "token_create",
    "token_revoke",
    "user_close",
    "user_create",
    "user_register",
    "user_set_roles",
    "user_update",
    "verification_by_link",
    "verification_confirm",
    "verification_send",
]
