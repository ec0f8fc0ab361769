"""Reads of accounts tables."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from opengov.core import clock
from opengov.core import personal_data as personal_data_registry
from opengov.core.models import AuditEvent

from .auth import token_use_flush, use_kept_in_cache
from .models import Agency, ApiToken, Membership, User
from .permissions import active_membership, is_platform_admin


def active_agencies() -> QuerySet[Agency]:
    """Active agencies in tree order."""
    return Agency.objects.filter(active=True).order_by("path")


def agency_by_code(code: str) -> Agency | None:
    """The active agency with this code, or None."""
    return Agency.objects.filter(code=code, active=True).first()


def agency_subtree(agency: Agency) -> QuerySet[Agency]:
    """An agency and all its sub-units."""
    return Agency.objects.filter(path__startswith=agency.path)


def agencies_administered(user: Any) -> QuerySet[Agency]:
    """Agencies whose officials `user` manages: all for platform admins, else their subtree."""
    if is_platform_admin(user):
        return Agency.objects.all().order_by("path")
    membership = active_membership(user)
    if membership is None or membership.role != Membership.Role.ADMIN:
        return Agency.objects.none()
    return agency_subtree(membership.agency).order_by("path")


def agency_members(agency: Agency) -> QuerySet[Membership]:
    """Active memberships in an agency and its sub-units, by agency then name."""
    return (
        Membership.objects.filter(active=True, agency__path__startswith=agency.path)
        .select_related("user", "agency")
        .order_by("agency__path", "user__display_name", "id")
    )


def user_tokens(user: Any) -> QuerySet[ApiToken]:
    """A person's API tokens, newest first (last uses kept in the cache written first)."""
    tokens = ApiToken.objects.filter(user=user).order_by("-created_at", "-id")
    if use_kept_in_cache():
        token_use_flush(tokens.only("pk", "public_id", "last_used_at"))
    return tokens


def user_by_email(email: str) -> User | None:
    """The active account with this e-mail address."""
    return User.objects.filter(
        email__iexact=(email or "").strip(), is_active=True, closed_at__isnull=True
    ).first()


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def personal_data(user: User) -> dict[str, Any]:
    """Everything the platform holds about `user`: account, memberships, token metadata,
    audit events they performed, and every app's registered section."""
    account = {
        "public_id": str(user.public_id),
        "email": user.email,
        "display_name": user.display_name,
        "real_name": user.real_name,
        "phone": user.phone,
        "verification_level": str(user.verification_level),
        "email_verified_at": _iso(user.email_verified_at),
        "phone_verified_at": _iso(user.phone_verified_at),
        "certificate_verified_at": _iso(user.certificate_verified_at),
        "national_id_on_file": bool(user.national_id_hash),
        "is_moderator": user.is_moderator,
        "is_reviewer": user.is_reviewer,
        "is_aml_reviewer": user.is_aml_reviewer,
        "is_platform_admin": user.is_superuser,
        "notify_by_email": user.notify_by_email,
        "preferred_language": user.preferred_language,
        "residency": user.residency,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "closed_at": _iso(user.closed_at),
    }
    memberships = [
        {
            "agency_code": m.agency.code,
            "agency_name": m.agency.name_zh_hant,
            "agency_name_en": m.agency.name_en,
            "role": m.role,
            "title": m.title,
            "active": m.active,
            "created_at": _iso(m.created_at),
            "ended_at": _iso(m.ended_at),
        }
        for m in Membership.objects.filter(user=user).select_related("agency").order_by("id")
    ]
    tokens = [
        {
            "public_id": str(t.public_id),
            "name": t.name,
            "prefix": t.prefix,
            "created_at": _iso(t.created_at),
            "last_used_at": _iso(t.last_used_at),
            "revoked_at": _iso(t.revoked_at),
        }
        for t in user_tokens(user).order_by("id")
    ]
    events = [
        {
            "seq": e.seq,
            "created_at": _iso(e.created_at),
            "verb": e.verb,
            "target_type": e.target_type,
            "target_id": e.target_id,
            "target": e.target_repr,
            "agency_code": e.agency_code,
            "changes": e.changes,
            "public": e.public,
        }
        for e in AuditEvent.objects.filter(actor=user).order_by("seq").iterator()
    ]
    document: dict[str, Any] = {
        "format": "opengov-personal-data/1",
        "generated_at": clock.now().isoformat(),
        "account": account,
        "memberships": memberships,
        "api_tokens": tokens,
        "audit_events": events,
    }
    for section, data in personal_data_registry.collect(user).items():
        key = section if section not in document else f"app_{section}"
        document[key] = data
    return document
