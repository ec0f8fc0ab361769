"""Every write of consultations: `<entity>_<verb>(*, actor, ...)`, atomic, with its audit event.

Stable entry points for other apps (action plans open draft commitments for comment here):
`consultation_create`, `consultation_publish`, `article_add`, `articles_import`,
`comment_create`, `comment_update`, `comments_respond`, `report_publish`.
Each raises a `ServiceError` subclass with a message a person can act on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from pathlib import PurePosixPath
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from opengov.accounts.models import Agency
from opengov.accounts.permissions import require_level, require_signed_in
from opengov.core import audit, clock, ratelimit, scopes
from opengov.core.errors import Conflict, Forbidden, NotFound, ServiceError
from opengov.core.selectors import calendar_for
from opengov.core.services import decode_upload
from opengov.core.text import clean_plain

from . import rules
from .drafts import ParseResult, parse_draft
from .models import (
    Article,
    Attachment,
    Comment,
    CommentReport,
    CommentResponse,
    Consultation,
    Decision,
    FinalStatus,
    Kind,
    Stance,
    State,
    Topic,
)
from .permissions import can_manage, can_moderate

ATTACHMENT_EXTENSIONS = (".pdf", ".odt", ".docx", ".doc", ".txt", ".md", ".csv", ".xlsx", ".ods")


def _date(day: dt.date) -> str:
    return formats.date_format(day, "Y-m-d")


def _require_manager(actor: Any, consultation: Consultation) -> None:
    require_signed_in(actor)
    if not can_manage(actor, consultation):
        if consultation.published_at is None:
            raise NotFound()
        raise Forbidden(_("Only officials of the agency that owns this consultation can do this."))


def _required_text(value: str, field: str, label: str, max_length: int | None = None) -> str:
    text = clean_plain(value or "")
    if not text:
        raise ServiceError("required", _("%(field)s is required.") % {"field": label}, field=field)
    if max_length and len(text) > max_length:
        raise ServiceError(
            "too_long",
            _("%(field)s can have at most %(n)d characters.") % {"field": label, "n": max_length},
            field=field,
        )
    return text


def _check_choice(value: str, choices: Any, field: str) -> str:
    if value not in choices.values:
        raise ServiceError("invalid", _("Choose one of the listed options."), field=field)
    return value


def _check_foreign(topic: str, foreign: bool) -> None:
    if foreign and not rules.foreign_residents_allowed(topic):
        raise ServiceError(
            "foreign_residents_topic",
            _("Foreign residents may comment only on these topics: %(topics)s.")
            % {
                "topics": ", ".join(
                    str(Topic(t).label) if t in Topic.values else t
                    for t in rules.section().foreign_resident_topics
                )
                or "—"
            },
            field="foreign_residents_may_comment",
        )


def _check_period(kind: str, published_on: dt.date, closes_on: dt.date) -> None:
    earliest = rules.earliest_last_day(kind, published_on, calendar_for())
    if closes_on < earliest:
        period = rules.min_period(kind)
        raise ServiceError(
            "period_too_short",
            _(
                "Comments must be taken for at least %(period)s; published on %(published)s, "
                "the earliest last day is %(earliest)s."
            )
            % {"period": period, "published": _date(published_on), "earliest": _date(earliest)},
            field="closes_on",
        )


# --- consultations ---------------------------------------------------------------------------


@transaction.atomic
def consultation_create(
    *,
    actor: Any,
    agency: Agency,
    kind: str,
    title: str,
    summary: str,
    legal_basis: str = "",
    contact: str = "",
    closes_on: dt.date | None = None,
    topic: str = Topic.GENERAL,
    foreign_residents_may_comment: bool = False,
    is_amendment: bool = False,
    easy_read_summary: str = "",
) -> Consultation:
    """Create an unpublished consultation owned by `agency` (its officials only).

    `closes_on` (the last day for comments) defaults to the earliest day the profile allows
    if published today; the minimum is checked again at publication.
    """
    require_signed_in(actor)
    from opengov.accounts.permissions import acts_for_agency

    if not acts_for_agency(actor, agency):
        raise Forbidden(_("Only officials of this agency can open a consultation for it."))
    _check_choice(kind, Kind, "kind")
    _check_choice(topic, Topic, "topic")
    _check_foreign(topic, foreign_residents_may_comment)
    today = clock.today()
    if closes_on is None:
        closes_on = rules.earliest_last_day(kind, today, calendar_for())
    else:
        _check_period(kind, today, closes_on)
    now = clock.now()
    consultation = Consultation.objects.create(
        agency=agency,
        kind=kind,
        topic=topic,
        title=_required_text(title, "title", _("Title"), 200),
        summary=_required_text(summary, "summary", pgettext("consultation", "Summary"), 20000),
        easy_read_summary=_easy_read(easy_read_summary),
        legal_basis=clean_plain(legal_basis)[:500],
        contact=clean_plain(contact)[:500],
        is_amendment=bool(is_amendment),
        foreign_residents_may_comment=bool(foreign_residents_may_comment),
        closes_on=closes_on,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    audit.record(
        actor=actor,
        verb="consultation.created",
        target=consultation,
        agency_code=agency.code,
        changes={"kind": kind, "closes_on": closes_on},
    )
    return consultation


def _easy_read(text: str | None) -> str:
    """An easy-read summary: optional, at most 5,000 characters, kept as written."""
    text = (text or "").strip()
    if len(text) > 5000:
        raise ServiceError(
            "too_long",
            _("%(field)s can have at most %(n)d characters.")
            % {"field": _("Easy-read summary"), "n": 5000},
            field="easy_read_summary",
        )
    return text


EDITABLE_BEFORE_PUBLICATION = (
    "kind",
    "topic",
    "title",
    "summary",
    "easy_read_summary",
    "legal_basis",
    "contact",
    "closes_on",
    "is_amendment",
    "foreign_residents_may_comment",
)
# The easy-read summary is an aid to reading the notice, not part of it: it may be added or
# improved while comments are open (each change is in the audit log).
EDITABLE_WHILE_OPEN = ("contact", "closes_on", "easy_read_summary")


@transaction.atomic
def consultation_update(*, actor: Any, consultation: Consultation, **changes: Any) -> Consultation:
    """Change fields: any before publication; while open only the contact, and the last day
    may be moved later (never earlier); nothing once closed."""
    _require_manager(actor, consultation)
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    state = consultation.state
    allowed = EDITABLE_BEFORE_PUBLICATION if state == State.DRAFT else EDITABLE_WHILE_OPEN
    if state in (State.CLOSED, State.REPORTED):
        raise Conflict("closed", _("A closed consultation can no longer be edited."))
    unknown = set(changes) - set(EDITABLE_BEFORE_PUBLICATION)
    if unknown:
        raise ServiceError("invalid", _("Unknown field."), field=sorted(unknown)[0])
    for name in changes:
        if name not in allowed:
            raise Conflict(
                "published",
                _("This cannot change after publication; only the contact and a later last day."),
            )
    if "closes_on" in changes and not isinstance(changes["closes_on"], dt.date):
        raise ServiceError("required", _("Give the last day for comments."), field="closes_on")
    old = {name: getattr(consultation, name) for name in changes}
    if "title" in changes:
        changes["title"] = _required_text(changes["title"], "title", _("Title"), 200)
    if "summary" in changes:
        changes["summary"] = _required_text(
            changes["summary"], "summary", pgettext("consultation", "Summary"), 20000
        )
    if "easy_read_summary" in changes:
        changes["easy_read_summary"] = _easy_read(changes["easy_read_summary"])
    for name in ("legal_basis", "contact"):
        if name in changes:
            changes[name] = clean_plain(changes[name] or "")[:500]
    if "kind" in changes:
        _check_choice(changes["kind"], Kind, "kind")
    if "topic" in changes:
        _check_choice(changes["topic"], Topic, "topic")
    for name, value in changes.items():
        setattr(consultation, name, value)
    _check_foreign(consultation.topic, consultation.foreign_residents_may_comment)
    if "closes_on" in changes or "kind" in changes:
        if state == State.DRAFT:
            _check_period(consultation.kind, clock.today(), consultation.closes_on)
        elif consultation.closes_on < old["closes_on"]:
            raise ServiceError(
                "period_shortened",
                _("The last day can be moved later, never earlier (it was %(day)s).")
                % {"day": _date(old["closes_on"])},
                field="closes_on",
            )
    consultation.updated_at = clock.now()
    consultation.save()
    audit.record(
        actor=actor,
        verb="consultation.updated",
        target=consultation,
        agency_code=consultation.agency.code,
        public=state != State.DRAFT,
        changes={
            "fields": sorted(changes),
            # codes and dates, never the text written
            **{
                name: [old[name], getattr(consultation, name)]
                for name in ("kind", "topic", "closes_on", "is_amendment")
                if name in changes
            },
        },
    )
    return consultation


@transaction.atomic
def consultation_publish(*, actor: Any, consultation: Consultation) -> Consultation:
    """Publish: comments open now and close at the end of `closes_on`.

    Refused when the period is shorter than the profile's minimum for the kind (60 days for
    draft regulations in Taiwan), or a draft regulation has no articles.
    """
    _require_manager(actor, consultation)
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.published_at is not None:
        raise Conflict("already_published", _("This consultation is already published."))
    if consultation.kind == Kind.DRAFT_REGULATION and not consultation.articles.exists():
        raise ServiceError(
            "no_articles",
            _("A draft regulation needs its articles before it can be published."),
            field="articles",
        )
    _check_period(consultation.kind, clock.today(), consultation.closes_on)
    consultation.published_at = clock.now()
    consultation.updated_at = consultation.published_at
    consultation.save(update_fields=["published_at", "updated_at"])
    audit.record(
        actor=actor,
        verb="consultation.published",
        target=consultation,
        agency_code=consultation.agency.code,
        public=True,
        changes={"closes_on": consultation.closes_on},
    )
    return consultation


# --- articles --------------------------------------------------------------------------------


def _require_unpublished(consultation: Consultation) -> None:
    if consultation.published_at is not None:
        raise Conflict(
            "published", _("The published text cannot change; articles are fixed at publication.")
        )


def _article_fields(
    label: str, text: str, explanation: str, current_text: str, chapter: str
) -> dict[str, str]:
    return {
        "label": _required_text(label, "label", _("Article number"), 50),
        "text": clean_plain(text),
        "explanation": clean_plain(explanation),
        "current_text": clean_plain(current_text),
        "chapter": clean_plain(chapter)[:200],
    }


@transaction.atomic
def article_add(
    *,
    actor: Any,
    consultation: Consultation,
    label: str,
    text: str,
    explanation: str = "",
    current_text: str = "",
    chapter: str = "",
) -> Article:
    """Append an article to an unpublished draft."""
    _require_manager(actor, consultation)
    _require_unpublished(consultation)
    fields = _article_fields(label, text, explanation, current_text, chapter)
    if not fields["text"] and not fields["current_text"]:
        raise ServiceError("required", _("The article needs its text."), field="text")
    last = Article.objects.filter(consultation=consultation).order_by("-position").first()
    article = Article.objects.create(
        consultation=consultation, position=(last.position + 1) if last else 1, **fields
    )
    audit.record(
        actor=actor,
        verb="consultation.article_added",
        target=consultation,
        agency_code=consultation.agency.code,
        changes={"position": article.position},
    )
    return article


@transaction.atomic
def article_update(
    *,
    actor: Any,
    article: Article,
    label: str,
    text: str,
    explanation: str = "",
    current_text: str = "",
    chapter: str = "",
) -> Article:
    """Change an article of an unpublished draft."""
    consultation = article.consultation
    _require_manager(actor, consultation)
    _require_unpublished(consultation)
    for name, value in _article_fields(label, text, explanation, current_text, chapter).items():
        setattr(article, name, value)
    article.save()
    audit.record(
        actor=actor,
        verb="consultation.article_updated",
        target=consultation,
        agency_code=consultation.agency.code,
        changes={"position": article.position},
    )
    return article


@transaction.atomic
def article_delete(*, actor: Any, article: Article) -> None:
    """Remove an article from an unpublished draft (later ones move up)."""
    consultation = article.consultation
    _require_manager(actor, consultation)
    _require_unpublished(consultation)
    position = article.position
    article.delete()
    for later in Article.objects.filter(consultation=consultation, position__gt=position).order_by(
        "position"
    ):
        later.position -= 1
        later.save(update_fields=["position"])
    audit.record(
        actor=actor,
        verb="consultation.article_deleted",
        target=consultation,
        agency_code=consultation.agency.code,
        changes={"position": position},
    )


def draft_parse(data: bytes | str) -> ParseResult:
    """Decode (UTF-8, else Big5) and parse a draft file; refuse one with no articles.

    Writes nothing: the pages show the result for confirmation, then `articles_import`.
    """
    if isinstance(data, bytes):
        if len(data) > rules.import_max_bytes():
            raise ServiceError(
                "too_large",
                _("The file is larger than %(n)d bytes.") % {"n": rules.import_max_bytes()},
                field="file",
            )
        try:
            text = decode_upload(data)
        except ValueError:
            raise ServiceError(
                "encoding",
                _(
                    "The file is neither UTF-8 nor Big5 text. Save it as UTF-8 plain text or "
                    "Markdown (.txt or .md) and try again."
                ),
                field="file",
            ) from None
    else:
        text = data
    if "\x00" in text:
        raise ServiceError(
            "not_text",
            _("This is not a plain-text file. Save the draft as .txt or .md first."),
            field="file",
        )
    result = parse_draft(text)
    if not result.articles:
        raise ServiceError(
            "no_articles",
            _(
                "No articles were recognised. Each article must start on its own line with its "
                "number, such as 「第一條」 or 「第 2 條」, followed by a space or the text."
            ),
            field="file",
        )
    return result


def unplaced_details(result: ParseResult) -> list[dict[str, Any]]:
    """The lines of a parsed draft that could not be placed, as the report shows them."""
    return [
        {"line": u.line, "text": u.text, "reason": u.reason, "message": u.message}
        for u in result.unplaced
    ]


@transaction.atomic
def articles_import(
    *,
    actor: Any,
    consultation: Consultation,
    data: bytes | str,
    accept_unplaced: Collection[int] = (),
) -> ParseResult:
    """Replace the articles of an unpublished draft with those read from a file.

    All or nothing (DESIGN rule 6): a file with any line that could not be placed (text before
    the first article, a table row without a number, a repeated article number and what
    follows it) is refused whole, with every such line reported (`ServiceError.details`),
    unless the official accepts leaving out exactly those lines by giving their numbers in
    `accept_unplaced`. The choice is recorded in the audit event (as counts).
    """
    _require_manager(actor, consultation)
    _require_unpublished(consultation)
    result = draft_parse(data)
    unplaced = {u.line for u in result.unplaced}
    accepted = {int(n) for n in accept_unplaced}
    if not unplaced <= accepted:
        missing = len(unplaced - accepted)
        raise ServiceError(
            "unplaced_lines",
            ngettext(
                "%(n)d line of the file could not be placed in an article. Correct the file, "
                "or confirm that the listed lines are left out.",
                "%(n)d lines of the file could not be placed in an article. Correct the file, "
                "or confirm that the listed lines are left out.",
                missing,
            )
            % {"n": missing},
            field="accept_unplaced",
            status=422,
            details=unplaced_details(result),
        )
    Article.objects.filter(consultation=consultation).delete()
    Article.objects.bulk_create(
        Article(consultation=consultation, position=i, **parsed.as_dict())
        for i, parsed in enumerate(result.articles, 1)
    )
    if result.is_amendment and not consultation.is_amendment:
        consultation.is_amendment = True
        consultation.save(update_fields=["is_amendment"])
    audit.record(
        actor=actor,
        verb="consultation.articles_imported",
        target=consultation,
        agency_code=consultation.agency.code,
        changes={
            "articles": len(result.articles),
            "unplaced_lines": len(unplaced),
            "unplaced_lines_accepted": len(unplaced),
        },
    )
    return result


@transaction.atomic
def attachment_add(*, actor: Any, consultation: Consultation, title: str, file: Any) -> Attachment:
    """Attach a document (PDF, office or text formats, within the profile's size limit)."""
    _require_manager(actor, consultation)
    if consultation.state in (State.CLOSED, State.REPORTED):
        raise Conflict("closed", _("A closed consultation can no longer be edited."))
    name = (getattr(file, "name", "") or "").lower()
    if not name.endswith(ATTACHMENT_EXTENSIONS):
        raise ServiceError(
            "file_type",
            _("Allowed file types: %(types)s.") % {"types": ", ".join(ATTACHMENT_EXTENSIONS)},
            field="file",
        )
    size = getattr(file, "size", 0) or 0
    limit = rules.section().attachment_max_bytes
    if size > limit:
        raise ServiceError(
            "too_large",
            _("The file is larger than %(mb)d MB.") % {"mb": limit // 2**20},
            field="file",
        )
    attachment = Attachment.objects.create(
        consultation=consultation,
        title=_required_text(title, "title", _("Title"), 200),
        file=file,
        original_name=clean_plain(PurePosixPath(name).name)[:255],
        size=size,
        uploaded_at=clock.now(),
    )
    audit.record(
        actor=actor,
        verb="consultation.attachment_added",
        target=consultation,
        agency_code=consultation.agency.code,
        public=consultation.published_at is not None,
        changes={"attachment": str(attachment.public_id)},
    )
    return attachment


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
    from .tasks import notify_report_published

    consultation_id = consultation.pk
    transaction.on_commit(lambda: notify_report_published.delay(consultation_id))
    return consultation


@transaction.atomic
def consultation_set_space(*, actor: Any, consultation: Consultation, space: str) -> Consultation:
    """Hold the consultation in a participation space (blank: the national platform only);
    officials of the owning agency, for a space that lets them in (`core.scopes`)."""
    _require_manager(actor, consultation)
    refusal = scopes.entry_refusal(space, actor)
    if refusal:
        raise Forbidden(refusal, code="space_refused")
    consultation.space = space
    consultation.updated_at = clock.now()
    consultation.save(update_fields=["space", "updated_at"])
    audit.record(
        actor=actor,
        verb="consultation.space_set",
        target=consultation,
        changes={"space": space},
        public=True,
    )
    return consultation
