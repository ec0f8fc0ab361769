"""Closing an account, the personal-data download, signing in, sessions, unlocking."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from opengov.core import audit, clock
from opengov.core.clientip import client_ip
from opengov.core.errors import Conflict, NotFound, ServiceError
from opengov.core.services import outbox_erase
from opengov.core.text import clean_plain

from ..models import ApiToken, Membership, User, VerificationCode
from ..permissions import is_platform_admin, is_signed_in
from ..signals import user_closed
from .checks import EMAIL_MAX_LENGTH, PASSWORD_MAX_LENGTH
from .verification import _by_token, _check_usable, verification_send

# --- closing an account, personal data ------------------------------------------------------

CLOSED_DISPLAY_NAME = "已關閉的帳號 / Closed account"


@transaction.atomic
def user_close(*, actor: Any, user: User, password: str | None = None) -> User:
    """Close an account: anonymise it in place, so what it signed keeps counting.

    The person confirms with their password (platform administrators need not). Personal
    fields are erased, tokens revoked, memberships ended, codes deleted; sign-in is refused.
    """
    own = is_signed_in(actor) and actor.pk == user.pk
    if not own and not is_platform_admin(actor):
        raise NotFound()
    if user.closed_at:
        raise Conflict("closed", _("This account is already closed."))
    if own and not user.check_password(password or ""):
        raise ServiceError("wrong_password", _("Your password is not right."), field="password")
    now = clock.now()
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    Membership.objects.filter(user=user, active=True).update(active=False, ended_at=now)
    # messages sent for the account or to any address it used (codes, links, notices)
    addresses = {
        user.email,
        user.phone,
        *VerificationCode.objects.filter(user=user).values_list("target", flat=True),
    }
    outbox_erase(user_id=user.pk, addresses=addresses)
    VerificationCode.objects.filter(user=user).delete()
    user.email = f"closed-{user.public_id}@closed.invalid"
    user.display_name = CLOSED_DISPLAY_NAME
    user.real_name = ""
    user.phone = ""
    user.national_id_hash = None
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.is_moderator = False
    user.is_reviewer = False
    user.is_aml_reviewer = False
    user.notify_by_email = False
    user.closed_at = now
    user.session_version += 1
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    user_closed.send(sender=User, user=user)
    audit.record(actor=actor, verb="user.closed", target=user)
    # the log keeps the account's events under a pseudonym that now leads to no one
    audit.forget_actor(user)
    return user


@transaction.atomic
def personal_data_export(*, actor: Any, user: User) -> dict[str, Any]:
    """Everything held about `user`, as one JSON document (the download is audited)."""
    from ..selectors import personal_data

    if not is_signed_in(actor) or actor.pk != user.pk:
        raise NotFound()
    audit.record(actor=actor, verb="user.data_downloaded", target=user)
    return personal_data(user)


def sign_in(*, request: Any, email: str, password: str) -> User:
    """Check a sign-in (throttled per account and per address); the view then logs in.

    A browser the account signed in from before (its device cookie) is exempt from the
    account's delays and lock; when failures lock the account, its owner is e-mailed a
    one-time unlock link (see `throttle`).
    """
    from django.contrib.auth import authenticate

    from .. import throttle

    email = clean_plain(email).lower()[:EMAIL_MAX_LENGTH]
    address = client_ip(request)
    trusted = throttle.device_trusted(request, email)
    throttle.check(account=email, address=address, trusted=trusted)
    user = None
    if email and password and len(password) <= PASSWORD_MAX_LENGTH and "\x00" not in password:
        user = authenticate(request, username=email, password=password)
    if user is None or user.closed_at:
        if throttle.record_failure(account=email, address=address, trusted=trusted):
            signin_unlock_send(email=email)
        raise ServiceError(
            "bad_credentials",
            _("The e-mail address or the password is not right."),
            field="password",
        )
    throttle.record_success(account=email)
    return user


@transaction.atomic
def sessions_end_all(*, actor: Any) -> User:
    """Sign the person out of every session (the page keeps the current one)."""
    if not is_signed_in(actor):
        raise ServiceError("not_authenticated", _("Please sign in first."), status=401)
    user = User.objects.select_for_update().get(pk=actor.pk)
    user.session_version += 1
    user.save(update_fields=["session_version"])
    actor.session_version = user.session_version
    audit.record(actor=actor, verb="user.sessions_ended", target=user)
    return actor


def signin_unlock_send(*, email: str) -> None:
    """E-mail the owner of `email` (if any) a one-time link that lifts a sign-in lock."""
    user = User.objects.filter(email__iexact=email, is_active=True, closed_at__isnull=True).first()
    if user is None:
        return
    try:
        verification_send(user=user, purpose=VerificationCode.Purpose.SIGNIN_UNLOCK)
    except ServiceError:
        return  # too many messages to this account already: stay silent


@transaction.atomic
def signin_unlock(*, token: str) -> User:
    """Lift the sign-in lock of the link's account (the button on the link's page)."""
    from .. import throttle

    record = _by_token(token, VerificationCode.Purpose.SIGNIN_UNLOCK)
    if record is None:
        raise ServiceError("bad_link", _("This link is not valid. Please ask for a new one."))
    _check_usable(record, field=None)
    user = User.objects.get(pk=record.user_id)
    if not user.is_active or user.closed_at:
        raise ServiceError("bad_link", _("This link is not valid. Please ask for a new one."))
    record.used_at = clock.now()
    record.save(update_fields=["used_at"])
    throttle.unlock_account(account=user.email)
    audit.record(actor=user, verb="user.signin_unlocked", target=user)
    return user


def certificate_verified(*, actor: Any, user: User, certificate_sha256: str) -> User:
    """Record that `user` proved control of a citizen certificate (verification level
    "certificate"); the certificate itself was checked by the caller (path, validity,
    revocation), only its fingerprint goes into the audit event."""
    if actor is None or getattr(actor, "pk", None) != user.pk:
        raise ServiceError("forbidden", _("Only the account holder can do this."), status=403)
    with transaction.atomic():
        user.certificate_verified_at = clock.now()
        user.save(update_fields=["certificate_verified_at"])
        audit.record(
            actor=actor,
            verb="user.certificate_verified",
            target=user,
            changes={"certificate_sha256": certificate_sha256},
        )
    return user
