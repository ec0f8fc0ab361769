"""Admin of consultations: read-only, for operators to look up records (every change goes
through the pages and API, whose services check the rules and write the audit event)."""

from django.contrib import admin

from opengov.core.admin import ReadOnlyInline, ReadOnlyModelAdmin

from .models import Article, Comment, CommentResponse, Consultation


class ArticleInline(ReadOnlyInline):
    model = Article
    fields = ("position", "label", "chapter", "comment_count", "final_status")
    readonly_fields = fields


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyModelAdmin):
    list_display = ("title", "agency", "kind", "published_at", "closes_on", "comment_count")
    list_filter = ("kind", "agency")
    search_fields = ("title", "public_id")
    inlines = [ArticleInline]


@admin.register(Comment)
class CommentAdmin(ReadOnlyModelAdmin):
    list_display = ("public_id", "consultation", "article", "stance", "created_at", "hidden_at")
    list_filter = ("stance",)
    search_fields = ("public_id", "body")
    raw_id_fields = ("consultation", "article", "author", "hidden_by", "response")


@admin.register(CommentResponse)
class CommentResponseAdmin(ReadOnlyModelAdmin):
    list_display = ("public_id", "consultation", "decision", "created_at")
    raw_id_fields = ("consultation", "responded_by")
