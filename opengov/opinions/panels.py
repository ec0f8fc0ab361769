"""Opinion mapping on the consultation pages, through `core.panels` (consultations does not
import this app): the conversations on the consultation and article pages, and the consensus
statements with the agency's responses in the consultation's report."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from opengov.core.panels import Panel, register

from . import selectors
from .models import StatementStatus
from .permissions import can_manage


def _items(conversations: list) -> list[dict[str, Any]]:
    return [
        {
            "conversation": c,
            "map": selectors.latest_map(c),
            "statements": c.statements.filter(status=StatementStatus.ACCEPTED).count(),
        }
        for c in conversations
    ]


def detail_context(request: HttpRequest, consultation: Any) -> dict[str, Any] | None:
    """The consultation page: its conversations, and for its officials a way to start one."""
    conversations = selectors.conversations_for_consultation(consultation.public_id)
    manager = can_manage(request.user, consultation) and consultation.state in ("draft", "open")
    if not conversations and not manager:
        return None
    return {
        "items": _items(conversations),
        "start_url": reverse("opinions:new", args=[consultation.public_id]) if manager else "",
    }


def article_context(request: HttpRequest, article: Any) -> dict[str, Any] | None:
    """An article's page: the conversation on that article, if any."""
    conversations = [
        c
        for c in selectors.conversations_for_consultation(article.consultation.public_id)
        if c.article_position == article.position
    ]
    if not conversations:
        return None
    return {"items": _items(conversations), "article": article, "start_url": ""}


def report_context(request: HttpRequest, consultation: Any) -> dict[str, Any] | None:
    """The report: consensus statements of each conversation and how the agency responded."""
    conversations = selectors.conversations_for_consultation(consultation.public_id)
    if not conversations:
        return None
    return {
        "items": [
            {"conversation": c, "consensus": selectors.consensus_with_responses(c)}
            for c in conversations
        ]
    }


register(Panel("opinions", "consultations.detail", 50, "opinions/_panel.html", detail_context))
register(Panel("opinions", "consultations.article", 50, "opinions/_panel.html", article_context))
register(
    Panel("opinions", "consultations.report", 50, "opinions/_report_panel.html", report_context)
)
