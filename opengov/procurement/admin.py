"""Admin views of procurement: read-only (every change goes through the services, which write
the audit log)."""

from django.contrib import admin

from opengov.core.admin import ReadOnlyModelAdmin

from .models import FlagHit, ImportRun, IntegrityProject, PublicQuestion, Record, Release


@admin.register(Record)
class RecordAdmin(ReadOnlyModelAdmin):
    list_display = ("ocid", "title", "buyer_name", "category", "date")
    list_filter = ("category",)
    search_fields = ("ocid", "title", "buyer_name")


@admin.register(Release)
class ReleaseAdmin(ReadOnlyModelAdmin):
    list_display = ("ocid", "release_id", "date")
    search_fields = ("ocid", "release_id")


@admin.register(FlagHit)
class FlagHitAdmin(ReadOnlyModelAdmin):
    list_display = ("code", "ocid", "subject", "subject_id", "found_at")
    list_filter = ("code", "subject")
    search_fields = ("ocid", "subject_id")


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyModelAdmin):
    list_display = ("filename", "state", "releases_stored", "rejected_count", "created_at")
    list_filter = ("state",)
    exclude = ("file",)


@admin.register(IntegrityProject)
class IntegrityProjectAdmin(ReadOnlyModelAdmin):
    list_display = ("title", "agency", "published", "created_at")
    list_filter = ("published",)


@admin.register(PublicQuestion)
class PublicQuestionAdmin(ReadOnlyModelAdmin):
    list_display = ("project", "asked_at", "answered_at")
