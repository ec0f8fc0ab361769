"""Admin of action plans: the editable policy-area taxonomy, and read-only views of the rest.

Every write goes through a service (checks and audit event): the taxonomy's admin form saves
through `policy_area_save`; plans, commitments, milestones, reports and assessments are
written through the pages and the API, and are read-only here.
"""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from opengov.accounts.permissions import is_moderator
from opengov.core.admin import ReadOnlyModelAdmin

from . import services
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
    """The editable OGP policy-area taxonomy (saved through the service, audited)."""

    list_display = ("slug", "name", "order")
    search_fields = ("slug", "name_zh_hant", "name_en")

    def has_add_permission(self, request):
        return is_moderator(request.user)

    def has_change_permission(self, request, obj=None):
        return is_moderator(request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # commitments keep their tags; rename instead

    def get_readonly_fields(self, request, obj=None):
        return ("slug",) if obj else ()

    def save_model(self, request, obj, form, change):
        saved = services.policy_area_save(
            actor=request.user,
            slug=obj.slug,
            name_zh_hant=obj.name_zh_hant,
            name_en=obj.name_en or "",
            order=obj.order,
        )
        obj.pk = saved.pk


@admin.register(ActionPlan)
class ActionPlanAdmin(ReadOnlyModelAdmin, TranslationAdmin):
    """Plans."""

    list_display = ("number", "title", "start_date", "end_date", "status")
    readonly_fields = ("revision",)


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyModelAdmin, TranslationAdmin):
    """Commitments (bilingual fields)."""

    list_display = ("plan", "number", "title", "lead_agency", "is_draft", "on_follow_up_list")
    list_filter = ("plan", "is_draft", "on_follow_up_list")
    search_fields = ("title_zh_hant", "title_en")
    filter_horizontal = ("policy_areas",)
    raw_id_fields = ("lead_agency",)


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyModelAdmin, TranslationAdmin):
    """Milestones."""

    list_display = ("title", "commitment", "end_date", "weight", "status", "progress")
    raw_id_fields = ("commitment",)


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ReadOnlyModelAdmin):
    """Progress updates (history)."""

    list_display = ("milestone", "agency", "reported_on", "progress", "status")


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyModelAdmin):
    """IRM assessments."""

    list_display = ("commitment", "verifiable", "potential", "completion", "published_at")


@admin.register(TaskForceMember)
class TaskForceMemberAdmin(ReadOnlyModelAdmin):
    """Task force seats."""

    list_display = ("plan", "user", "sector", "is_co_convener")
