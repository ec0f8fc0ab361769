"""Moderating comments: reports, hiding and unhiding, dismissing reports."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from opengov.accounts.permissions import require_signed_in
from opengov.core import audit, clock
from opengov.core.errors import Conflict, Forbidden, ServiceError
from opengov.core.text import clean_plain

from .. import rules
from ..models import (
    Comment,
    CommentReport,
)
from ..permissions import can_moderate
from .checks import _required_text
from .comments import _bump


@transaction.atomic
def comment_report(*, actor: Any, comment: Comment, reason: str) -> CommentReport:
    """A signed-in person reports a comment to the moderators (once per person)."""
    require_signed_in(actor)
    if comment.is_hidden:
        raise Conflict("hidden", _("This comment is already hidden."))
    if CommentReport.objects.filter(comment=comment, reporter=actor).exists():
        raise Conflict("already_reported", _("You have already reported this comment."))
    text = _required_text(reason, "reason", _("Reason"), 500)
    report = CommentReport.objects.create(
        comment=comment, reporter=actor, reason=text, created_at=clock.now()
    )
    Comment.objects.filter(pk=comment.pk).update(report_count=F("report_count") + 1)
    audit.record(
        actor=actor,
        verb="consultation.comment_reported",
        target=comment,
        changes={"reason_given": bool(text)},
    )
    return report


@transaction.atomic
def comment_hide(*, actor: Any, comment: Comment, ground: str, note: str = "") -> Comment:
    """A moderator hides a comment on a published ground, which is shown in its place."""
    require_signed_in(actor)
    if not can_moderate(actor):
        raise Forbidden(_("Only moderators can hide comments."))
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if ground not in rules.moderation_grounds():
        raise ServiceError("invalid", _("Choose one of the published grounds."), field="ground")
    if comment.is_hidden:
        raise Conflict("hidden", _("This comment is already hidden."))
    now = clock.now()
    comment.hidden_at, comment.hidden_by = now, actor
    comment.hidden_ground, comment.hidden_note = ground, clean_plain(note)[:500]
    comment.save(update_fields=["hidden_at", "hidden_by", "hidden_ground", "hidden_note"])
    comment.reports.filter(resolved_at__isnull=True).update(resolved_at=now)
    _bump(comment, -1)
    audit.record(
        actor=actor,
        verb="consultation.comment_hidden",
        target=comment,
        public=True,
        changes={"ground": ground, "note_given": bool(comment.hidden_note)},
    )
    return comment


@transaction.atomic
def comment_unhide(*, actor: Any, comment: Comment) -> Comment:
    """A moderator restores a hidden comment."""
    require_signed_in(actor)
    if not can_moderate(actor):
        raise Forbidden(_("Only moderators can restore comments."))
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if not comment.is_hidden:
        raise Conflict("not_hidden", _("This comment is not hidden."))
    comment.hidden_at, comment.hidden_by, comment.hidden_ground, comment.hidden_note = (
        None,
        None,
        "",
        "",
    )
    comment.save(update_fields=["hidden_at", "hidden_by", "hidden_ground", "hidden_note"])
    _bump(comment, +1)
    audit.record(actor=actor, verb="consultation.comment_restored", target=comment, public=True)
    return comment


@transaction.atomic
def reports_dismiss(*, actor: Any, comment: Comment) -> int:
    """A moderator closes the open reports on a comment without hiding it."""
    require_signed_in(actor)
    if not can_moderate(actor):
        raise Forbidden(_("Only moderators can dismiss reports."))
    count = comment.reports.filter(resolved_at__isnull=True).update(resolved_at=clock.now())
    audit.record(
        actor=actor, verb="consultation.reports_dismissed", target=comment, changes={"n": count}
    )
    return count
