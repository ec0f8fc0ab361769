"""The draft's articles: adding, editing and deleting them, importing an amendment table, and
attachments."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import PurePosixPath
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from opengov.core import audit, clock
from opengov.core.errors import Conflict, ServiceError
from opengov.core.services import decode_upload
from opengov.core.text import clean_plain

from .. import rules
from ..drafts import ParseResult, parse_draft
from ..models import (
    Article,
    Attachment,
    Consultation,
    State,
)
from .checks import ATTACHMENT_EXTENSIONS, _require_manager, _required_text

# --- articles --------------------------------------------------------------------------------


def _require_unpublished(consultation: Consultation) -> None:
    if consultation.published_at is not None:
        raise Conflict(
            "published", _("The published text cannot change; articles are fixed at publication.")
        )


def _article_fields(
    label: str, text: str, explanation: str, current_text: str, chapter: str
) -> dict[str, str]:
    """The cleaned fields of an article, added or changed; it needs a text (a new one, or
    the current one that it repeals)."""
    fields = {
        "label": _required_text(label, "label", _("Article number"), 50),
        "text": clean_plain(text),
        "explanation": clean_plain(explanation),
        "current_text": clean_plain(current_text),
        "chapter": clean_plain(chapter)[:200],
    }
    if not fields["text"] and not fields["current_text"]:
        raise ServiceError("required", _("The article needs its text."), field="text")
    return fields


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
