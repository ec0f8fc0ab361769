"""JSON API of proposals, under /api/v1/proposals/.

Reads are public (drafts and the review queue only for their proposer and operators).
Writes call a service: propose, review (operators), co-sign, respond and extend (officials of
a responsible agency), comment. `…/{id}/count` is small and cacheable; the exports carry
counts and responses and nothing about co-signers.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import uuid
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, UploadedFile
from ninja import Status as HttpStatus
from pydantic import ConfigDict, Field

from opengov.accounts.auth import OPTIONAL, REQUIRED, hot_route_caller
from opengov.core.clientip import client_ip
from opengov.core.errors import NotFound, ServiceError
from opengov.core.hotpath import HotAnswer, hot_route
from opengov.core.httpcache import etag_matches, language_independent
from opengov.core.pagination import PageParams, paginate
from opengov.core.schemas import IsoDate, IsoDateTime

from . import selectors, serializers, services
from .models import Comment, Proposal
from .permissions import proposal_for_cosigning, visible_proposals

router = Router(tags=["proposals"])

EXPORT_FIELDS = (
    "id",
    "title",
    "state",
    "agencies",
    "tags",
    "published_at",
    "cosign_deadline",
    "threshold",
    "signatures",
    "passed_at",
    "response_due",
    "responded_at",
    "response_agency",
    "response_on_time",
    "response_summary",
    "response_easy_read_summary",
)


class ListParams(PageParams):
    """Filters and sort of the list."""

    state: Literal["", "open", "failed", "awaiting_response", "overdue", "passed", "responded"] = (
        Field("", description="derived state (default: all)")
    )
    agency: str = Field("", max_length=64, description="agency code")
    tag: str = Field("", max_length=64, description="tag slug")
    space: str = Field(
        "",
        max_length=50,
        description="participation space key; `national` leaves out every space's proposals",
    )
    since: IsoDate | None = None
    until: IsoDate | None = None
    q: str = Field("", max_length=100)
    sort: Literal["newest", "most_signed", "ending_soon"] = "newest"


class ProposalSummaryOut(Schema):
    """A proposal in a list (times in ISO 8601, Taipei time)."""

    # a field added to `serializers.proposal_summary` is passed on, never dropped, until it
    # is declared here
    model_config = ConfigDict(extra="allow")

    id: str
    title: str
    state: str = Field(description="derived state: open, failed, awaiting_response, ...")
    state_label: str
    proposer: str
    agencies: list[str]
    tags: list[str]
    published_at: str | None
    cosign_deadline: str | None
    threshold: int | None
    signatures: int
    passed_at: str | None
    response_due: str | None
    responded_at: str | None
    space: str = Field("", description="participation space key (blank: national platform)")


class ProposalExportPointOut(Schema):
    """A point of a published answer, as the open-data export carries it."""

    position: str
    explanation: str


class ProposalExportRowOut(ProposalSummaryOut):
    """A proposal in the open-data export: agencies and tags joined with `;`, the answer's
    summary and points, nothing about co-signers."""

    agencies: str = Field(description="agency codes joined with ';'")  # type: ignore[assignment]
    tags: str = Field(description="tags joined with ';'")  # type: ignore[assignment]
    response_agency: str | None
    response_on_time: bool | None
    response_summary: str | None
    response_easy_read_summary: str | None
    response_points: list[ProposalExportPointOut]


class ProposalExportOut(Schema):
    """Every public proposal (the `proposals` dataset of the open-data catalogue)."""

    items: list[ProposalExportRowOut]
    count: int


class ProposalPage(Schema):
    """One page of proposals."""

    items: list[ProposalSummaryOut]
    count: int


class ProposalAttachmentOut(Schema):
    """An evidence file of a proposal."""

    name: str
    url: str
    content_type: str
    size: int


class ProposalExtensionOut(Schema):
    """A public notice extending the response deadline."""

    agency: str
    progress: str
    new_due: str | None
    announced_at: str | None


class ProposalResponsePointOut(Schema):
    """One point of a response, and the paragraph of the proposal it answers."""

    order: int
    answers: str
    position: str
    explanation: str
    planned_actions: str
    planned_date: str | None


class ProposalResponseOut(Schema):
    """The responsible agency's published response."""

    agency: str
    summary: str
    easy_read_summary: str = Field("", description="易讀版: the answer in plain words")
    published_at: str | None
    on_time: bool
    points: list[ProposalResponsePointOut]


class ProposalMeetingOut(Schema):
    """The collaboration meeting and who takes part (public display names)."""

    agency: str
    starts_at: str | None
    place: str
    details: str
    called_at: str | None
    seats: int
    seats_taken: list[str]


class ProposalDetailOut(ProposalSummaryOut):
    """A proposal in full, with its response, extensions and meeting."""

    content: str
    benefits: str
    evidence_links: list[str]
    attachments: list[ProposalAttachmentOut]
    review_due: str | None
    review_message: str
    rejection_grounds: list[str]
    extensions: list[ProposalExtensionOut]
    response: ProposalResponseOut | None
    meeting: ProposalMeetingOut | None


class ProposalSimilarOut(Schema):
    """A published proposal like the title given."""

    id: str
    title: str
    signatures: int


class ProposalSimilarList(Schema):
    """Published proposals like the title given."""

    items: list[ProposalSimilarOut]
    count: int


class ProposalCountOut(Schema):
    """The co-signature count against the threshold."""

    id: str
    signatures: int
    threshold: int | None
    passed: bool


class ProposalCommentOut(Schema):
    """A comment; a hidden one has no body and its ground."""

    id: str
    author: str
    body: str | None
    hidden_ground: str | None
    created_at: str | None
    edited_at: str | None


class ProposalCommentPage(Schema):
    """One page of comments."""

    items: list[ProposalCommentOut]
    count: int


class ProposalCosignedOut(Schema):
    """The co-signature recorded, and the count now."""

    id: str
    signed_at: str | None
    signatures: int


class ProposalFollowingOut(Schema):
    """Whether the caller gets the proposal's notices."""

    following: bool


class ProposalExtendedOut(Schema):
    """The new response deadline and the progress announced."""

    new_due: str
    progress: str


class ProposalCommentCreatedOut(Schema):
    """The comment as recorded."""

    id: str
    body: str


class ProposalIn(Schema):
    """A new proposal (a draft unless `submit`)."""

    title: str = Field(max_length=200)
    content: str = Field("", max_length=20000)
    benefits: str = Field("", max_length=20000)
    agencies: list[str] = Field(default_factory=list, max_length=10)
    tags: list[str] = Field(default_factory=list, max_length=10)
    evidence_links: list[str] = Field(default_factory=list, max_length=20)
    submit: bool = False


class MeetingIn(Schema):
    """The call to a collaboration meeting."""

    starts_at: IsoDateTime
    place: str = Field(max_length=300)
    details: str = Field("", max_length=3000)


class FollowIn(Schema):
    """Whether to get the proposal's e-mail notices."""

    following: bool


class CosignIn(Schema):
    """An optional short public reason."""

    reason: str = Field("", max_length=1000)


class ReviewIn(Schema):
    """An operator's decision: publish, request_changes or reject."""

    decision: Literal["publish", "request_changes", "reject"]
    message: str = Field("", max_length=5000)
    grounds: list[str] = Field(default_factory=list, max_length=10)
    agencies: list[str] | None = None


class PointIn(Schema):
    """One point of a response."""

    answers: str = Field(
        "",
        max_length=20,
        description='the part it answers: "" the whole proposal, "content:N" the N-th '
        'paragraph of the content, "benefits" the benefits and impact',
    )
    position: str
    explanation: str = Field(max_length=10000)
    planned_actions: str = Field("", max_length=10000)
    planned_date: IsoDate | None = None


class ResponseIn(Schema):
    """The agency's answer."""

    summary: str = Field(max_length=10000)
    easy_read_summary: str = Field("", max_length=3000, description="易讀版: plain-words summary")
    points: list[PointIn] = Field(max_length=50)


class ExtensionIn(Schema):
    """A public extension notice."""

    progress: str = Field(max_length=10000)
    new_due: IsoDate


class ProposalCommentIn(Schema):
    """A comment."""

    body: str = Field(max_length=10000)


def _user(request: HttpRequest) -> Any:
    user = getattr(request, "auth", None)
    return user if getattr(user, "is_authenticated", False) else request.user


def _proposal(request: HttpRequest, public_id: str) -> Proposal:
    try:
        key = uuid.UUID(public_id)
    except ValueError:
        raise NotFound(_("No such proposal.")) from None
    proposal = visible_proposals(_user(request)).filter(public_id=key).first()
    if proposal is None:
        raise NotFound(_("No such proposal."))
    return proposal


def _listed(request: HttpRequest, params: ListParams):
    if params.sort not in selectors.SORTS:
        raise ServiceError("invalid", _("Unknown sort."), field="sort")
    return selectors.proposal_list(
        visible_proposals(_user(request)).select_related("proposer"),
        state=params.state,
        agency=params.agency,
        tag=params.tag,
        space=params.space,
        since=params.since,
        until=params.until,
        q=params.q,
        sort=params.sort,
    )


# --- reads ---------------------------------------------------------------------------------


@router.get(
    "",
    auth=OPTIONAL,
    response=ProposalPage,
    summary="Proposals with filters, search and sort",
)
def list_proposals(request: HttpRequest, params: Query[ListParams]):
    return paginate(_listed(request, params), params, serializers.proposal_summary)


@router.get("/export.csv", auth=OPTIONAL, summary="All public proposals as CSV")
def export_csv(request: HttpRequest):
    def rows():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(EXPORT_FIELDS)
        for proposal in _export_queryset():
            row = serializers.export_row(proposal)
            writer.writerow(["" if row[f] is None else row[f] for f in EXPORT_FIELDS])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue()

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="proposals.csv"'
    response["Cache-Control"] = "public, max-age=300"
    return response


@router.get(
    "/export.json",
    auth=OPTIONAL,
    response=ProposalExportOut,
    summary="All public proposals as JSON",
)
def export_json(request: HttpRequest):
    items = [serializers.export_row(p) for p in _export_queryset()]
    response = HttpResponse(
        json.dumps({"items": items, "count": len(items)}, ensure_ascii=False),
        content_type="application/json",
    )
    response["Cache-Control"] = "public, max-age=300"
    return response


def _export_queryset():
    return selectors.public_export_queryset()


@router.get(
    "/similar",
    auth=OPTIONAL,
    response=ProposalSimilarList,
    summary="Published proposals like a title",
)
def similar(request: HttpRequest, title: str = ""):
    items = selectors.similar_proposals(title[:100])
    return {
        "items": [
            {"id": str(p.public_id), "title": p.title, "signatures": p.signature_count}
            for p in items
        ],
        "count": len(items),
    }


@router.get(
    "/{public_id}", auth=OPTIONAL, response=ProposalDetailOut, summary="One proposal in full"
)
def get_proposal(request: HttpRequest, public_id: str):
    return serializers.proposal_detail(_proposal(request, public_id))


def _count_answer(public_id: str) -> tuple[str, str] | None:
    """(entity tag, JSON body) of a public proposal's count (see `selectors.public_count`)."""
    try:
        key = uuid.UUID(public_id)
    except ValueError:
        return None
    found = selectors.public_count(key)
    if found is None:
        return None
    count, threshold, passed = found
    body = json.dumps(
        {"id": str(key), "signatures": count, "threshold": threshold, "passed": passed}
    )
    return '"' + hashlib.sha256(body.encode()).hexdigest()[:16] + '"', body


@router.get(
    "/{public_id}/count",
    auth=None,
    response=ProposalCountOut,
    summary="Co-signature count (cacheable)",
)
def get_count(request: HttpRequest, public_id: str):
    answer = _count_answer(public_id)
    if answer is None:
        raise NotFound(_("No such proposal."))
    etag, body = answer
    if etag_matches(request, etag):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="application/json")
    response["Cache-Control"] = "public, max-age=5, s-maxage=1, stale-while-revalidate=5"
    response["ETag"] = etag
    return language_independent(response)


@router.get(
    "/{public_id}/comments", auth=OPTIONAL, response=ProposalCommentPage, summary="Comments"
)
def list_comments(request: HttpRequest, public_id: str, params: Query[PageParams]):
    proposal = _proposal(request, public_id)
    qs = proposal.comments.select_related("author").order_by("created_at", "id")
    return paginate(
        qs,
        params,
        lambda c: {
            "id": str(c.public_id),
            "author": c.author.display_name,
            "body": None if c.hidden_at else c.body,
            "hidden_ground": c.hidden_ground or None,
            "created_at": serializers._iso(c.created_at),
            "edited_at": serializers._iso(c.edited_at),
        },
    )


# --- writes --------------------------------------------------------------------------------


@router.post("", auth=REQUIRED, response={201: ProposalDetailOut}, summary="Propose")
def create_proposal(request: HttpRequest, payload: ProposalIn):
    proposal = services.proposal_create(
        actor=_user(request),
        address=client_ip(request),
        **payload.dict(),
    )
    return HttpStatus(201, serializers.proposal_detail(proposal))


@router.put(
    "/{public_id}",
    auth=REQUIRED,
    response=ProposalDetailOut,
    summary="Change a draft, or submit it",
)
def update_proposal(request: HttpRequest, public_id: str, payload: ProposalIn):
    """The proposer changes a draft (or a proposal sent back for changes); `submit` sends it
    for review. Every field is replaced."""
    proposal = services.proposal_update(
        actor=_user(request), proposal=_proposal(request, public_id), **payload.dict()
    )
    return serializers.proposal_detail(proposal)


@router.post(
    "/{public_id}/attachments",
    auth=REQUIRED,
    response={201: ProposalAttachmentOut},
    summary="Attach an evidence file to a draft",
)
def add_attachment(request: HttpRequest, public_id: str, file: File[UploadedFile]):
    """Multipart upload, field `file`: a PDF, PNG or JPEG (checked by its content) within the
    profile's size and number limits, to a draft or a proposal sent back for changes."""
    proposal = _proposal(request, public_id)
    attachment = services.attachment_add(actor=_user(request), proposal=proposal, upload=file)
    return HttpStatus(
        201,
        {
            "name": attachment.name,
            "url": serializers.attachment_url(proposal, attachment),
            "content_type": attachment.content_type,
            "size": attachment.size,
        },
    )


@router.post(
    "/{public_id}/cosign", auth=REQUIRED, response={201: ProposalCosignedOut}, summary="Co-sign"
)
def cosign(request: HttpRequest, public_id: str, payload: CosignIn | None = None):
    return HttpStatus(*_cosigned(request, _user(request), public_id, payload or CosignIn()))


def _cosigned(request: HttpRequest, user: Any, public_id: str, payload: CosignIn) -> HotAnswer:
    try:
        key = uuid.UUID(public_id)
    except ValueError:
        raise NotFound(_("No such proposal.")) from None
    proposal = proposal_for_cosigning(user, key)
    if proposal is None:
        raise NotFound(_("No such proposal."))
    signature = services.signature_create(
        actor=user, proposal=proposal, reason=payload.reason, address=client_ip(request)
    )
    return 201, {
        "id": str(proposal.public_id),
        "signed_at": serializers._iso(signature.created_at),
        "signatures": signature.count,
    }


@hot_route(
    "POST",
    r"/api/v1/proposals/(?P<public_id>[^/]+)/cosign",
    example="/api/v1/proposals/00000000-0000-0000-0000-000000000000/cosign",
)
def cosign_hot(request: HttpRequest, body: dict[str, Any], public_id: str) -> HotAnswer | None:
    """`cosign` as a hot route (core/hotpath.py): the same steps for a bearer token and a body
    that `CosignIn` takes strictly; an unknown token or any other body is left to it."""
    caller = hot_route_caller(request, CosignIn, body)
    if caller is None:
        return None
    user, payload = caller
    return _cosigned(request, user, public_id, payload)


@router.get(
    "/{public_id}/follow",
    auth=REQUIRED,
    response=ProposalFollowingOut,
    summary="Whether you get its notices",
)
def get_follow(request: HttpRequest, public_id: str):
    proposal = _proposal(request, public_id)
    return {"following": selectors.is_following(proposal, _user(request))}


@router.put(
    "/{public_id}/follow",
    auth=REQUIRED,
    response=ProposalFollowingOut,
    summary="Follow its notices, or stop them",
)
def set_follow(request: HttpRequest, public_id: str, payload: FollowIn):
    following = services.follow_set(
        actor=_user(request), proposal=_proposal(request, public_id), following=payload.following
    )
    return {"following": following}


@router.post(
    "/{public_id}/meeting",
    auth=REQUIRED,
    response={201: ProposalMeetingOut},
    summary="Call the collaboration meeting (officials of a responsible agency)",
)
def call_meeting(request: HttpRequest, public_id: str, payload: MeetingIn):
    proposal = _proposal(request, public_id)
    services.meeting_call(actor=_user(request), proposal=proposal, **payload.dict())
    return HttpStatus(201, serializers.meeting_dict(proposal))


@router.put(
    "/{public_id}/meeting",
    auth=REQUIRED,
    response=ProposalMeetingOut,
    summary="Move the collaboration meeting or change its place or agenda (before it starts)",
)
def change_meeting(request: HttpRequest, public_id: str, payload: MeetingIn):
    proposal = _proposal(request, public_id)
    services.meeting_change(actor=_user(request), proposal=proposal, **payload.dict())
    return serializers.meeting_dict(proposal)


@router.post(
    "/{public_id}/meeting/seats",
    auth=REQUIRED,
    response={201: ProposalMeetingOut},
    summary="Take a seat at the collaboration meeting (co-signers, first come)",
)
def take_meeting_seat(request: HttpRequest, public_id: str):
    proposal = _proposal(request, public_id)
    services.meeting_take_seat(actor=_user(request), proposal=proposal)
    return HttpStatus(201, serializers.meeting_dict(proposal))


@router.post(
    "/{public_id}/review",
    auth=REQUIRED,
    response=ProposalDetailOut,
    summary="Operator's decision",
)
def review(request: HttpRequest, public_id: str, payload: ReviewIn):
    user = _user(request)
    proposal = _proposal(request, public_id)
    if payload.decision == "publish":
        proposal = services.proposal_publish(
            actor=user, proposal=proposal, agencies=payload.agencies, message=payload.message
        )
    elif payload.decision == "request_changes":
        proposal = services.proposal_request_changes(
            actor=user, proposal=proposal, message=payload.message, agencies=payload.agencies
        )
    elif payload.decision == "reject":
        proposal = services.proposal_reject(
            actor=user, proposal=proposal, grounds=payload.grounds, message=payload.message
        )
    else:
        raise ServiceError("invalid", _("Unknown decision."), field="decision")
    return serializers.proposal_detail(proposal)


class AgenciesIn(Schema):
    """The responsible agencies, by code."""

    agencies: list[str] = Field(max_length=10)


@router.post(
    "/{public_id}/agencies",
    auth=REQUIRED,
    response=ProposalDetailOut,
    summary="Change agencies (operators)",
)
def change_agencies(request: HttpRequest, public_id: str, payload: AgenciesIn):
    proposal = services.proposal_set_agencies(
        actor=_user(request), proposal=_proposal(request, public_id), agencies=payload.agencies
    )
    return serializers.proposal_detail(proposal)


@router.post(
    "/{public_id}/response", auth=REQUIRED, response={201: ProposalResponseOut}, summary="Respond"
)
def respond(request: HttpRequest, public_id: str, payload: ResponseIn):
    proposal = _proposal(request, public_id)
    response = services.response_publish(
        actor=_user(request),
        proposal=proposal,
        summary=payload.summary,
        easy_read_summary=payload.easy_read_summary,
        points=[p.dict() for p in payload.points],
    )
    return HttpStatus(201, serializers.response_dict(response))


@router.post(
    "/{public_id}/extensions", auth=REQUIRED, response={201: ProposalExtendedOut}, summary="Extend"
)
def extend(request: HttpRequest, public_id: str, payload: ExtensionIn):
    proposal = _proposal(request, public_id)
    extension = services.extension_create(
        actor=_user(request), proposal=proposal, progress=payload.progress, new_due=payload.new_due
    )
    return HttpStatus(
        201, {"new_due": extension.new_due.isoformat(), "progress": extension.progress}
    )


@router.post(
    "/{public_id}/comments",
    auth=REQUIRED,
    response={201: ProposalCommentCreatedOut},
    summary="Comment",
)
def comment(request: HttpRequest, public_id: str, payload: ProposalCommentIn):
    proposal = _proposal(request, public_id)
    created: Comment = services.comment_create(
        actor=_user(request),
        proposal=proposal,
        body=payload.body,
        address=client_ip(request),
    )
    return HttpStatus(201, {"id": str(created.public_id), "body": created.body})
