"""The agency's handling: decisions on comments with their reasons, the final text of each
article, and the published report."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from opengov.core import audit, clock
from opengov.core.errors import Conflict, ServiceError
from opengov.core.text import clean_plain

from ..models import (
    Article,
    Comment,
    CommentResponse,
    Consultation,
    Decision,
    FinalStatus,
    State,
)
from .checks import _check_choice, _date, _require_manager, _required_text

# --- handling and the report -----------------------------------------------------------------


def _require_handling(actor: Any, consultation: Consultation) -> None:
    _require_manager(actor, consultation)
    state = consultation.state
    if state == State.OPEN or state == State.DRAFT:
        raise Conflict(
            "still_open",
            _("Comments can be answered after the period ends (%(day)s).")
            % {"day": _date(consultation.closes_on)},
        )
    if state == State.REPORTED:
        raise Conflict("reported", _("The report is already published."))


def _check_reason(decision: str, reason: str) -> str:
    _check_choice(decision, Decision, "decision")
    return _required_text(reason, "reason", _("Reason"), 10000)


@transaction.atomic
def comments_respond(
    *,
    actor: Any,
    consultation: Consultation,
    comments: list[Comment],
    decision: str,
    reason: str,
) -> CommentResponse:
    """Give one decision and reason to a comment, or to a group of similar comments together.

    Comments already handled move to the new response (their old one is removed if empty).
    """
    _require_handling(actor, consultation)
    text = _check_reason(decision, reason)
    ids = {c.pk for c in comments}
    if not ids:
        raise ServiceError("required", _("Choose at least one comment."), field="comments")
    rows = list(
        Comment.objects.select_for_update().filter(
            pk__in=ids, consultation=consultation, hidden_at__isnull=True
        )
    )
    if len(rows) != len(ids):
        raise ServiceError(
            "invalid", _("Some comments are not part of this consultation."), field="comments"
        )
    now = clock.now()
    response = CommentResponse.objects.create(
        consultation=consultation,
        decision=decision,
        reason=text,
        responded_by=actor,
        created_at=now,
        updated_at=now,
    )
    previous = {c.response_id for c in rows if c.response_id}
    Comment.objects.filter(pk__in=ids).update(response=response)
    CommentResponse.objects.filter(pk__in=previous, comments__isnull=True).delete()
    audit.record(
        actor=actor,
        verb="consultation.comments_answered",
        target=consultation,
        agency_code=consultation.agency.code,
        changes={"decision": decision, "comments": len(ids)},
    )
    return response


@transaction.atomic
def response_update(
    *, actor: Any, response: CommentResponse, decision: str, reason: str
) -> CommentResponse:
    """Change the decision or reason of a response before the report is published."""
    _require_handling(actor, response.consultation)
    response.decision = decision
    response.reason = _check_reason(decision, reason)
    response.updated_at = clock.now()
    response.save(update_fields=["decision", "reason", "updated_at"])
    audit.record(
        actor=actor,
        verb="consultation.response_updated",
        target=response.consultation,
        agency_code=response.consultation.agency.code,
        changes={"decision": decision},
    )
    return response


@transaction.atomic
def article_set_final(*, actor: Any, article: Article, status: str, text: str = "") -> Article:
    """Record what became of an article in the final text (after the period)."""
    _require_handling(actor, article.consultation)
    _check_choice(status, FinalStatus, "final_status")
    final = clean_plain(text)
    if status == FinalStatus.AMENDED and not final:
        raise ServiceError("required", _("Give the amended text."), field="final_text")
    article.final_status = status
    article.final_text = final if status == FinalStatus.AMENDED else ""
    article.save(update_fields=["final_status", "final_text"])
    audit.record(
        actor=actor,
        verb="consultation.final_text_set",
        target=article.consultation,
        agency_code=article.consultation.agency.code,
        changes={"article": article.position, "status": status},
    )
    return article


@transaction.atomic
def report_publish(*, actor: Any, consultation: Consultation, summary: str) -> Consultation:
    """Publish how every comment was handled, with the final text.

    Refused while any visible comment has no decision. Participants get an e-mail after
    commit (`tasks.notify_report_published`).
    """
    _require_handling(actor, consultation)
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    pending = Comment.objects.filter(
        consultation=consultation, hidden_at__isnull=True, response__isnull=True
    ).count()
    if pending:
        raise Conflict(
            "unhandled_comments",
            _("%(n)d comments have no decision yet; every comment must be handled first.")
            % {"n": pending},
        )
    consultation.report_summary = _required_text(
        summary, "summary", pgettext("consultation", "Summary"), 20000
    )
    consultation.report_published_at = clock.now()
    consultation.updated_at = consultation.report_published_at
    consultation.save(update_fields=["report_summary", "report_published_at", "updated_at"])
    audit.record(
        actor=actor,
        verb="consultation.report_published",
        target=consultation,
        agency_code=consultation.agency.code,
        public=True,
    )
    from ..tasks import notify_report_published

    consultation_id = consultation.pk
    transaction.on_commit(lambda: notify_report_published.delay(consultation_id))
    return consultation
