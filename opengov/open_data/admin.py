"""Admin of open_data: for operators to look up records (writes go through the services)."""

from django.contrib import admin

from .models import Dataset, DatasetVersion, DownloadCount, Showcase


class VersionInline(admin.TabularInline):
    model = DatasetVersion
    fields = ("number", "original_name", "encoding", "row_count", "created_at", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = ("name", "title", "agency", "theme", "licence", "latest_version", "updated_at")
    list_filter = ("theme", "licence", "agency")
    search_fields = ("name", "title", "public_id")
    readonly_fields = ("public_id", "latest_version", "original_format", "created_at")
    inlines = [VersionInline]

    def has_add_permission(self, request):
        return False


@admin.register(Showcase)
class ShowcaseAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "created_at", "moderated_at")
    list_filter = ("status",)
    search_fields = ("title", "public_id")
    readonly_fields = ("public_id", "submitted_by", "moderated_by", "moderated_at", "created_at")


@admin.register(DownloadCount)
class DownloadCountAdmin(admin.ModelAdmin):
    list_display = ("name", "count")
    search_fields = ("name",)
