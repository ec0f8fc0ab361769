"""Every write to accounts: `<entity>_<verb>(*, actor, ...)`, atomic, with its audit event."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from opengov.core import audit, clock
from opengov.core.errors import Conflict, Forbidden, ServiceError
from opengov.core.text import clean_plain

from .models import Agency, Membership, User
from .permissions import administers_agency, is_platform_admin


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
        changes={"name": name_zh_hant, "parent": parent.code if parent else None},
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
        changes={"user": str(user.public_id), "role": role},
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
