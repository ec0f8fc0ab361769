"""JSON API of consultations: /api/v1/consultations/…

Public reads: list, detail with articles, comments (of the whole text or one article), the
report, the whole consultation as one document. Writes (session with CSRF, or a bearer
token): create, import articles, publish, comment, edit a comment, report and hide comments,
answer comments, publish the report. Errors are `{"error": {code, message, field}}`.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from opengov.accounts.auth import OPTIONAL, REQUIRED
from opengov.accounts.models import Agency
from opengov.core.clientip import client_ip
from opengov.core.errors import Forbidden, NotFound, ServiceError
from opengov.core.pagination import MAX_PAGE_SIZE, PageParams, paginate
from opengov.core.schemas import IsoDate
from opengov.core.translations import translations_of

from . import selectors, services
from .exporting import (
    article_document,
    comment_row,
    consultation_document,
    consultation_summary,
    report_document,
)
from .models import Article, Comment, Consultation
from .permissions import can_manage

router = Router(tags=["consultations"])


def _user(request: HttpRequest) -> Any:
    auth = getattr(request, "auth", None)
    return auth if getattr(auth, "is_authenticated", False) else request.user


def _consultation(request: HttpRequest, public_id: uuid.UUID) -> Consultation:
    consultation = selectors.consultation_by_public_id(public_id, user=_user(request))
    if consultation is None:
        raise NotFound()
    return consultation


def _article(consultation: Consultation, position: int) -> Article:
    article = Article.objects.filter(consultation=consultation, position=position).first()
    if article is None:
        raise NotFound()
    article.consultation = consultation
    return article


def _comment(comment_id: uuid.UUID, user: Any) -> Comment:
    comment = (
        Comment.objects.select_related("consultation__agency", "article", "author", "response")
        .filter(public_id=comment_id)
        .first()
    )
    if (
        comment is None
        or selectors.consultation_by_public_id(comment.consultation.public_id, user=user) is None
    ):
        raise NotFound()
    return comment


class ListFilters(PageParams):
    """Filters of the consultation list."""

    state: Literal["open", "closed", "reported"] | None = Field(
        None, description="open, closed or reported (default: all)"
    )
    agency: str | None = Field(
        None, max_length=64, description="agency code (includes its sub-units)"
    )
    kind: Literal["policy", "draft_regulation"] | None = Field(
        None, description="policy or draft_regulation"
    )
    q: str | None = Field(None, max_length=100, description="search, Chinese or English")
    space: str | None = Field(
        None,
        max_length=50,
        description="participation space key; `national` leaves out every space's consultations",
    )


class AgencyRef(Schema):
    """An agency by code and name."""

    code: str
    name: str


class ConsultationSummaryOut(Schema):
    """A consultation's notice (Administrative Procedure Act Art. 154 items)."""

    # a field added to the notice (`exporting.consultation_summary`) is passed on, never
    # dropped, until it is declared here
    model_config = ConfigDict(extra="allow")

    id: str
    url: str
    agency: AgencyRef
    kind: Literal["policy", "draft_regulation"]
    topic: str
    title: str
    summary: str
    easy_read_summary: str = Field(
        ..., description="易讀版: the summary in plain words; may be empty"
    )
    legal_basis: str
    contact: str
    is_amendment: bool
    foreign_residents_may_comment: bool
    state: Literal["draft", "open", "closed", "reported"]
    published_at: str | None
    closes_on: str
    closes_at: str
    comment_count: int
    report_published_at: str | None
    space: str = Field("", description="participation space key (blank: national platform)")


class ConsultationPage(Schema):
    """One page of consultations."""

    items: list[ConsultationSummaryOut]
    count: int


class ConsultationArticleOut(Schema):
    """An article with its comment counts; `final_status` and `final_text` once the report
    is published."""

    position: int
    label: str
    chapter: str
    text: str
    current_text: str
    explanation: str
    comment_count: int
    support_count: int
    oppose_count: int
    suggestion_count: int
    final_status: str | None = None
    final_text: str | None = None


class ConsultationDetailOut(ConsultationSummaryOut):
    """The notice with its articles."""

    whole_text_comment_count: int
    translations: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="the agency's translations of title and summaries: language -> field -> text",
    )
    articles: list[ConsultationArticleOut]


class ConsultationParsedArticleOut(Schema):
    """An article as read from the draft."""

    label: str
    chapter: str
    text: str
    current_text: str
    explanation: str


class ConsultationUnplacedOut(Schema):
    """A line of the draft that is not part of any article, and why."""

    line: int
    text: str
    reason: str
    message: str


class ConsultationImportOut(Schema):
    """What the draft was read as; `imported` is false for a dry run."""

    articles: list[ConsultationParsedArticleOut]
    is_amendment: bool
    title: str = Field(description="the draft's title, when the text starts with one")
    general_explanation: str = Field(description="its 總說明 (general explanation), if any")
    unplaced: list[ConsultationUnplacedOut]
    imported: bool


class ConsultationCommentOut(Schema):
    """A comment; a hidden one has an empty body and its ground."""

    comment_id: str
    consultation_id: str
    article: str = Field(description="the article's label, empty for the whole text")
    author: str
    stance: str
    body: str
    created_at: str | None
    edited_at: str | None
    hidden_ground: str
    decision: str
    reason: str


class ConsultationCommentPage(Schema):
    """One page of comments."""

    items: list[ConsultationCommentOut]
    count: int


class ConsultationReportedOut(Schema):
    """The report was recorded."""

    reported: bool


class ConsultationHiddenOut(Schema):
    """The comment is hidden, on this ground."""

    hidden: bool
    ground: str


class ConsultationResponseOut(Schema):
    """One decision, its reason and the comments it answers."""

    id: str
    decision: str
    reason: str
    comments: list[str]


class ConsultationReportOut(Schema):
    """The published report: summary, counts per decision, each response with its comments."""

    published_at: str | None
    summary: str
    comments: int
    by_decision: dict[str, int]
    responses: list[ConsultationResponseOut]


class ConsultationFinalTextOut(Schema):
    """An article's final text after the consultation."""

    label: str
    draft_text: str
    final_status: str
    final_text: str


class ConsultationReportDetailOut(ConsultationReportOut):
    """The report with the final text of every article."""

    final_text: list[ConsultationFinalTextOut]


class ConsultationAttachmentOut(Schema):
    """An attachment of the notice."""

    title: str
    url: str
    size: int


class ConsultationDocumentOut(ConsultationSummaryOut):
    """The whole consultation: notice, articles, comments, and the report once published."""

    articles: list[ConsultationArticleOut]
    attachments: list[ConsultationAttachmentOut]
    comments: list[ConsultationCommentOut]
    report: ConsultationReportOut | None


@router.get("", auth=OPTIONAL, response=ConsultationPage, summary="List consultations")
def list_consultations(request: HttpRequest, filters: Query[ListFilters]) -> dict[str, Any]:
    """Published consultations, newest first (open ones: soonest closing first)."""
    qs = selectors.consultation_list(
        user=_user(request),
        state=filters.state,
        agency_code=filters.agency,
        kind=filters.kind,
        q=filters.q,
        space=filters.space,
    )
    return paginate(qs, filters, consultation_summary)


class ConsultationIn(Schema):
    """A new consultation (unpublished until `publish`)."""

    agency: str = Field(..., description="code of the owning agency")
    kind: Literal["policy", "draft_regulation"]
    title: str = Field(..., max_length=200)
    summary: str
    easy_read_summary: str = Field("", max_length=5000)
    legal_basis: str = ""
    contact: str = ""
    closes_on: IsoDate | None = None
    topic: str = "general"
    foreign_residents_may_comment: bool = False
    is_amendment: bool = False


@router.post(
    "", auth=REQUIRED, summary="Create a consultation", response={201: ConsultationSummaryOut}
)
def create_consultation(request: HttpRequest, payload: ConsultationIn) -> Status:
    """Officials of the agency create an unpublished consultation."""
    data = payload.dict()
    agency = Agency.objects.filter(code=data.pop("agency"), active=True).first()
    if agency is None:
        raise ServiceError("invalid", _("Unknown agency."), field="agency", status=422)
    consultation = services.consultation_create(actor=_user(request), agency=agency, **data)
    return Status(201, consultation_summary(consultation))


@router.get(
    "/{uuid:public_id}",
    auth=OPTIONAL,
    exclude_unset=True,
    response=ConsultationDetailOut,
    summary="A consultation with its articles",
)
def get_consultation(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """The notice and its articles with comment counts."""
    consultation = _consultation(request, public_id)
    doc = consultation_summary(consultation)
    articles = list(selectors.consultation_articles(consultation))
    for article in articles:
        article.consultation = consultation
    doc["whole_text_comment_count"] = consultation.whole_text_comment_count
    doc["translations"] = translations_of(consultation)
    doc["articles"] = [article_document(a) for a in articles]
    return doc


class ConsultationPatch(Schema):
    """Fields to change (send only those)."""

    title: str | None = None
    summary: str | None = None
    easy_read_summary: str | None = Field(None, max_length=5000)
    legal_basis: str | None = None
    contact: str | None = None
    closes_on: IsoDate | None = None


@router.patch(
    "/{uuid:public_id}",
    auth=REQUIRED,
    response=ConsultationSummaryOut,
    summary="Edit a consultation",
)
def patch_consultation(
    request: HttpRequest, public_id: uuid.UUID, payload: ConsultationPatch
) -> dict[str, Any]:
    """Before publication anything; while open the contact and a later last day."""
    consultation = _consultation(request, public_id)
    changes = payload.dict(exclude_unset=True)
    consultation = services.consultation_update(
        actor=_user(request), consultation=consultation, **changes
    )
    return consultation_summary(consultation)


class ConsultationTranslationIn(Schema):
    """The consultation's fields in another shipped language (send only those to change; an
    empty string removes a translation)."""

    title: str | None = Field(None, max_length=200)
    summary: str | None = Field(None, max_length=20000)
    easy_read_summary: str | None = Field(None, max_length=5000)


class ConsultationTranslationOut(Schema):
    """The consultation's translated fields in one language."""

    language: str
    fields: dict[str, str]


@router.put(
    "/{uuid:public_id}/translations/{language}",
    auth=REQUIRED,
    response=ConsultationTranslationOut,
    summary="Translate a consultation's title and summaries",
)
def put_translation(
    request: HttpRequest, public_id: uuid.UUID, language: str, payload: ConsultationTranslationIn
) -> dict[str, Any]:
    """Officials who may edit the consultation translate its title, summary and easy-read
    summary into a shipped language (`/api/v1/consultations/{id}` lists `translations`)."""
    from opengov.core.services import content_translation_set

    consultation = _consultation(request, public_id)
    if not can_manage(_user(request), consultation):
        raise Forbidden(_("Only officials of the agency that owns this consultation can do this."))
    with transaction.atomic():
        for name, text in payload.dict(exclude_unset=True).items():
            content_translation_set(
                actor=_user(request),
                obj=consultation,
                field=name,
                language=language,
                text=text or "",
            )
    return {"language": language, "fields": translations_of(consultation).get(language, {})}


@router.post(
    "/{uuid:public_id}/publish",
    auth=REQUIRED,
    response=ConsultationSummaryOut,
    summary="Publish a consultation",
)
def publish(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """Open it for comment (the period must meet the profile's minimum)."""
    consultation = _consultation(request, public_id)
    return consultation_summary(
        services.consultation_publish(actor=_user(request), consultation=consultation)
    )


class ArticleIn(Schema):
    """One article."""

    label: str
    text: str = ""
    current_text: str = ""
    explanation: str = ""
    chapter: str = ""


@router.post(
    "/{uuid:public_id}/articles",
    auth=REQUIRED,
    summary="Add an article",
    exclude_unset=True,
    response={201: ConsultationArticleOut},
)
def add_article(request: HttpRequest, public_id: uuid.UUID, payload: ArticleIn) -> Status:
    """Append an article to an unpublished draft."""
    consultation = _consultation(request, public_id)
    article = services.article_add(
        actor=_user(request), consultation=consultation, **payload.dict()
    )
    return Status(201, article_document(article))


class ImportIn(Schema):
    """The draft as text (plain or Markdown)."""

    text: str
    dry_run: bool = False
    accept_unplaced: list[int] = Field(
        default_factory=list,
        max_length=10000,
        description=(
            "Line numbers the official accepts leaving out. A file with lines that cannot be "
            "placed is refused (422, code unplaced_lines, every line in error.details) unless "
            "all of them are listed here."
        ),
    )


@router.post(
    "/{uuid:public_id}/import",
    auth=REQUIRED,
    response=ConsultationImportOut,
    summary="Import articles from text",
)
def import_articles(request: HttpRequest, public_id: uuid.UUID, payload: ImportIn) -> dict:
    """Parse the draft; with `dry_run` only report, else replace the articles (all or
    nothing: lines that cannot be placed refuse the file unless accepted)."""
    consultation = _consultation(request, public_id)
    if payload.dry_run:
        result = services.draft_parse(payload.text)
    else:
        result = services.articles_import(
            actor=_user(request),
            consultation=consultation,
            data=payload.text,
            accept_unplaced=payload.accept_unplaced,
        )
    return {
        "articles": [a.as_dict() for a in result.articles],
        "is_amendment": result.is_amendment,
        "title": result.title,
        "general_explanation": result.general_explanation,
        "unplaced": services.unplaced_details(result),
        "imported": not payload.dry_run,
    }


class CommentFilters(PageParams):
    """Which comments: `article` (position), `whole_text=true`, or all."""

    article: int | None = None
    whole_text: bool = False
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE, description="rows per page, 1 to 100")


@router.get(
    "/{uuid:public_id}/comments",
    auth=OPTIONAL,
    response=ConsultationCommentPage,
    summary="Comments",
)
def list_comments(
    request: HttpRequest, public_id: uuid.UUID, filters: Query[CommentFilters]
) -> dict[str, Any]:
    """Comments oldest first; hidden ones have an empty body and their ground."""
    consultation = _consultation(request, public_id)
    article: Any = selectors.ANY_ARTICLE
    if filters.article is not None:
        article = _article(consultation, filters.article)
    elif filters.whole_text:
        article = selectors.WHOLE_TEXT
    qs = selectors.consultation_comments(consultation, article=article)
    consultation_id = str(consultation.public_id)
    show = selectors.decisions_visible(consultation, _user(request))
    return paginate(qs, filters, lambda c: comment_row(c, consultation_id, show_decision=show))


class ConsultationCommentIn(Schema):
    """A comment: on the whole text, or on the article at `article` (position)."""

    stance: Literal["support", "oppose", "suggestion"]
    body: str
    article: int | None = None


@router.post(
    "/{uuid:public_id}/comments",
    auth=REQUIRED,
    summary="Comment",
    response={201: ConsultationCommentOut},
)
def create_comment(
    request: HttpRequest, public_id: uuid.UUID, payload: ConsultationCommentIn
) -> Status:
    """Comment while the period runs (verification level from the profile)."""
    consultation = _consultation(request, public_id)
    article = _article(consultation, payload.article) if payload.article else None
    comment = services.comment_create(
        actor=_user(request),
        consultation=consultation,
        article=article,
        body=payload.body,
        stance=payload.stance,
        address=client_ip(request),
    )
    show = selectors.decisions_visible(consultation, _user(request))
    return Status(201, comment_row(comment, str(consultation.public_id), show_decision=show))


class ConsultationCommentPatch(Schema):
    """New text and position."""

    stance: Literal["support", "oppose", "suggestion"]
    body: str


@router.patch(
    "/comments/{uuid:comment_id}",
    auth=REQUIRED,
    response=ConsultationCommentOut,
    summary="Edit a comment",
)
def edit_comment(
    request: HttpRequest, comment_id: uuid.UUID, payload: ConsultationCommentPatch
) -> dict:
    """The author edits within the profile's minutes."""
    user = _user(request)
    comment = _comment(comment_id, user)
    comment = services.comment_update(actor=user, comment=comment, **payload.dict())
    show = selectors.decisions_visible(comment.consultation, user)
    return comment_row(comment, str(comment.consultation.public_id), show_decision=show)


class ReportIn(Schema):
    """Why the comment should be looked at."""

    reason: str


@router.post(
    "/comments/{uuid:comment_id}/reports",
    auth=REQUIRED,
    summary="Report a comment",
    response={201: ConsultationReportedOut},
)
def report_comment(request: HttpRequest, comment_id: uuid.UUID, payload: ReportIn) -> Status:
    """Report a comment to the moderators (once per person)."""
    user = _user(request)
    services.comment_report(actor=user, comment=_comment(comment_id, user), reason=payload.reason)
    return Status(201, {"reported": True})


class HideIn(Schema):
    """A published ground and an optional note."""

    ground: str
    note: str = ""


@router.post(
    "/comments/{uuid:comment_id}/hide",
    auth=REQUIRED,
    response=ConsultationHiddenOut,
    summary="Hide a comment",
)
def hide_comment(request: HttpRequest, comment_id: uuid.UUID, payload: HideIn) -> dict:
    """Moderators hide a comment on a published ground."""
    user = _user(request)
    comment = services.comment_hide(
        actor=user, comment=_comment(comment_id, user), **payload.dict()
    )
    return {"hidden": True, "ground": comment.hidden_ground}


class RespondIn(Schema):
    """One decision for one or more comments."""

    comments: list[uuid.UUID] = Field(..., min_length=1, max_length=1000)
    decision: str
    reason: str


@router.post(
    "/{uuid:public_id}/responses",
    auth=REQUIRED,
    summary="Answer comments",
    response={201: ConsultationResponseOut},
)
def respond(request: HttpRequest, public_id: uuid.UUID, payload: RespondIn) -> Status:
    """After the period: a decision and reason for a comment or a group of similar ones."""
    consultation = _consultation(request, public_id)
    comments = list(
        Comment.objects.filter(consultation=consultation, public_id__in=payload.comments)
    )
    if len(comments) != len(set(payload.comments)):
        raise ServiceError("invalid", _("Unknown comment."), field="comments", status=422)
    response = services.comments_respond(
        actor=_user(request),
        consultation=consultation,
        comments=comments,
        decision=payload.decision,
        reason=payload.reason,
    )
    return Status(
        201,
        {
            "id": str(response.public_id),
            "decision": response.decision,
            "reason": response.reason,
            "comments": [str(c) for c in payload.comments],
        },
    )


@router.get(
    "/{uuid:public_id}/report",
    auth=OPTIONAL,
    response=ConsultationReportDetailOut,
    summary="The response report",
)
def get_report(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """How every comment was handled, and the final text per article."""
    consultation = _consultation(request, public_id)
    if consultation.report_published_at is None:
        raise NotFound("The report is not published yet.")
    doc = report_document(consultation)
    doc["final_text"] = [
        {
            "label": a.label,
            "draft_text": a.text,
            "final_status": a.final_status,
            "final_text": a.effective_final_text,
        }
        for a in selectors.consultation_articles(consultation)
    ]
    return doc


class PublishReportIn(Schema):
    """The summary published with the report."""

    summary: str


@router.post(
    "/{uuid:public_id}/report",
    auth=REQUIRED,
    response=ConsultationReportOut,
    summary="Publish the report",
)
def publish_report(request: HttpRequest, public_id: uuid.UUID, payload: PublishReportIn) -> dict:
    """Refused while any comment has no decision."""
    consultation = _consultation(request, public_id)
    services.report_publish(
        actor=_user(request), consultation=consultation, summary=payload.summary
    )
    consultation.refresh_from_db()
    return report_document(consultation)


@router.get(
    "/{uuid:public_id}/full",
    auth=OPTIONAL,
    exclude_unset=True,
    response=ConsultationDocumentOut,
    summary="The whole consultation (JSON)",
)
def full_document(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """Notice, articles, every comment with its decision, and the report."""
    return consultation_document(_consultation(request, public_id), viewer=_user(request))
