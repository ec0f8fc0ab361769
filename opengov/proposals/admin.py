"""Admin views of proposals: read-only (every change goes through the services and pages,
which check the rules and write the audit event)."""

from django.contrib import admin

from opengov.core.admin import ReadOnlyModelAdmin

from .models import Comment, CommentReport, Extension, Proposal, Response, Signature, Tag


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyModelAdmin):
    """Proposals with their stored status and key dates."""

    list_display = ("title", "status", "submitted_at", "published_at", "passed_at", "responded_at")
    list_filter = ("status",)
    search_fields = ("title", "public_id")
    raw_id_fields = ("proposer", "reviewed_by")


@admin.register(Tag)
class TagAdmin(ReadOnlyModelAdmin):
    """Topic tags (created by the proposal services when a proposal names them)."""

    list_display = ("name", "slug")
    search_fields = ("name", "slug")


@admin.register(Signature)
class SignatureAdmin(ReadOnlyModelAdmin):
    """Co-signatures (added only by co-signing, which keeps the count)."""

    list_display = ("proposal", "created_at", "network", "is_proposer")
    raw_id_fields = ("proposal", "signer")


@admin.register(Response)
class ResponseAdmin(ReadOnlyModelAdmin):
    """Published responses."""

    list_display = ("proposal", "agency", "published_at", "on_time")
    raw_id_fields = ("proposal", "author")


@admin.register(Extension)
class ExtensionAdmin(ReadOnlyModelAdmin):
    """Extensions of response deadlines."""

    raw_id_fields = ("proposal",)


@admin.register(Comment)
class CommentAdmin(ReadOnlyModelAdmin):
    """Comments on proposals (hidden and restored by moderators on the pages)."""

    list_display = ("proposal", "created_at", "hidden_at")
    raw_id_fields = ("proposal", "author")


@admin.register(CommentReport)
class CommentReportAdmin(ReadOnlyModelAdmin):
    """Reports on comments."""

    list_display = ("comment", "created_at")
