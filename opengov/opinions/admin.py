"""Admin of opinion mapping: for operators to look up records (writes go through the pages)."""

from django.contrib import admin

from .models import Conversation, OpinionMap, Statement


class ReadOnlyAdmin(admin.ModelAdmin):
    """Look, never write: every change goes through the services and their audit events."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdmin):
    list_display = (
        "topic",
        "consultation_public_id",
        "article_position",
        "created_at",
        "closed_at",
    )
    search_fields = ("topic", "public_id", "consultation_public_id")


@admin.register(Statement)
class StatementAdmin(ReadOnlyAdmin):
    list_display = ("number", "text", "conversation", "status", "agree_count", "disagree_count")
    list_filter = ("status",)
    search_fields = ("text",)


@admin.register(OpinionMap)
class OpinionMapAdmin(ReadOnlyAdmin):
    list_display = ("conversation", "version", "computed_at", "k", "n_placed", "matrix_sha256")
    exclude = ("result",)
