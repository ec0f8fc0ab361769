"""Admin: cases and checkpoints read-only at a glance (writes go through the services)."""

from django.contrib import admin

from .models import Case, PublishedCheckpoint


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("main_text", "created_at", "outcome")
    readonly_fields = [f.name for f in Case._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(PublishedCheckpoint)
class PublishedCheckpointAdmin(admin.ModelAdmin):
    list_display = ("case", "size", "created_at")
    readonly_fields = ("case", "size", "root", "note", "created_at")

    def has_add_permission(self, request):
        return False
