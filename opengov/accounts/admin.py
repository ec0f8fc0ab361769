"""Django admin for agencies, memberships and users, limited like the rest of the platform.

Platform administrators see everything; agency administrators with staff status see their
agency's subtree only. Every change goes through the services (so it is audited). Password
and national-ID hashes are never shown.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from opengov.core.errors import ServiceError

from . import selectors, services
from .models import ROLE_FIELDS, VERIFICATION_FIELDS, Agency, Membership, User
from .permissions import administers_agency, is_platform_admin


def _administers_any(request: HttpRequest) -> bool:
    return selectors.agencies_administered(request.user).exists()


class ScopedAdmin(admin.ModelAdmin):
    """Visible to platform administrators and to agency administrators (their subtree)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_platform_admin(request.user) or _administers_any(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if is_platform_admin(request.user):
            return True
        if obj is None:
            return _administers_any(request)
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # agencies are switched off, memberships ended, accounts closed

    def _refused(self, request: HttpRequest, exc: ServiceError) -> None:
        self.message_user(request, str(exc.message), level=messages.ERROR)


@admin.register(Agency)
class AgencyAdmin(ScopedAdmin):
    list_display = ("code", "name", "parent", "active")
    list_filter = ("active",)
    search_fields = ("code", "name_zh_hant", "name_en")
    ordering = ("path",)
    fields = (
        "code",
        "name_zh_hant",
        "name_en",
        "abbreviation_zh_hant",
        "abbreviation_en",
        "parent",
        "website",
        "active",
    )

    def get_queryset(self, request: HttpRequest):
        return selectors.agencies_administered(request.user).select_related("parent")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None):
        fixed = ("code", "parent") if obj is not None else ()
        if not is_platform_admin(request.user):
            fixed = (*fixed, "active")
        return fixed

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_platform_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return self.has_module_permission(request)
        return administers_agency(request.user, obj)

    def save_model(self, request: HttpRequest, obj: Agency, form, change: bool) -> None:
        data = form.cleaned_data
        names = {
            "name_zh_hant": data.get("name_zh_hant") or "",
            "name_en": data.get("name_en") or "",
            "abbreviation_zh_hant": data.get("abbreviation_zh_hant") or "",
            "abbreviation_en": data.get("abbreviation_en") or "",
            "website": data.get("website") or "",
        }
        if change:
            stored = Agency.objects.get(pk=obj.pk)
            services.agency_update(
                actor=request.user,
                agency=stored,
                active=data.get("active", stored.active),
                **names,
            )
            return
        created = services.agency_create(
            actor=request.user, code=data["code"], parent=data.get("parent"), **names
        )
        obj.pk, obj.path, obj.public_id = created.pk, created.path, created.public_id
        obj._state.adding = False


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin):
    list_display = ("user_display", "agency", "role", "title", "active", "created_at")
    list_filter = ("active", "role")
    search_fields = ("user__display_name", "user__email", "agency__code")
    raw_id_fields = ("user",)
    fields = ("user", "agency", "role", "title")
    actions = ["end_memberships"]

    @admin.display(description=_("person"), ordering="user__display_name")
    def user_display(self, obj: Membership) -> str:
        return obj.user.display_name

    def get_queryset(self, request: HttpRequest):
        agencies = selectors.agencies_administered(request.user)
        return Membership.objects.filter(agency__in=agencies).select_related("user", "agency")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None):
        return ("user", "agency") if obj is not None else ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agency":
            kwargs["queryset"] = selectors.agencies_administered(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return self.has_module_permission(request)
        return obj.active and administers_agency(request.user, obj.agency)

    def save_model(self, request: HttpRequest, obj: Membership, form, change: bool) -> None:
        data = form.cleaned_data
        try:
            if change:
                stored = Membership.objects.select_related("agency").get(pk=obj.pk)
                services.membership_update(
                    actor=request.user, membership=stored, role=data["role"], title=data["title"]
                )
            else:
                created = services.membership_grant(
                    actor=request.user,
                    user=data["user"],
                    agency=data["agency"],
                    role=data["role"],
                    title=data["title"],
                )
                obj.pk, obj.created_at = created.pk, created.created_at
                obj._state.adding = False
        except ServiceError as exc:
            self._refused(request, exc)

    @admin.action(description=_("End the selected memberships"))
    def end_memberships(self, request: HttpRequest, queryset) -> None:
        ended = 0
        for membership in queryset.filter(active=True).select_related("agency"):
            try:
                services.membership_end(actor=request.user, membership=membership)
                ended += 1
            except ServiceError as exc:
                self._refused(request, exc)
        self.message_user(request, _("%(n)d memberships ended.") % {"n": ended})


@admin.register(User)
class UserAdmin(ScopedAdmin):
    """People: platform administrators change roles; agency administrators only look."""

    list_display = ("email", "display_name", "level", *ROLE_FIELDS, "is_active", "date_joined")
    list_filter = (*ROLE_FIELDS, "is_active")
    search_fields = ("email", "display_name")
    ordering = ("-date_joined",)
    # never the password or national-ID hash
    fields = (
        "email",
        "display_name",
        "real_name",
        "phone",
        *VERIFICATION_FIELDS,
        *ROLE_FIELDS,
        "is_active",
        "date_joined",
        "last_login",
        "closed_at",
    )
    actions = ["close_accounts"]

    @admin.display(description=_("verification"))
    def level(self, obj: User) -> str:
        return str(obj.verification_level)

    def get_queryset(self, request: HttpRequest):
        if is_platform_admin(request.user):
            return User.objects.all()
        agencies = selectors.agencies_administered(request.user)
        return User.objects.filter(
            memberships__active=True, memberships__agency__in=agencies
        ).distinct()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None):
        editable = {
            "is_moderator",
            "is_reviewer",
            "is_aml_reviewer",
            "is_staff",
            "is_superuser",
            "is_active",
        }
        if is_platform_admin(request.user):
            return tuple(f for f in self.fields if f not in editable)
        return self.fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # people register themselves; administrators use `createsuperuser`

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_platform_admin(request.user)

    def get_actions(self, request: HttpRequest):
        actions = super().get_actions(request)
        if not is_platform_admin(request.user):
            actions.pop("close_accounts", None)
        return actions

    def save_model(self, request: HttpRequest, obj: User, form, change: bool) -> None:
        data = form.cleaned_data
        try:
            services.user_set_roles(
                actor=request.user,
                user=User.objects.get(pk=obj.pk),
                **{
                    k: data[k]
                    for k in (
                        "is_moderator",
                        "is_reviewer",
                        "is_aml_reviewer",
                        "is_staff",
                        "is_superuser",
                        "is_active",
                    )
                },
            )
        except ServiceError as exc:
            self._refused(request, exc)

    @admin.action(description=_("Close the selected accounts (anonymise)"))
    def close_accounts(self, request: HttpRequest, queryset) -> None:
        closed = 0
        for user in queryset.filter(closed_at__isnull=True):
            try:
                services.user_close(actor=request.user, user=user)
                closed += 1
            except ServiceError as exc:
                self._refused(request, exc)
        self.message_user(request, _("%(n)d accounts closed.") % {"n": closed})
