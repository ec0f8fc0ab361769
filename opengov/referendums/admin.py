"""Admin: cases and checkpoints, read-only (every write goes through the services)."""

from django.contrib import admin

from opengov.core.admin import ReadOnlyModelAdmin

from .models import Case, PublishedCheckpoint


@admin.register(Case)
class CaseAdmin(ReadOnlyModelAdmin):
    """Cases as filed, read-only."""

    list_display = ("main_text", "created_at", "outcome")


@admin.register(PublishedCheckpoint)
class PublishedCheckpointAdmin(ReadOnlyModelAdmin):
    """Signed checkpoints of the cases' logs, read-only."""

    list_display = ("case", "size", "created_at")
