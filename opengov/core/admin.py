"""The shared read-only admin, and the rule it enforces.

Every write is a service, in one transaction with its audit event (DESIGN.md, rule 2). The
Django admin would write rows directly, with no checks and no audit row, so every ModelAdmin
is read-only (`ReadOnlyModelAdmin`, `ReadOnlyInline`) unless its saves call the app's services
(`accounts` agencies, memberships and people; the action-plan policy areas). A test fails for
any writable ModelAdmin that is not on its explicit list of service-backed admins.

Django's own `Group` admin is replaced by a read-only one: the platform's roles live on the
user and in memberships, changed through the accounts services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Rows written only by services: staff may look them up here, never change them."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    """An inline list shown on a read-only page."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyGroupAdmin(ReadOnlyModelAdmin, GroupAdmin):
    """Django's permission groups, readable only."""


if admin.site.is_registered(Group):
    admin.site.unregister(Group)
admin.site.register(Group, ReadOnlyGroupAdmin)
