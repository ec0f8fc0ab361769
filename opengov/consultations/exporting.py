"""Public documents of a consultation (CSV rows, JSON), shared by pages, API and exporters.

Only display names identify people; e-mail addresses, real names and phone numbers never
appear. Hidden comments appear with the moderation ground instead of their text. The agency's
decision and reason appear only where `selectors.decisions_visible()` allows (before the
report is published: to nobody but the officials preparing it).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.urls import reverse

from . import selectors
from .models import Article, Comment, Consultation

COMMENT_COLUMNS = [
    "comment_id",
    "consultation_id",
    "article",
    "author",
    "stance",
    "body",
    "created_at",
    "edited_at",
    "hidden_ground",
    "decision",
    "reason",
]


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def comment_row(comment: Comment, consultation_id: str, *, show_decision: bool) -> dict[str, Any]:
    """One comment as a flat public row; `show_decision` from `selectors.decisions_visible`."""
    response = selectors.visible_response(comment, decisions=show_decision)
    return {
        "comment_id": str(comment.public_id),
        "consultation_id": consultation_id,
        "article": comment.article.label if comment.article_id else "",
        "author": comment.author.display_name,
        "stance": comment.stance,
        "body": "" if comment.is_hidden else comment.body,
        "created_at": _iso(comment.created_at),
        "edited_at": _iso(comment.edited_at),
        "hidden_ground": comment.hidden_ground,
        "decision": response.decision if response else "",
        "reason": response.reason if response else "",
    }


def comment_rows(consultation: Consultation, *, viewer: Any = None) -> Iterator[dict[str, Any]]:
    """Every comment of a consultation, oldest first, in batches, as `viewer` may see them
    (None: the public)."""
    consultation_id = str(consultation.public_id)
    show = selectors.decisions_visible(consultation, viewer)
    for comment in selectors.consultation_comments(consultation).iterator(chunk_size=2000):
        yield comment_row(comment, consultation_id, show_decision=show)


def article_document(article: Article) -> dict[str, Any]:
    """One article with its counts (and the final text once the report is out)."""
    doc: dict[str, Any] = {
        "position": article.position,
        "label": article.label,
        "chapter": article.chapter,
        "text": article.text,
        "current_text": article.current_text,
        "explanation": article.explanation,
        "comment_count": article.comment_count,
        "support_count": article.support_count,
        "oppose_count": article.oppose_count,
        "suggestion_count": article.suggestion_count,
    }
    if article.consultation.report_published_at:
        doc["final_status"] = article.final_status
        doc["final_text"] = article.effective_final_text
    return doc


def consultation_summary(consultation: Consultation) -> dict[str, Any]:
    """The notice of a consultation (Administrative Procedure Act Art. 154 items)."""
    return {
        "id": str(consultation.public_id),
        "url": settings.SITE_URL
        + reverse("consultations:detail", kwargs={"public_id": consultation.public_id}),
        "agency": {"code": consultation.agency.code, "name": consultation.agency.name},
        "kind": consultation.kind,
        "topic": consultation.topic,
        "title": consultation.title,
        "summary": consultation.summary,
        "easy_read_summary": consultation.easy_read_summary,
        "legal_basis": consultation.legal_basis,
        "contact": consultation.contact,
        "is_amendment": consultation.is_amendment,
        "foreign_residents_may_comment": consultation.foreign_residents_may_comment,
        "state": consultation.state,
        "published_at": _iso(consultation.published_at),
        "closes_on": consultation.closes_on.isoformat(),
        "closes_at": consultation.closes_at.isoformat(),
        "comment_count": consultation.comment_count,
        "report_published_at": _iso(consultation.report_published_at),
        "space": consultation.space,
    }


def report_document(consultation: Consultation) -> dict[str, Any]:
    """The published report: summary, counts per decision, each response with its comments."""
    summary = selectors.report_summary(consultation)
    return {
        "published_at": _iso(consultation.report_published_at),
        "summary": consultation.report_summary,
        "comments": summary.total,
        "by_decision": summary.by_decision,
        "responses": [
            {
                "id": str(response.public_id),
                "decision": response.decision,
                "reason": response.reason,
                "comments": [str(c.public_id) for c in response.comments.all()],
            }
            for response in selectors.consultation_report(consultation)
        ],
    }


def consultation_document(consultation: Consultation, *, viewer: Any = None) -> dict[str, Any]:
    """The whole consultation: notice, articles, comments, and the report once published."""
    doc = consultation_summary(consultation)
    articles = list(selectors.consultation_articles(consultation))
    for article in articles:
        article.consultation = consultation
    doc["articles"] = [article_document(a) for a in articles]
    doc["attachments"] = [
        {
            "title": a.title,
            "url": settings.SITE_URL
            + reverse("consultations:attachment", args=[consultation.public_id, a.public_id]),
            "size": a.size,
        }
        for a in consultation.attachments.all()
    ]
    doc["comments"] = list(comment_rows(consultation, viewer=viewer))
    doc["report"] = report_document(consultation) if consultation.report_published_at else None
    return doc
