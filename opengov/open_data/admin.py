"""Admin of open_data: read-only, for operators to look up records (every change goes through
the services, which check the rules and write the audit event)."""

from django.contrib import admin

from opengov.core.admin import ReadOnlyInline, ReadOnlyModelAdmin

from .models import Dataset, DatasetVersion, DownloadCount, Showcase


class VersionInline(ReadOnlyInline):
    model = DatasetVersion
    fields = ("number", "original_name", "encoding", "row_count", "created_at", "note")
    readonly_fields = fields


@admin.register(Dataset)
class DatasetAdmin(ReadOnlyModelAdmin):
    list_display = ("name", "title", "agency", "theme", "licence", "latest_version", "updated_at")
    list_filter = ("theme", "licence", "agency")
    search_fields = ("name", "title", "public_id")
    inlines = [VersionInline]


@admin.register(Showcase)
class ShowcaseAdmin(ReadOnlyModelAdmin):
    list_display = ("title", "status", "created_at", "moderated_at")
    list_filter = ("status",)
    search_fields = ("title", "public_id")


@admin.register(DownloadCount)
class DownloadCountAdmin(ReadOnlyModelAdmin):
    list_display = ("name", "count")
    search_fields = ("name",)
