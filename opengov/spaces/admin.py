"""Admin of participation spaces: for operators to look records up (writes go through the
pages and services). Participation statements are not listed: nobody browses them."""

from django.contrib import admin

from opengov.core.admin import ReadOnlyModelAdmin

from .models import Event, Offer, OfflineInput, Place, Project, Space, SpaceRole


@admin.register(Space)
class SpaceAdmin(ReadOnlyModelAdmin):
    """Spaces and their rules."""

    list_display = ("slug", "name", "kind", "audience", "cosign_threshold", "published_at")
    search_fields = ("slug", "name")


@admin.register(SpaceRole)
class SpaceRoleAdmin(ReadOnlyModelAdmin):
    """Staff of spaces."""

    list_display = ("space", "user", "role", "created_at")


@admin.register(Place)
class PlaceAdmin(ReadOnlyModelAdmin):
    """Counties, cities and townships."""

    list_display = ("code", "name", "level", "county")
    search_fields = ("code", "name")


@admin.register(Event)
class EventAdmin(ReadOnlyModelAdmin):
    """Events held in spaces."""

    list_display = ("title", "space", "channel", "held_on")


@admin.register(OfflineInput)
class OfflineInputAdmin(ReadOnlyModelAdmin):
    """Offline input."""

    list_display = ("space", "channel", "target_kind", "target_id", "people", "entered_at")


@admin.register(Project)
class ProjectAdmin(ReadOnlyModelAdmin):
    """Revitalisation projects."""

    list_display = ("title", "team", "place", "created_at")
    search_fields = ("title", "team")


@admin.register(Offer)
class OfferAdmin(ReadOnlyModelAdmin):
    """Offers to projects."""

    list_display = ("organisation", "project", "need", "status", "created_at")
