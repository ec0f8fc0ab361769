"""Discussion: feedback on the response, comments, reports and hiding comments."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from opengov.accounts.permissions import is_moderator, require_level, require_signed_in
from opengov.core import audit, clock, ratelimit
from opengov.core.errors import Conflict, Forbidden, NotFound, ServiceError
from opengov.core.selectors import calendar_for

from .. import rules
from ..models import (
    Comment,
    CommentReport,
    Feedback,
    Proposal,
    Response,
    Signature,
    Status,
)
from .checks import _text


@transaction.atomic
def feedback_create(*, actor: Any, proposal: Proposal, rating: int, comment: str = "") -> Feedback:
    """The proposer or a co-signer rates the response, during the feedback period."""
    require_signed_in(actor)
    response = Response.objects.filter(proposal=proposal).first()
    if response is None:
        raise Conflict("no_response", _("There is no response to rate yet."))
    if not Signature.objects.filter(proposal=proposal, signer=actor).exists() and (
        proposal.proposer_id != actor.pk
    ):
        raise Forbidden(_("Only the proposer and co-signers may rate the response."))
    now = clock.now()
    ends = rules.feedback_ends(response.published_at, calendar_for())
    if now > ends:
        raise Conflict(
            "feedback_closed",
            _("Feedback closed on %(date)s.")
            % {"date": ends.astimezone(clock.local_zone()).date().isoformat()},
        )
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ServiceError("invalid_rating", _("Choose a rating from 1 to 5."), field="rating")
    text = _text(comment, "comment", required=False, max_length=1000)
    try:
        with transaction.atomic():
            feedback = Feedback.objects.create(
                response=response, author=actor, rating=rating, comment=text, created_at=now
            )
            audit.record(
                actor=actor,
                verb="proposal.feedback_given",
                target=proposal,
                changes={"rating": rating, "comment_given": bool(text)},
            )
    except IntegrityError:
        raise Conflict("already_rated", _("You have already rated this response.")) from None
    return feedback


# --- discussion ----------------------------------------------------------------------------


@transaction.atomic
def comment_create(*, actor: Any, proposal: Proposal, body: str, address: str = "") -> Comment:
    """Comment on a published proposal."""
    require_level(actor, rules.rules().required_level)
    if proposal.status not in (Status.PUBLISHED, Status.RESPONDED):
        raise NotFound()
    text = _text(body, "body", max_length=2000)
    ratelimit.hit("comment", account=str(actor.pk), address=address)
    comment = Comment.objects.create(
        proposal=proposal, author=actor, body=text, created_at=clock.now()
    )
    audit.record(
        actor=actor,
        verb="proposal.comment_created",
        target=comment,
        changes={"proposal": str(proposal.public_id)},
    )
    return comment


@transaction.atomic
def comment_edit(*, actor: Any, comment: Comment, body: str) -> Comment:
    """The author corrects a comment within the edit window; never after."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.author_id != getattr(actor, "pk", None):
        raise Forbidden(_("Only the author may edit a comment."))
    now = clock.now()
    if not rules.comment_editable(comment.created_at, now):
        raise Conflict(
            "edit_closed",
            _("Comments can be edited for %(n)d minutes only.")
            % {"n": rules.rules().comment_edit_minutes},
        )
    if comment.hidden_at:
        raise Conflict("hidden", _("A hidden comment cannot be edited."))
    comment.body = _text(body, "body", max_length=2000)
    comment.edited_at = now
    comment.save(update_fields=["body", "edited_at"])
    audit.record(actor=actor, verb="proposal.comment_edited", target=comment)
    return comment


@transaction.atomic
def comment_report(*, actor: Any, comment: Comment, reason: str = "") -> CommentReport:
    """Report a comment to the moderators (once per person)."""
    require_signed_in(actor)
    text = _text(reason, "reason", required=False, max_length=300)
    report, created = CommentReport.objects.get_or_create(
        comment=comment, reporter=actor, defaults={"reason": text, "created_at": clock.now()}
    )
    if not created:
        raise Conflict("already_reported", _("You have already reported this comment."))
    audit.record(
        actor=actor,
        verb="proposal.comment_reported",
        target=comment,
        changes={"reason_given": bool(text)},
    )
    return report


@transaction.atomic
def comment_hide(*, actor: Any, comment: Comment, ground: str) -> Comment:
    """A moderator hides a comment, naming the published ground (shown in its place)."""
    if not is_moderator(actor):
        raise NotFound()
    if ground not in rules.rules().rejection_grounds:
        raise ServiceError(
            "unknown_ground", _("Choose one of the published grounds."), field="ground"
        )
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    comment.hidden_at = clock.now()
    comment.hidden_by = actor
    comment.hidden_ground = ground
    comment.save(update_fields=["hidden_at", "hidden_by", "hidden_ground"])
    audit.record(
        actor=actor,
        verb="proposal.comment_hidden",
        target=comment.proposal,
        changes={"comment": str(comment.public_id), "ground": ground},
        public=True,
    )
    return comment
