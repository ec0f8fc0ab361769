"""Comments on a consultation or one of its articles: writing and editing them."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from opengov.accounts.permissions import require_level, require_signed_in
from opengov.core import audit, clock, ratelimit
from opengov.core.errors import Conflict, Forbidden, NotFound, ServiceError
from opengov.core.text import clean_plain

from .. import rules
from ..models import (
    Article,
    Comment,
    Consultation,
    Stance,
    State,
)
from .checks import _check_choice, _date

# --- comments --------------------------------------------------------------------------------


def _bump(comment: Comment, delta: int, stance: str | None = None) -> None:
    """Keep the stored counts in step with visible comments."""
    stance = stance or comment.stance
    Consultation.objects.filter(pk=comment.consultation_id).update(
        comment_count=F("comment_count") + delta,
        counts_version=F("counts_version") + 1,
        **(
            {"whole_text_comment_count": F("whole_text_comment_count") + delta}
            if comment.article_id is None
            else {}
        ),
    )
    if comment.article_id is not None:
        Article.objects.filter(pk=comment.article_id).update(
            comment_count=F("comment_count") + delta,
            **{f"{stance}_count": F(f"{stance}_count") + delta},
        )


def _check_body(body: str) -> str:
    text = clean_plain(body or "")
    if not text:
        raise ServiceError("required", _("Please write your comment."), field="body")
    limit = rules.comment_max_chars()
    if len(text) > limit:
        raise ServiceError(
            "too_long",
            _("A comment can have at most %(n)d characters.") % {"n": limit},
            field="body",
        )
    return text


def _require_open(consultation: Consultation) -> None:
    state = consultation.state
    if state == State.DRAFT:
        raise Conflict("not_open", _("This consultation is not open for comment yet."))
    if state != State.OPEN:
        raise Conflict(
            "closed",
            _("Comments closed at the end of %(day)s.") % {"day": _date(consultation.closes_on)},
        )


@transaction.atomic
def comment_create(
    *,
    actor: Any,
    consultation: Consultation,
    body: str,
    stance: str,
    article: Article | None = None,
    address: str | None = None,
) -> Comment:
    """Comment on the whole text (`article=None`) or one article, while the period runs.

    Needs a signed-in person at the profile's verification level (e-mail in Taiwan).
    """
    require_level(actor, rules.comment_level())
    _require_open(consultation)
    _require_invited(actor, consultation)
    if article is not None and article.consultation_id != consultation.pk:
        raise NotFound()
    _check_choice(stance, Stance, "stance")
    text = _check_body(body)
    ratelimit.hit("comment", account=str(actor.pk), address=address)
    comment = Comment.objects.create(
        consultation=consultation,
        article=article,
        author=actor,
        stance=stance,
        body=text,
        created_at=clock.now(),
    )
    _bump(comment, +1)
    audit.record(
        actor=actor,
        verb="consultation.comment_created",
        target=comment,
        agency_code=consultation.agency.code,
        changes={
            "consultation": str(consultation.public_id),
            "article": article and article.position,
        },
    )
    return comment


def _require_invited(actor: Any, consultation: Consultation) -> None:
    refusal = rules.nationality_refusal(actor.residency, consultation.foreign_residents_may_comment)
    if refusal == "nationality_not_stated":
        raise Forbidden(
            _(
                "Before commenting, please state your nationality on your profile page: this "
                "consultation takes comments from nationals, and some from foreign residents."
            ),
            code="nationality_not_stated",
        )
    if refusal:
        raise Forbidden(
            _(
                "This consultation takes comments from nationals only. Foreign residents may "
                "comment on the trade, investment and intellectual-property drafts that invite "
                "them."
            ),
            code="foreign_residents_not_invited",
        )


@transaction.atomic
def comment_update(*, actor: Any, comment: Comment, body: str, stance: str) -> Comment:
    """The author edits a comment within the profile's minutes (15 in Taiwan)."""
    require_signed_in(actor)
    comment = Comment.objects.select_for_update().select_related("consultation").get(pk=comment.pk)
    if comment.author_id != actor.pk:
        raise Forbidden(_("Only the author can edit a comment."))
    if comment.is_hidden:
        raise Conflict("hidden", _("A hidden comment cannot be edited."))
    if comment.response_id:
        raise Conflict("handled", _("The agency has already answered this comment."))
    _require_open(comment.consultation)
    if not rules.comment_editable(comment.created_at, clock.now()):
        raise Conflict(
            "edit_window_passed",
            _("Comments can be edited for %(n)d minutes after posting.")
            % {"n": rules.section().comment_edit_minutes},
        )
    _check_choice(stance, Stance, "stance")
    text = _check_body(body)
    old = {"body": comment.body, "stance": comment.stance}
    if stance != comment.stance and comment.article_id:
        Article.objects.filter(pk=comment.article_id).update(
            **{
                f"{comment.stance}_count": F(f"{comment.stance}_count") - 1,
                f"{stance}_count": F(f"{stance}_count") + 1,
            }
        )
        Consultation.objects.filter(pk=comment.consultation_id).update(
            counts_version=F("counts_version") + 1
        )
    comment.body, comment.stance, comment.edited_at = text, stance, clock.now()
    comment.save(update_fields=["body", "stance", "edited_at"])
    audit.record(
        actor=actor,
        verb="consultation.comment_edited",
        target=comment,
        agency_code=comment.consultation.agency.code,
        changes={
            "fields": sorted(k for k, v in (("body", text), ("stance", stance)) if v != old[k])
        },
    )
    return comment
