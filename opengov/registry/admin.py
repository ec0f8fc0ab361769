"""Admin views of the registry: read-only (every change goes through the services, which keep
history and write the audit log)."""

from django.contrib import admin

from .models import BoardSeat, ImportRun, MatchDecision, Organisation, Person, Position


class ReadOnlyAdmin(admin.ModelAdmin):
    """Browse only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ("name", "business_number", "business_number_flag", "kind", "status")
    list_filter = ("kind", "status", "business_number_flag")
    search_fields = ("name", "business_number", "normalised_name")


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ("name", "masked_id", "nationality")
    search_fields = ("name", "normalised_name")
    exclude = ("id_hash",)


@admin.register(BoardSeat)
class BoardSeatAdmin(ReadOnlyAdmin):
    list_display = (
        "organisation",
        "position",
        "person",
        "represents_name",
        "valid_from",
        "valid_to",
    )
    list_select_related = ("organisation", "person")


@admin.register(Position)
class PositionAdmin(ReadOnlyAdmin):
    list_display = ("person", "title", "category", "valid_from", "valid_to")


@admin.register(MatchDecision)
class MatchDecisionAdmin(ReadOnlyAdmin):
    list_display = ("left_key", "right_key", "decision", "decided_at")


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = ("filename", "dataset", "as_of", "state", "created_at")
    exclude = ("data",)
