"""Checks of the values people type in, shared by the account services."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _

from opengov.core.errors import ServiceError
from opengov.core.text import clean_plain

from ..models import User


def _clean_display_name(value: str) -> str:
    name = clean_plain(value)
    if not name:
        raise ServiceError(
            "required", _("Please choose a public display name."), field="display_name"
        )
    if len(name) > 50:
        raise ServiceError(
            "too_long", _("The display name can have at most 50 characters."), field="display_name"
        )
    return name


EMAIL_MAX_LENGTH = 254
REAL_NAME_MAX_LENGTH = 100
PASSWORD_MAX_LENGTH = 128


def _clean_real_name(value: str) -> str:
    name = clean_plain(value or "")
    if len(name) > REAL_NAME_MAX_LENGTH:
        raise ServiceError(
            "too_long", _("The real name can have at most 100 characters."), field="real_name"
        )
    return name


def _clean_email(value: str) -> str:
    email = (value or "").strip().lower()
    if not email:
        raise ServiceError("required", _("Please enter your e-mail address."), field="email")
    if len(email) > EMAIL_MAX_LENGTH:
        raise ServiceError(
            "too_long", _("The e-mail address can have at most 254 characters."), field="email"
        )
    try:
        EmailValidator()(email)
    except ValidationError:
        raise ServiceError(
            "invalid",
            _("Please enter a valid e-mail address, like name@example.tw."),
            field="email",
        ) from None
    return email


def _check_password(password: str, user: User) -> None:
    if len(password or "") > PASSWORD_MAX_LENGTH:
        raise ServiceError(
            "too_long", _("The password can have at most 128 characters."), field="password"
        )
    try:
        password_validation.validate_password(password or "", user=user)
    except ValidationError as exc:
        raise ServiceError("weak_password", " ".join(exc.messages), field="password") from None
