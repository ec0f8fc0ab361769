"""Admin views of proposals (read-mostly: changes go through the services and pages)."""

from django.contrib import admin

from .models import Comment, CommentReport, Extension, Proposal, Response, Signature, Tag


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    """Proposals with their stored status and key dates."""

    list_display = ("title", "status", "submitted_at", "published_at", "passed_at", "responded_at")
    list_filter = ("status",)
    search_fields = ("title",)
    readonly_fields = ("public_id", "passed_at", "passed_count", "cosign_deadline", "threshold")
    raw_id_fields = ("proposer", "reviewed_by")


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    """Topic tags."""

    list_display = ("name", "slug")


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    """Co-signatures (final: read-only; added only by co-signing, which keeps the count)."""

    list_display = ("proposal", "created_at", "network", "is_proposer")
    raw_id_fields = ("proposal", "signer")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    """Published responses."""

    list_display = ("proposal", "agency", "published_at", "on_time")
    raw_id_fields = ("proposal", "author")


admin.site.register(Extension)
admin.site.register(Comment)
admin.site.register(CommentReport)
