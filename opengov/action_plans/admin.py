"""Admin of action plans: the policy-area taxonomy and read-mostly views of the rest.

Writes that carry rules (progress reports, assessments, follow-up) go through the pages and
the API, where services check and audit them; here they are read-only.
"""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .models import (
    ActionPlan,
    Assessment,
    Commitment,
    Milestone,
    PolicyArea,
    ProgressUpdate,
    TaskForceMember,
)


@admin.register(PolicyArea)
class PolicyAreaAdmin(TranslationAdmin):
    """The editable OGP policy-area taxonomy."""

    list_display = ("slug", "name", "order")
    search_fields = ("slug", "name_zh_hant", "name_en")


@admin.register(ActionPlan)
class ActionPlanAdmin(TranslationAdmin):
    """Plans."""

    list_display = ("number", "title", "start_date", "end_date", "status")
    readonly_fields = ("revision",)


@admin.register(Commitment)
class CommitmentAdmin(TranslationAdmin):
    """Commitments (bilingual fields)."""

    list_display = ("plan", "number", "title", "lead_agency", "is_draft", "on_follow_up_list")
    list_filter = ("plan", "is_draft", "on_follow_up_list")
    search_fields = ("title_zh_hant", "title_en")
    filter_horizontal = ("policy_areas",)
    raw_id_fields = ("lead_agency",)


@admin.register(Milestone)
class MilestoneAdmin(TranslationAdmin):
    """Milestones."""

    list_display = ("title", "commitment", "end_date", "weight", "status", "progress")
    raw_id_fields = ("commitment",)


class ReadOnlyAdmin(admin.ModelAdmin):
    """History rows: readable here, written only by services."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ReadOnlyAdmin):
    """Progress updates (history)."""

    list_display = ("milestone", "agency", "reported_on", "progress", "status")


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    """IRM assessments."""

    list_display = ("commitment", "verifiable", "potential", "completion", "published_at")


@admin.register(TaskForceMember)
class TaskForceMemberAdmin(ReadOnlyAdmin):
    """Task force seats."""

    list_display = ("plan", "user", "sector", "is_co_convener")
