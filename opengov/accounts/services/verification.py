"""One-time codes, e-mail change, password reset and change."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import unicodedata
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from opengov.core import audit, clock, ratelimit
from opengov.core.errors import Conflict, ServiceError
from opengov.core.jurisdiction import jurisdiction
from opengov.core.mail import send_email_after_commit

from ..auth import token_hash
from ..models import User, VerificationCode
from ..permissions import is_signed_in
from .checks import _check_password, _clean_email

# --- verification codes ---------------------------------------------------------------------

CODE_DIGITS = 6
_PHONE_STRIP = re.compile(r"[\s\-().]")
_E164 = re.compile(r"^\+[1-9]\d{7,14}$")


def _code_hash(user: User, purpose: str, code: str) -> str:
    message = f"{purpose}:{user.pk}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def normalise_phone(value: str) -> str:
    """A mobile number in E.164 (`+886912345678`); a leading 0 takes the country prefix."""
    raw = _PHONE_STRIP.sub("", value or "")
    if not raw:
        raise ServiceError("required", _("Please enter your mobile number."), field="phone")
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    elif raw.startswith("0"):
        raw = jurisdiction().accounts.phone_country_prefix + raw[1:]
    elif not raw.startswith("+"):
        raw = jurisdiction().accounts.phone_country_prefix + raw
    if not _E164.match(raw):
        raise ServiceError(
            "invalid",
            _("Please enter a mobile number of digits only, like 0912 345 678 or +886912345678."),
            field="phone",
        )
    return raw


def code_lifetime(purpose: str) -> dt.timedelta:
    """How long a code for `purpose` stays valid (from the jurisdiction profile)."""
    rules = jurisdiction().accounts
    if purpose == VerificationCode.Purpose.PHONE:
        return dt.timedelta(minutes=rules.sms_code_ttl_minutes)
    if purpose == VerificationCode.Purpose.PASSWORD_RESET:
        return dt.timedelta(hours=rules.password_reset_ttl_hours)
    return dt.timedelta(hours=rules.email_code_ttl_hours)


def _user_language(user: User) -> str:
    return user.preferred_language or translation.get_language() or settings.LANGUAGE_CODE


def _send_email_code(
    user: User, code: str, token: str, purpose: str, lifetime: str, to: str
) -> None:
    with translation.override(_user_language(user)):
        if purpose == VerificationCode.Purpose.EMAIL:
            link = settings.SITE_URL + reverse("accounts:confirm_email_link", args=[token])
            subject = _("Confirm your e-mail address")
            body = _(
                "Hello %(name)s,\n\nYour confirmation code is %(code)s (valid for %(lifetime)s).\n"
                "Or open this link and press the button on the page:\n%(link)s\n\n"
                "If you did not register, ignore this message."
            )
        elif purpose == VerificationCode.Purpose.SIGNIN_UNLOCK:
            link = settings.SITE_URL + reverse("accounts:signin_unlock", args=[token])
            subject = _("Sign-in to your account was paused")
            body = _(
                "Hello %(name)s,\n\nThere were several failed attempts to sign in to your "
                "account, so sign-in is paused for browsers you have not used before. If this was "
                "you, open this link (valid for %(lifetime)s) and press the button: it unlocks "
                "sign-in in that browser at once.\n%(link)s\n\nIf it was not you, your "
                "password held; consider choosing a longer one."
            )
        else:
            link = settings.SITE_URL + reverse("accounts:password_reset_link", args=[token])
            subject = _("Reset your password")
            body = _(
                "Hello %(name)s,\n\nTo choose a new password, open this link "
                "(valid for %(lifetime)s):\n%(link)s\n\n"
                "If you did not ask for this, ignore this message: your password stays the same."
            )
        body = body % {"name": user.display_name, "code": code, "link": link, "lifetime": lifetime}
        send_email_after_commit(
            to=to, subject=str(subject), body=str(body), user_id=user.pk, sensitive=True
        )


def _send_sms_code(user: User, phone: str, code: str, minutes: int) -> None:
    from opengov.core.tasks import send_sms

    with translation.override(_user_language(user)):
        text = str(
            _("opengov verification code: %(code)s (valid %(minutes)d minutes)")
            % {"code": code, "minutes": minutes}
        )
    transaction.on_commit(
        lambda: send_sms.delay(phone=phone, text=text, user_id=user.pk, sensitive=True)
    )


def _lifetime_label(delta: dt.timedelta, user: User) -> str:
    from django.utils.translation import ngettext

    with translation.override(_user_language(user)):
        minutes = int(delta.total_seconds() // 60)
        if minutes % 60 == 0:
            hours = minutes // 60
            return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


@transaction.atomic
def verification_send(
    *, user: User, purpose: str, phone: str = "", email: str = ""
) -> VerificationCode:
    """Create a one-time code (and for e-mail a link) and send it; earlier codes stop working.

    Only hashes are stored. The code expires after the profile's lifetime for `purpose`.
    With `email` (a new address, see `email_change_request`) the e-mail code goes there.
    """
    if purpose not in VerificationCode.Purpose.values:
        raise ServiceError("invalid", _("Unknown purpose."))
    target = user.email
    if purpose == VerificationCode.Purpose.EMAIL and email and email != user.email:
        target = email
    elif purpose == VerificationCode.Purpose.EMAIL and user.email_verified_at:
        raise Conflict("already_verified", _("Your e-mail address is already confirmed."))
    if purpose == VerificationCode.Purpose.PHONE:
        target = normalise_phone(phone)
        if target == user.phone and user.phone_verified_at:
            raise Conflict(
                "already_verified", _("This mobile number is already confirmed."), field="phone"
            )
        taken = User.objects.filter(
            phone=target, phone_verified_at__isnull=False, closed_at__isnull=True
        ).exclude(pk=user.pk)
        if taken.exists():
            raise Conflict(
                "phone_taken",
                _("This mobile number is already confirmed on another account."),
                field="phone",
            )
    ratelimit.hit("verification_send", account=f"{user.pk}:{purpose}")
    now = clock.now()
    VerificationCode.objects.filter(
        user=user, purpose=purpose, used_at__isnull=True, superseded=False
    ).update(superseded=True)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    token = secrets.token_urlsafe(32) if purpose != VerificationCode.Purpose.PHONE else ""
    lifetime = code_lifetime(purpose)
    record = VerificationCode.objects.create(
        user=user,
        purpose=purpose,
        target=target,
        code_hash=_code_hash(user, purpose, code),
        token_hash=token_hash(token) if token else "",
        created_at=now,
        expires_at=now + lifetime,
    )
    if purpose == VerificationCode.Purpose.PHONE:
        _send_sms_code(user, target, code, int(lifetime.total_seconds() // 60))
    else:
        _send_email_code(user, code, token, purpose, _lifetime_label(lifetime, user), target)
    audit.record(actor=user, verb=f"verification.{purpose}_sent", target=user)
    return record


def _check_usable(record: VerificationCode | None, field: str | None = "code") -> None:
    now = clock.now()
    if record is None:
        raise ServiceError(
            "no_code",
            _("There is no code waiting to be confirmed. Please ask for a new one."),
            field=field,
        )
    if record.used_at is not None:
        raise Conflict("code_used", _("This code has already been used."), field=field)
    if record.superseded:
        raise Conflict(
            "code_superseded",
            _("A newer code has been sent; please use the latest one."),
            field=field,
        )
    if now >= record.expires_at:
        raise ServiceError(
            "code_expired", _("This code has expired. Please ask for a new one."), field=field
        )
    if record.attempts >= jurisdiction().accounts.code_max_attempts:
        raise ServiceError(
            "code_locked",
            _("Too many wrong tries: this code is locked. Please ask for a new one."),
            field=field,
        )


def _apply_code(record: VerificationCode) -> User:
    now = clock.now()
    user = User.objects.select_for_update().get(pk=record.user_id)
    record.used_at = now
    record.save(update_fields=["used_at"])
    if record.purpose == VerificationCode.Purpose.EMAIL:
        if record.target != user.email:
            _email_switch(user, record.target)
        user.email_verified_at = now
        user.save(update_fields=["email", "email_verified_at"])
    elif record.purpose == VerificationCode.Purpose.PHONE:
        taken = User.objects.filter(
            phone=record.target, phone_verified_at__isnull=False, closed_at__isnull=True
        ).exclude(pk=user.pk)
        if taken.exists():
            raise Conflict(
                "phone_taken",
                _("This mobile number is already confirmed on another account."),
                field="code",
            )
        user.phone = record.target
        user.phone_verified_at = now
        user.save(update_fields=["phone", "phone_verified_at"])
    audit.record(
        actor=user,
        verb=f"verification.{record.purpose}_confirmed",
        target=user,
        changes={"level": str(user.verification_level)},
    )
    return user


def _email_switch(user: User, new_email: str) -> None:
    """Move the account to a confirmed new address and tell the old one."""
    if User.objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists():
        raise Conflict(
            "email_taken", _("An account with this e-mail address already exists."), field="code"
        )
    old = user.email
    user.email = new_email
    with translation.override(_user_language(user)):
        send_email_after_commit(
            to=old,
            user_id=user.pk,
            subject=str(_("Your e-mail address was changed")),
            body=str(
                _(
                    "Hello %(name)s,\n\nThe e-mail address of your opengov account is now "
                    "%(email)s. If you did not do this, reset your password at once:\n%(link)s"
                )
                % {
                    "name": user.display_name,
                    "email": new_email,
                    "link": settings.SITE_URL + reverse("accounts:password_reset"),
                }
            ),
        )


def pending_email_change(user: User) -> VerificationCode | None:
    """The latest usable e-mail code, if any (for a new address, or the first confirmation)."""
    return (
        VerificationCode.objects.filter(
            user=user,
            purpose=VerificationCode.Purpose.EMAIL,
            used_at__isnull=True,
            superseded=False,
            expires_at__gt=clock.now(),
        )
        .order_by("-created_at", "-id")
        .first()
    )


def email_change_request(*, actor: Any, email: str, password: str) -> VerificationCode:
    """Start moving the account to a new address: a code goes to the new address, and the
    address changes only once it is confirmed."""
    if not is_signed_in(actor):
        raise ServiceError("not_authenticated", _("Please sign in first."), status=401)
    email = _clean_email(email)
    if not actor.check_password(password or ""):
        raise ServiceError("wrong_password", _("Your password is not right."), field="password")
    if email == actor.email:
        raise ServiceError("unchanged", _("This is already your e-mail address."), field="email")
    if User.objects.filter(email__iexact=email).exists():
        raise Conflict(
            "email_taken", _("An account with this e-mail address already exists."), field="email"
        )
    return verification_send(user=actor, purpose=VerificationCode.Purpose.EMAIL, email=email)


def _typed_code(code: str) -> str:
    """The code as typed, spaces dropped; refused unless it is CODE_DIGITS digits."""
    # full-width digits typed with a Chinese input method count as digits
    code = re.sub(r"\s", "", unicodedata.normalize("NFKC", code or ""))
    if not re.fullmatch(rf"[0-9]{{{CODE_DIGITS}}}", code):
        raise ServiceError(
            "invalid", _("The code is the 6 digits in the message we sent you."), field="code"
        )
    return code


def _wrong_code(left: int) -> ServiceError:
    """The refusal of a wrong code with `left` tries left: locked when none are."""
    if left <= 0:
        return ServiceError(
            "code_locked",
            _("Too many wrong tries: this code is locked. Please ask for a new one."),
            field="code",
        )
    return ServiceError(
        "code_wrong",
        _("This code is not right. You have %(left)d more tries.") % {"left": left},
        field="code",
    )


def verification_confirm(*, user: User, purpose: str, code: str) -> User:
    """Check a typed code; a wrong code counts a try (and the try is kept even on failure)."""
    code = _typed_code(code)
    with transaction.atomic():
        record = (
            VerificationCode.objects.select_for_update()
            .filter(user=user, purpose=purpose)
            .exclude(superseded=True)
            .order_by("-created_at", "-id")
            .first()
        )
        _check_usable(record)
        if hmac.compare_digest(record.code_hash, _code_hash(user, purpose, code)):
            return _apply_code(record)
        record.attempts += 1
        record.save(update_fields=["attempts"])
        left = jurisdiction().accounts.code_max_attempts - record.attempts
    # raised outside the transaction, so that the try counted is kept
    raise _wrong_code(left)


def _by_token(token: str, purpose: str) -> VerificationCode | None:
    if not token or len(token) > 100:
        return None
    return (
        VerificationCode.objects.select_for_update()
        .filter(token_hash=token_hash(token), purpose=purpose)
        .first()
    )


def verification_by_link(token: str, purpose: str) -> VerificationCode:
    """The code behind an e-mailed link, if it can still be used (raises otherwise)."""
    record = (
        VerificationCode.objects.filter(token_hash=token_hash(token or ""), purpose=purpose).first()
        if token and len(token) <= 100
        else None
    )
    if record is None:
        raise ServiceError(
            "bad_link", _("This link is not valid. Please ask for a new one."), field=None
        )
    _check_usable(record, field=None)
    return record


@transaction.atomic
def email_confirm_by_link(*, token: str) -> User:
    """Confirm an e-mail address from the link's page (the button, never the GET itself)."""
    record = _by_token(token, VerificationCode.Purpose.EMAIL)
    if record is None:
        raise ServiceError("bad_link", _("This link is not valid. Please ask for a new one."))
    _check_usable(record, field=None)
    return _apply_code(record)


def password_reset_request(*, email: str, address: str = "") -> None:
    """Send a reset link if an active account has this address (the reply is the same if not)."""
    email = _clean_email(email)
    ratelimit.hit("verification_send", address=address or None)
    user = User.objects.filter(email__iexact=email, is_active=True, closed_at__isnull=True).first()
    if user is None:
        return
    try:
        verification_send(user=user, purpose=VerificationCode.Purpose.PASSWORD_RESET)
    except ServiceError:
        # too many requests for this account: stay silent, like for unknown addresses
        return


@transaction.atomic
def password_reset_complete(*, token: str, password: str) -> User:
    """Set a new password from a reset link; the link works once."""
    record = _by_token(token, VerificationCode.Purpose.PASSWORD_RESET)
    if record is None:
        raise ServiceError("bad_link", _("This link is not valid. Please ask for a new one."))
    _check_usable(record, field=None)
    user = User.objects.select_for_update().get(pk=record.user_id)
    if not user.is_active or user.closed_at:
        raise ServiceError("bad_link", _("This link is not valid. Please ask for a new one."))
    _check_password(password, user)
    user.set_password(password)
    # the link proves control of the address
    fields = ["password"]
    if not user.email_verified_at:
        user.email_verified_at = clock.now()
        fields.append("email_verified_at")
    user.save(update_fields=fields)
    record.used_at = clock.now()
    record.save(update_fields=["used_at"])
    audit.record(actor=user, verb="user.password_reset", target=user)
    return user


@transaction.atomic
def password_change(*, actor: Any, old_password: str, new_password: str) -> User:
    """Change one's own password, knowing the old one."""
    require = is_signed_in(actor)
    if not require:
        raise ServiceError("not_authenticated", _("Please sign in first."), status=401)
    if not actor.check_password(old_password or ""):
        raise ServiceError(
            "wrong_password", _("Your current password is not right."), field="old_password"
        )
    _check_password(new_password, actor)
    actor.set_password(new_password)
    actor.save(update_fields=["password"])
    audit.record(actor=actor, verb="user.password_changed", target=actor)
    return actor
