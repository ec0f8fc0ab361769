"""Admin of consultations: for operators to look up records (writes go through the pages)."""

from django.contrib import admin

from .models import Article, Comment, CommentResponse, Consultation


class ArticleInline(admin.TabularInline):
    model = Article
    fields = ("position", "label", "chapter", "comment_count", "final_status")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ("title", "agency", "kind", "published_at", "closes_on", "comment_count")
    list_filter = ("kind", "agency")
    search_fields = ("title", "public_id")
    readonly_fields = ("public_id", "comment_count", "whole_text_comment_count")
    inlines = [ArticleInline]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("public_id", "consultation", "article", "stance", "created_at", "hidden_at")
    list_filter = ("stance",)
    search_fields = ("public_id", "body")
    raw_id_fields = ("consultation", "article", "author", "hidden_by", "response")
    readonly_fields = ("public_id", "report_count")


@admin.register(CommentResponse)
class CommentResponseAdmin(admin.ModelAdmin):
    list_display = ("public_id", "consultation", "decision", "created_at")
    raw_id_fields = ("consultation", "responded_by")
