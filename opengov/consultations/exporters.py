"""Open data published by consultations: the consultations, their articles, and every comment
with the agency's decision (display names only, never e-mail or real names)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from opengov.core.exporters import Exporter, ExportField, latest, latest_in, register


def _published() -> Any:
    from .models import Consultation

    return (
        Consultation.objects.filter(published_at__isnull=False)
        .select_related("agency")
        .order_by("published_at", "id")
    )


def _closed_since() -> Any:
    """The end of the latest comment period already over (its state turned to closed)."""
    from django.db.models import Max

    from opengov.core import clock

    last = _published().filter(closes_on__lt=clock.today()).aggregate(m=Max("closes_on"))["m"]
    return clock.end_of_local_day(last) if last else None


def _consultations_changed() -> Any:
    from .models import Comment

    return latest(
        latest_in(_published(), "updated_at", "published_at", "report_published_at"),
        latest_in(Comment.objects.filter(consultation__published_at__isnull=False), "created_at"),
        _closed_since(),
    )


def _articles_changed() -> Any:
    """Articles change with their consultation (text, final text at the report) and their
    stored comment counts with each comment."""
    from .models import Comment

    return latest(
        latest_in(_published(), "updated_at", "published_at", "report_published_at"),
        latest_in(Comment.objects.filter(consultation__published_at__isnull=False), "created_at"),
    )


def _comments_changed() -> Any:
    from .models import Comment

    comments = Comment.objects.filter(consultation__published_at__isnull=False)
    return latest(
        latest_in(comments, "created_at", "edited_at", "hidden_at", "response__updated_at"),
        latest_in(_published(), "report_published_at"),
    )


def _consultation_rows() -> Iterator[dict[str, Any]]:
    from opengov.core.translations import translations_by_id

    from .exporting import consultation_summary
    from .models import Consultation

    translations = translations_by_id(Consultation)
    for consultation in _published().iterator(chunk_size=500):
        row = consultation_summary(consultation)
        row["agency_code"] = row.pop("agency")["code"]
        row["translations"] = translations.get(consultation.pk, {})
        yield row


def _article_rows() -> Iterator[dict[str, Any]]:
    from .models import Article

    qs = (
        Article.objects.filter(consultation__published_at__isnull=False)
        .select_related("consultation")
        .order_by("consultation_id", "position")
    )
    for article in qs.iterator(chunk_size=1000):
        reported = article.consultation.report_published_at is not None
        yield {
            "consultation_id": str(article.consultation.public_id),
            "position": article.position,
            "label": article.label,
            "chapter": article.chapter,
            "text": article.text,
            "current_text": article.current_text,
            "explanation": article.explanation,
            "comment_count": article.comment_count,
            "final_status": article.final_status if reported else None,
            "final_text": article.effective_final_text if reported else None,
        }


def _comment_rows() -> Iterator[dict[str, Any]]:
    from .exporting import comment_rows

    for consultation in _published().iterator(chunk_size=100):
        yield from comment_rows(consultation)


register(
    Exporter(
        slug="consultations",
        app_label="consultations",
        title=_("Consultations on policies and draft regulations"),
        description=_(
            "Every published consultation (policy consultations and pre-announcements of draft "
            "regulations under Administrative Procedure Act Art. 154): agency, legal basis, "
            "comment period, state and comment count."
        ),
        fields=(
            ExportField("id", "string", _("Public identifier")),
            ExportField("url", "string", _("Page of the consultation")),
            ExportField("agency_code", "string", _("Owning agency code")),
            ExportField("kind", "string", _("policy or draft_regulation")),
            ExportField("topic", "string", _("Topic")),
            ExportField("title", "string", _("Title")),
            ExportField("summary", "string", _("Summary (Markdown)")),
            ExportField(
                "easy_read_summary", "string", _("Easy-read summary (易讀版, Markdown), or empty")
            ),
            ExportField("legal_basis", "string", _("Legal basis")),
            ExportField("contact", "string", _("Office taking comments")),
            ExportField("is_amendment", "boolean", _("Amendment draft")),
            ExportField("foreign_residents_may_comment", "boolean", _("Open to foreign residents")),
            ExportField("state", "string", _("open, closed or reported at export time")),
            ExportField("published_at", "datetime", _("Published")),
            ExportField("closes_on", "date", _("Last day for comments")),
            ExportField("closes_at", "datetime", _("End of the comment period")),
            ExportField("comment_count", "integer", _("Visible comments")),
            ExportField("report_published_at", "datetime", _("Response report published")),
            ExportField("space", "string", _("Participation space (blank: national platform)")),
            ExportField(
                "translations",
                "object",
                _("Title and summaries translated by the agency, by language"),
            ),
        ),
        rows=_consultation_rows,
        last_changed=_consultations_changed,
        keywords=("consultation", "draft regulation", "眾開講", "法規預告"),
    )
)

register(
    Exporter(
        slug="consultation-articles",
        app_label="consultations",
        title=_("Articles of consulted drafts, with the final text"),
        description=_(
            "The articles of every published draft: proposed and current text, explanation, "
            "comment count and, once the report is out, the final text."
        ),
        fields=(
            ExportField("consultation_id", "string", _("Consultation identifier")),
            ExportField("position", "integer", _("Order in the draft")),
            ExportField("label", "string", _("Article number")),
            ExportField("chapter", "string", _("Chapter")),
            ExportField("text", "string", _("Proposed text")),
            ExportField("current_text", "string", _("Current text (amendments)")),
            ExportField("explanation", "string", _("Explanation")),
            ExportField("comment_count", "integer", _("Visible comments on the article")),
            ExportField("final_status", "string", _("as_proposed, amended or removed")),
            ExportField("final_text", "string", _("Final text")),
        ),
        rows=_article_rows,
        last_changed=_articles_changed,
        keywords=("consultation", "draft regulation", "法規預告"),
    )
)

register(
    Exporter(
        slug="consultation-comments",
        app_label="consultations",
        title=_("Comments on consultations and how agencies handled them"),
        description=_(
            "Every comment on a published consultation with its position, the article it is "
            "on, and the agency's decision and reason. Authors appear by public display name; "
            "hidden comments keep their row, with the moderation ground instead of the text."
        ),
        fields=(
            ExportField("comment_id", "string", _("Comment identifier")),
            ExportField("consultation_id", "string", _("Consultation identifier")),
            ExportField("article", "string", _("Article number (empty: whole text)")),
            ExportField("author", "string", _("Public display name of the author")),
            ExportField("stance", "string", _("support, oppose or suggestion")),
            ExportField("body", "string", _("Comment text")),
            ExportField("created_at", "datetime", _("Posted")),
            ExportField("edited_at", "datetime", _("Last edited")),
            ExportField("hidden_ground", "string", _("Moderation ground if hidden")),
            ExportField("decision", "string", _("Agency's decision")),
            ExportField("reason", "string", _("Agency's reason")),
        ),
        rows=_comment_rows,
        last_changed=_comments_changed,
        keywords=("consultation", "comments", "眾開講"),
    )
)
