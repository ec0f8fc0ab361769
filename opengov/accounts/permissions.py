"""Who may act for which agency, and what verification an action needs.

Objects are always fetched through querysets scoped to the user (see each app's
permissions.py); these helpers give the agency scope those querysets are built from.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from opengov.core.errors import Forbidden, ServiceError

from .models import Agency, Membership, VerificationLevel


def is_signed_in(user: Any) -> bool:
    """True for an active, signed-in, not closed account."""
    return bool(user and user.is_authenticated and user.is_active and not user.closed_at)


def is_moderator(user: Any) -> bool:
    """Platform operators and administrators."""
    return is_signed_in(user) and (user.is_moderator or user.is_superuser)


def is_aml_reviewer(user: Any) -> bool:
    """Vetted anti-money-laundering reviewers (Company Act Art. 22-1: the beneficial-ownership
    register is open to authorities and vetted AML institutions only)."""
    return is_signed_in(user) and bool(getattr(user, "is_aml_reviewer", False))


def is_platform_admin(user: Any) -> bool:
    """Platform administrators (superusers)."""
    return is_signed_in(user) and user.is_superuser


def active_membership(user: Any) -> Membership | None:
    """The person's one active agency membership, if any."""
    if not is_signed_in(user):
        return None
    cached = getattr(user, "_active_membership_cache", False)
    if cached is not False:
        return cached
    membership = (
        Membership.objects.select_related("agency")
        .filter(user=user, active=True, agency__active=True)
        .first()
    )
    user._active_membership_cache = membership
    return membership


def serves_agencies(user: Any, codes: tuple[str, ...]) -> bool:
    """Operators and administrators, and officials of one of the agencies `codes` (or of one
    of their units): who keeps a register or analyses a kind of filing."""
    if not is_signed_in(user):
        return False
    if is_moderator(user):
        return True
    membership = active_membership(user)
    if membership is None:
        return False
    agency = membership.agency
    return agency.code in codes or any(code in codes for code in agency.path.strip("/").split("/"))


def agencies_acted_for(user: Any) -> QuerySet[Agency]:
    """The agencies a person acts for: their membership's agency and all its sub-units."""
    membership = active_membership(user)
    if membership is None:
        return Agency.objects.none()
    return Agency.objects.filter(path__startswith=membership.agency.path)


def agency_scope_q(user: Any, field: str = "agency") -> Q:
    """A Q that keeps rows whose `field` (an Agency FK) is one the person acts for."""
    membership = active_membership(user)
    if membership is None:
        return Q(pk__in=[])
    return Q(**{f"{field}__path__startswith": membership.agency.path})


def acts_for_agency(user: Any, agency: Agency | None) -> bool:
    """True when the person is an official of `agency` or of one of its parents."""
    membership = active_membership(user)
    if membership is None or agency is None:
        return False
    return agency.path.startswith(membership.agency.path)


def administers_agency(user: Any, agency: Agency | None) -> bool:
    """Agency administrators of the agency (or a parent), and platform administrators."""
    if is_platform_admin(user):
        return True
    membership = active_membership(user)
    return bool(
        membership
        and membership.role == Membership.Role.ADMIN
        and agency is not None
        and agency.path.startswith(membership.agency.path)
    )


def require_signed_in(user: Any) -> None:
    """Refuse anonymous or closed accounts."""
    if not is_signed_in(user):
        raise ServiceError("not_authenticated", _("Please sign in first."), status=401)


def require_level(user: Any, level: str) -> None:
    """Refuse, with the steps to take, when the person's verification is below `level`."""
    require_signed_in(user)
    if not user.has_level(level):
        raise Forbidden(
            _(
                "This needs the verification level “%(level)s”. Verify your e-mail and mobile "
                "number on your profile page first."
            )
            % {"level": VerificationLevel(level).label},
            code="verification_required",
        )


def level_required(level: str | Callable[[], str]) -> Callable:
    """View decorator: the page needs verification `level` (a value, or a function returning
    one, e.g. `lambda: jurisdiction().proposals.required_level`).

    Anonymous visitors go to sign-in; people below the level go to their profile, which shows
    the next verification step, with a message naming the level needed.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            needed = level() if callable(level) else level
            if not is_signed_in(request.user):
                return redirect_to_login(request.get_full_path())
            if not request.user.has_level(needed):
                messages.warning(
                    request,
                    _(
                        "This needs the verification level “%(level)s”. Verify your e-mail and "
                        "mobile number on your profile page first."
                    )
                    % {"level": VerificationLevel(needed).label},
                )
                return redirect("accounts:profile")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
