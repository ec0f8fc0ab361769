"""Accounts created by administrators, agencies, memberships and roles."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from opengov.core import audit, clock
from opengov.core.errors import Conflict, Forbidden, ServiceError
from opengov.core.text import clean_plain

from ..models import Agency, Membership, User
from ..permissions import administers_agency, is_platform_admin, is_signed_in
from .checks import _clean_display_name


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
