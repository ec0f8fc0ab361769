"""Signing up and the profile."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from opengov.core import audit, ratelimit
from opengov.core.errors import Forbidden, ServiceError
from opengov.core.jurisdiction import jurisdiction
from opengov.core.mail import send_email_after_commit

from ..models import Residency, User, VerificationCode
from ..permissions import is_platform_admin, is_signed_in
from .administration import user_create
from .checks import _check_password, _clean_display_name, _clean_email, _clean_real_name
from .verification import (
    _typed_code,
    _user_language,
    _wrong_code,
    verification_confirm,
    verification_send,
)


def user_register(
    *,
    email: str,
    password: str,
    display_name: str,
    real_name: str = "",
    residency: str = "",
    address: str = "",
) -> User | None:
    """Open an account (self-service) and send the e-mail confirmation code and link.

    If the address already has an account, nothing is opened, its owner is e-mailed a notice,
    and None is returned: the caller answers exactly as for a new account, so registration
    does not tell anyone whether an address has an account.
    """
    ratelimit.hit("register", address=address or None)
    if residency and residency not in Residency.values:
        raise ServiceError("invalid", _("Choose one of the listed answers."), field="residency")
    email = _clean_email(email)
    display_name = _clean_display_name(display_name)
    real_name = _clean_real_name(real_name)
    _check_password(password, User(email=email, display_name=display_name, real_name=real_name))
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        # the same answer as for a new address; the owner is told instead (no enumeration)
        make_password(password)  # the same work as opening an account
        _registration_attempt_notice(existing)
        return None
    try:
        with transaction.atomic():
            user = user_create(
                actor=None,
                email=email,
                password=password,
                display_name=display_name,
                real_name=real_name,
                residency=residency,
                preferred_language=translation.get_language() or "",
            )
            verification_send(user=user, purpose=VerificationCode.Purpose.EMAIL)
    except IntegrityError:  # the same address registered at the same moment
        return None
    return user


def _registration_attempt_notice(user: User) -> None:
    """Tell an account's owner that someone tried to register with their address."""
    if not user.is_active or user.closed_at:
        return
    try:
        ratelimit.hit("verification_send", account=f"{user.pk}:registration_attempt")
    except ServiceError:
        return  # a flood of attempts: one notice per window is enough
    with translation.override(_user_language(user)):
        body = _(
            "Hello %(name)s,\n\nSomeone, perhaps you, tried to open an opengov account with "
            "this e-mail address, which already has one. No new account was opened.\n\n"
            "If it was you, sign in: %(login)s\nForgot your password? Choose a new one: "
            "%(reset)s\n\nIf it was not you, you can ignore this message."
        ) % {
            "name": user.display_name,
            "login": settings.SITE_URL + reverse("accounts:login"),
            "reset": settings.SITE_URL + reverse("accounts:password_reset"),
        }
        send_email_after_commit(
            to=user.email,
            user_id=user.pk,
            subject=str(_("Someone tried to register with your e-mail address")),
            body=str(body),
        )


def registration_code_check(*, user: User | None, code: str, tries: int) -> User:
    """Confirm the code typed after registering (`user` None: the address already had an
    account, so no code was sent; the refusals read exactly like those for a wrong code)."""
    if user is not None:
        return verification_confirm(user=user, purpose=VerificationCode.Purpose.EMAIL, code=code)
    _typed_code(code)
    raise _wrong_code(jurisdiction().accounts.code_max_attempts - (tries + 1))


def registration_code_resend(*, user: User | None, email: str) -> None:
    """Send a new code after registering (nothing goes out for an address that had an account,
    but the limit is counted the same way)."""
    if user is not None:
        verification_send(user=user, purpose=VerificationCode.Purpose.EMAIL)
        return
    ratelimit.hit("verification_send", account=f"registration:{email}")


PROFILE_FIELDS = ("display_name", "real_name", "notify_by_email", "preferred_language", "residency")


@transaction.atomic
def user_update(*, actor: Any, user: User, **fields: Any) -> User:
    """Change the person's display name, real name, notification or language preference."""
    if not is_signed_in(actor) or (actor.pk != user.pk and not is_platform_admin(actor)):
        raise Forbidden(_("You can only change your own profile."))
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ServiceError("invalid", _("This field cannot be changed."), field=sorted(unknown)[0])
    if "display_name" in fields:
        fields["display_name"] = _clean_display_name(fields["display_name"])
    if "real_name" in fields:
        fields["real_name"] = _clean_real_name(fields["real_name"])
    if "notify_by_email" in fields:
        fields["notify_by_email"] = bool(fields["notify_by_email"])
    if "preferred_language" in fields:
        language = fields["preferred_language"] or ""
        if language and language not in dict(settings.LANGUAGES):
            raise ServiceError("invalid", _("Unknown language."), field="preferred_language")
    if "residency" in fields:
        fields["residency"] = fields["residency"] or ""
        if fields["residency"] and fields["residency"] not in Residency.values:
            raise ServiceError("invalid", _("Choose one of the listed answers."), field="residency")
    changed = sorted(k for k, v in fields.items() if getattr(user, k) != v)
    for key in changed:
        setattr(user, key, fields[key])
    if changed:
        user.save(update_fields=changed)
        audit.record(
            actor=actor,
            verb="user.updated",
            target=user,
            # only the names of private fields, never their values
            changes={"fields": changed},
        )
    return user
