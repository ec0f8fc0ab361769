"""Every write to accounts: `<entity>_<verb>(*, actor, ...)`, atomic, with its audit event."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import unicodedata
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from opengov.core import audit, clock, ratelimit
from opengov.core.clientip import client_ip
from opengov.core.errors import Conflict, Forbidden, NotFound, ServiceError
from opengov.core.jurisdiction import jurisdiction
from opengov.core.mail import send_email_after_commit
from opengov.core.services import outbox_erase
from opengov.core.text import clean_plain

from .auth import token_hash
from .models import Agency, ApiToken, Membership, Residency, User, VerificationCode
from .permissions import administers_agency, is_platform_admin, is_signed_in
from .signals import user_closed


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


@transaction.atomic
def user_create(
    *,
    actor: Any,
    email: str,
    password: str | None,
    display_name: str,
    real_name: str = "",
    **flags: Any,
) -> User:
    """Create an account (registration, administration and demo data all come here)."""
    email = User.objects.normalize_email(email or "").strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise Conflict(
            "email_taken", _("An account with this e-mail address already exists."), field="email"
        )
    user = User.objects.create_user(
        email=email,
        password=password,
        display_name=_clean_display_name(display_name),
        real_name=clean_plain(real_name)[:100],
        date_joined=clock.now(),
        **flags,
    )
    audit.record(
        actor=actor if actor is not None else user,
        verb="user.created",
        target=user,
        changes={"flags": sorted(k for k, v in flags.items() if v is True)},
    )
    return user


def _path_for(code: str, parent: Agency | None) -> str:
    return f"{parent.path if parent else ''}{code}/"


@transaction.atomic
def agency_create(
    *,
    actor: Any,
    code: str,
    name_zh_hant: str,
    name_en: str = "",
    parent: Agency | None = None,
    abbreviation_zh_hant: str = "",
    abbreviation_en: str = "",
    website: str = "",
) -> Agency:
    """Create an agency under `parent` (platform administrators, or the parent's administrators)."""
    if actor is not None and not (is_platform_admin(actor) or administers_agency(actor, parent)):
        raise Forbidden(_("Only platform administrators can create agencies here."))
    code = (code or "").strip()
    if Agency.objects.filter(code=code).exists():
        raise Conflict("code_taken", _("An agency with this code already exists."), field="code")
    agency = Agency.objects.create(
        code=code,
        name_zh_hant=clean_plain(name_zh_hant),
        name_en=clean_plain(name_en),
        abbreviation_zh_hant=abbreviation_zh_hant,
        abbreviation_en=abbreviation_en,
        parent=parent,
        path=_path_for(code, parent),
        website=website,
    )
    audit.record(
        actor=actor,
        verb="agency.created",
        target=agency,
        agency_code=code,
        public=True,
        changes={"parent": parent.code if parent else None},
    )
    return agency


@transaction.atomic
def membership_grant(
    *, actor: Any, user: User, agency: Agency, role: str = Membership.Role.OFFICIAL, title: str = ""
) -> Membership:
    """Make `user` an official (or administrator) of `agency`, ending any other membership."""
    if actor is not None and not administers_agency(actor, agency):
        raise Forbidden(_("Only administrators of this agency can add its officials."))
    if role not in Membership.Role.values:
        raise ServiceError("invalid", _("Unknown role."), field="role")
    if actor is not None:
        if not is_signed_in(user) or not user.email_verified_at:
            raise ServiceError(
                "not_eligible",
                _("Only people with an active account and a confirmed e-mail can be officials."),
                field="email",
            )
        current = Membership.objects.filter(user=user, active=True).select_related("agency")
        for other in current:
            if not administers_agency(actor, other.agency):
                raise Conflict(
                    "member_elsewhere",
                    _(
                        "This person is an official of another agency; that agency must end "
                        "the membership first."
                    ),
                    field="email",
                )
    now = clock.now()
    Membership.objects.filter(user=user, active=True).update(active=False, ended_at=now)
    membership = Membership.objects.create(
        user=user, agency=agency, role=role, title=clean_plain(title)[:100], created_at=now
    )
    audit.record(
        actor=actor,
        verb="membership.granted",
        target=membership,
        agency_code=agency.code,
        changes={"user": audit.actor_ref(user), "role": role},
    )
    return membership


@transaction.atomic
def membership_end(*, actor: Any, membership: Membership) -> None:
    """End an official's membership."""
    if actor is not None and not administers_agency(actor, membership.agency):
        raise Forbidden(_("Only administrators of this agency can remove its officials."))
    membership.active = False
    membership.ended_at = clock.now()
    membership.save(update_fields=["active", "ended_at"])
    audit.record(
        actor=actor, verb="membership.ended", target=membership, agency_code=membership.agency.code
    )


@transaction.atomic
def membership_update(*, actor: Any, membership: Membership, role: str, title: str) -> Membership:
    """Change an active official's role or job title."""
    if not administers_agency(actor, membership.agency):
        raise Forbidden(_("Only administrators of this agency can change its officials."))
    if not membership.active:
        raise Conflict("ended", _("This membership has ended."))
    if role not in Membership.Role.values:
        raise ServiceError("invalid", _("Unknown role."), field="role")
    title = clean_plain(title)
    if len(title) > 100:
        raise ServiceError(
            "too_long", _("The job title can have at most 100 characters."), field="title"
        )
    changes: dict[str, Any] = {}
    if membership.role != role:
        changes["role"] = [membership.role, role]
    if membership.title != title:
        changes["fields"] = ["title"]
    membership.role, membership.title = role, title
    membership.save(update_fields=["role", "title"])
    audit.record(
        actor=actor,
        verb="membership.updated",
        target=membership,
        agency_code=membership.agency.code,
        changes=changes,
    )
    return membership


@transaction.atomic
def agency_update(
    *,
    actor: Any,
    agency: Agency,
    name_zh_hant: str,
    name_en: str = "",
    abbreviation_zh_hant: str = "",
    abbreviation_en: str = "",
    website: str = "",
    active: bool = True,
) -> Agency:
    """Rename an agency or (platform administrators only) switch it off."""
    if not administers_agency(actor, agency):
        raise Forbidden(_("Only administrators of this agency can change it."))
    if active != agency.active and not is_platform_admin(actor):
        raise Forbidden(_("Only platform administrators can switch agencies on or off."))
    if not clean_plain(name_zh_hant):
        raise ServiceError("required", _("The agency needs a name."), field="name_zh_hant")
    before = {"name": agency.name_zh_hant, "name_en": agency.name_en, "active": agency.active}
    agency.name_zh_hant = clean_plain(name_zh_hant)[:200]
    agency.name_en = clean_plain(name_en)[:200]
    agency.abbreviation_zh_hant = clean_plain(abbreviation_zh_hant)[:50]
    agency.abbreviation_en = clean_plain(abbreviation_en)[:50]
    agency.website = website
    agency.active = active
    agency.save()
    after = {"name": agency.name_zh_hant, "name_en": agency.name_en, "active": agency.active}
    audit.record(
        actor=actor,
        verb="agency.updated",
        target=agency,
        agency_code=agency.code,
        public=True,
        changes={
            "fields": sorted(k for k in before if before[k] != after[k]),
            "active": after["active"],
        },
    )
    return agency


@transaction.atomic
def user_set_roles(
    *,
    actor: Any,
    user: User,
    is_moderator: bool,
    is_reviewer: bool,
    is_staff: bool,
    is_superuser: bool,
    is_active: bool,
    is_aml_reviewer: bool | None = None,
) -> User:
    """Grant or remove platform roles (platform administrators only); `is_aml_reviewer`
    None leaves that role as it is."""
    if not is_platform_admin(actor):
        raise Forbidden(_("Only platform administrators can change platform roles."))
    if user.closed_at and is_active:
        raise Conflict("closed", _("A closed account cannot be reopened."))
    if user.pk == actor.pk and not (is_superuser and is_active):
        raise Conflict("self", _("You cannot remove your own administrator rights."))
    wanted = {
        "is_moderator": is_moderator,
        "is_reviewer": is_reviewer,
        "is_staff": is_staff,
        "is_superuser": is_superuser,
        "is_active": is_active,
    }
    if is_aml_reviewer is not None:
        wanted["is_aml_reviewer"] = is_aml_reviewer
    changes = {k: [getattr(user, k), v] for k, v in wanted.items() if getattr(user, k) != v}
    for key, value in wanted.items():
        setattr(user, key, value)
    user.save(update_fields=list(wanted))
    audit.record(actor=actor, verb="user.roles_changed", target=user, changes=changes)
    return user


# --- registration, profile ------------------------------------------------------------------

EMAIL_MAX_LENGTH = 254
REAL_NAME_MAX_LENGTH = 100
PASSWORD_MAX_LENGTH = 128


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
    real_name = clean_plain(real_name)
    if len(real_name) > REAL_NAME_MAX_LENGTH:
        raise ServiceError(
            "too_long", _("The real name can have at most 100 characters."), field="real_name"
        )
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
    code = re.sub(r"\s", "", unicodedata.normalize("NFKC", code or ""))
    if not re.fullmatch(rf"[0-9]{{{CODE_DIGITS}}}", code):
        raise ServiceError(
            "invalid", _("The code is the 6 digits in the message we sent you."), field="code"
        )
    left = jurisdiction().accounts.code_max_attempts - (tries + 1)
    if left <= 0:
        raise ServiceError(
            "code_locked",
            _("Too many wrong tries: this code is locked. Please ask for a new one."),
            field="code",
        )
    raise ServiceError(
        "code_wrong",
        _("This code is not right. You have %(left)d more tries.") % {"left": left},
        field="code",
    )


def registration_code_resend(*, user: User | None, email: str) -> None:
    """Send a new code after registering (nothing goes out for an address that had an account,
    but the limit is counted the same way)."""
    if user is not None:
        verification_send(user=user, purpose=VerificationCode.Purpose.EMAIL)
        return
    ratelimit.hit("verification_send", account=f"registration:{email}")


PROFILE_FIELDS = (
    "display_name",
    "real_name",
    "notify_by_email",
    "preferred_language",
    "residency",
)


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
        fields["real_name"] = clean_plain(fields["real_name"] or "")
        if len(fields["real_name"]) > REAL_NAME_MAX_LENGTH:
            raise ServiceError(
                "too_long", _("The real name can have at most 100 characters."), field="real_name"
            )
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


def verification_confirm(*, user: User, purpose: str, code: str) -> User:
    """Check a typed code; a wrong code counts a try (and the try is kept even on failure)."""
    # full-width digits typed with a Chinese input method count as digits
    code = re.sub(r"\s", "", unicodedata.normalize("NFKC", code or ""))
    if not re.fullmatch(rf"[0-9]{{{CODE_DIGITS}}}", code):
        raise ServiceError(
            "invalid", _("The code is the 6 digits in the message we sent you."), field="code"
        )
    wrong = False
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
        wrong = True
        left = jurisdiction().accounts.code_max_attempts - record.attempts
    if wrong and left <= 0:
        raise ServiceError(
            "code_locked",
            _("Too many wrong tries: this code is locked. Please ask for a new one."),
            field="code",
        )
    raise ServiceError(
        "code_wrong",
        _("This code is not right. You have %(left)d more tries.") % {"left": left},
        field="code",
    )


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


# --- API tokens -----------------------------------------------------------------------------

TOKEN_PREFIX = "og_"


@transaction.atomic
def token_create(*, actor: Any, name: str) -> tuple[ApiToken, str]:
    """Create a bearer token; the key is returned once and only its hash is kept."""
    if not is_signed_in(actor):
        raise ServiceError("not_authenticated", _("Please sign in first."), status=401)
    name = clean_plain(name)
    if not name:
        raise ServiceError("required", _("Please name the token."), field="name")
    if len(name) > 100:
        raise ServiceError("too_long", _("The name can have at most 100 characters."), field="name")
    limit = jurisdiction().accounts.max_api_tokens
    User.objects.select_for_update().filter(pk=actor.pk).first()
    if ApiToken.objects.filter(user=actor, revoked_at__isnull=True).count() >= limit:
        raise Conflict(
            "too_many_tokens",
            _("You have %(n)d tokens; revoke one before creating another.") % {"n": limit},
            field="name",
        )
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        name=name,
        prefix=key[:10],
        key_hash=token_hash(key),
        created_at=clock.now(),
    )
    audit.record(
        actor=actor, verb="api_token.created", target=token, changes={"prefix": token.prefix}
    )
    return token, key


@transaction.atomic
def token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    """Revoke one's own token (it stops working at once)."""
    if not is_signed_in(actor) or token.user_id != actor.pk:
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor, verb="api_token.revoked", target=token, changes={"prefix": token.prefix}
        )
    return token


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
    from .selectors import personal_data

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

    from . import throttle

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
    from . import throttle

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
