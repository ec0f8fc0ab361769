"""JSON API of opinion mapping: /api/v1/opinions/…

Under its own prefix rather than inside the consultations router: the consultations app must
not import this one, and a router of its own cannot collide with routes added to the
consultations API; every conversation names its consultation (`consultation_id`) and
`GET /api/v1/opinions?consultation=<id>` lists a consultation's conversations.

Public reads: conversations, shown statements, the next statement for the caller, the latest
map (and any version), the vote history of a conversation. Writes (session with CSRF, or a
bearer token): turn mapping on, add seed statements, add a statement, vote, moderate, ban,
respond to a consensus statement.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from opengov.accounts.auth import OPTIONAL, REQUIRED, hot_route_caller
from opengov.consultations import selectors as consultation_selectors
from opengov.core.errors import NotFound
from opengov.core.hotpath import UUID_SEGMENT, HotAnswer, hot_route
from opengov.core.pagination import PageParams, paginate

from . import rules, selectors, services
from .exporters import map_row, vote_rows_queryset
from .models import Conversation, Participant, Statement, StatementStatus
from .permissions import can_moderate

router = Router(tags=["opinions"])


def _user(request: HttpRequest) -> Any:
    auth = getattr(request, "auth", None)
    return auth if getattr(auth, "is_authenticated", False) else request.user


def _conversation(request: HttpRequest, public_id: uuid.UUID) -> tuple[Conversation, Any]:
    conversation = selectors.conversation_by_public_id(public_id)
    if conversation is None:
        raise NotFound()
    consultation = services.consultation_of(conversation, _user(request))
    if consultation is None:
        raise NotFound()
    return conversation, consultation


def conversation_summary(c: Conversation) -> dict[str, Any]:
    """A conversation as the API shows it."""
    return {
        "id": str(c.public_id),
        "consultation_id": str(c.consultation_public_id),
        "article_position": c.article_position,
        "topic": c.topic,
        "description": c.description,
        "closed": c.is_closed,
        "created_at": c.created_at,
        "statement_max_chars": rules.statement_max_chars(),
    }


def statement_summary(s: Statement) -> dict[str, Any]:
    """A shown statement with its counts."""
    return {
        "number": s.number,
        "text": s.text,
        "from_agency": s.is_seed,
        "agrees": s.agree_count,
        "disagrees": s.disagree_count,
        "passes": s.pass_count,
    }


class OpinionConversationOut(Schema):
    """A conversation (opinion mapping on a consultation, or on one of its articles)."""

    id: str
    consultation_id: str
    article_position: int | None
    topic: str
    description: str
    closed: bool
    created_at: dt.datetime
    statement_max_chars: int


class OpinionConversationPage(Schema):
    """One page of conversations."""

    items: list[OpinionConversationOut]
    count: int


class OpinionStatementOut(Schema):
    """A shown statement with its counts."""

    number: int
    text: str
    from_agency: bool
    agrees: int
    disagrees: int
    passes: int


class OpinionConversationDetailOut(OpinionConversationOut):
    """A conversation with its shown statements."""

    statements: list[OpinionStatementOut]


class OpinionNextOut(Schema):
    """The statement to vote on next (null when none is left) and how many the caller voted."""

    statement: OpinionStatementOut | None
    voted: int


class OpinionSubmittedOut(Schema):
    """A statement submitted, with its moderation status."""

    number: int
    status: str


class OpinionVoteOut(Schema):
    """The vote recorded, with its place in the vote history."""

    statement: int
    vote: int = Field(description="1 agree, -1 disagree, 0 pass")
    sequence: int


class OpinionVoteRowOut(Schema):
    """A row of the anonymised vote history."""

    sequence: int
    participant: str = Field(description="a pseudonym per conversation")
    statement: int
    vote: int


class OpinionVotePage(Schema):
    """One page of the vote history."""

    items: list[OpinionVoteRowOut]
    count: int


class OpinionMapOut(Schema):
    """A published opinion map, with what is needed to recompute it."""

    conversation_id: str
    consultation_id: str
    version: int
    computed_at: dt.datetime
    votes_through: int
    matrix_sha256: str
    result_sha256: str
    seed: int
    params: dict[str, Any]
    groups: int
    participants: int
    placed: int
    votes: int
    result: dict[str, Any]


class OpinionPendingOut(Schema):
    """A statement awaiting moderation."""

    number: int
    text: str
    created_at: dt.datetime


class OpinionPendingList(Schema):
    """The statements awaiting moderation."""

    items: list[OpinionPendingOut]
    count: int


class OpinionModeratedOut(Schema):
    """The statement's status after moderation, and the ground of a rejection."""

    number: int
    status: str
    ground: str


class OpinionBanOut(Schema):
    """The banned participant (their votes leave the published history)."""

    participant: str
    banned: bool
    ground: str


class OpinionConsensusAnswerOut(Schema):
    """The agency's answer to a consensus statement."""

    statement: int
    decision: str
    reason: str


class ConversationListFilters(PageParams):
    """Filters of the conversation list."""

    consultation: uuid.UUID | None = Field(None, description="only this consultation's")


@router.get("", auth=OPTIONAL, response=OpinionConversationPage, summary="List conversations")
def list_conversations(
    request: HttpRequest, filters: Query[ConversationListFilters]
) -> dict[str, Any]:
    """Conversations on the consultations the caller may see, oldest first."""
    user = _user(request)
    qs = Conversation.objects.order_by("created_at", "id")
    if filters.consultation:
        qs = qs.filter(consultation_public_id=filters.consultation)
    visible = []
    for c in qs:
        if services.consultation_of(c, user) is not None:
            visible.append(c)
    return paginate(visible, filters, conversation_summary)


class ConversationIn(Schema):
    """Turn opinion mapping on for a consultation (or one article)."""

    consultation_id: uuid.UUID
    topic: str = Field(..., max_length=300)
    description: str = ""
    article_position: int | None = Field(None, ge=1)
    seed_statements: list[str] = Field(default_factory=list, max_length=200)


@router.post(
    "",
    auth=REQUIRED,
    summary="Turn opinion mapping on",
    response={201: OpinionConversationOut},
)
def create_conversation(request: HttpRequest, payload: ConversationIn) -> Status:
    """Officials of the consultation's agency start a conversation with seed statements."""
    user = _user(request)
    consultation = consultation_selectors.consultation_by_public_id(
        payload.consultation_id, user=user
    )
    if consultation is None:
        raise NotFound()
    conversation = services.conversation_start(
        actor=user,
        consultation=consultation,
        topic=payload.topic,
        description=payload.description,
        article_position=payload.article_position,
        seed_statements=payload.seed_statements,
    )
    return Status(201, conversation_summary(conversation))


@router.get(
    "/{uuid:public_id}",
    auth=OPTIONAL,
    response=OpinionConversationDetailOut,
    summary="A conversation",
)
def get_conversation(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """The conversation with its shown statements."""
    conversation, _ = _conversation(request, public_id)
    return {
        **conversation_summary(conversation),
        "statements": [statement_summary(s) for s in selectors.shown_statements(conversation)],
    }


@router.get(
    "/{uuid:public_id}/next",
    auth=REQUIRED,
    response=OpinionNextOut,
    summary="The next statement to vote on",
)
def next_statement(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """The statement to show the caller next (`statement` is null when none is left)."""
    conversation, _ = _conversation(request, public_id)
    user = _user(request)
    participant = selectors.participant_for(conversation, user)
    from django.conf import settings

    pseudonym = rules.pseudonym(settings.ID_HASH_KEY, str(conversation.public_id), user.pk)
    statement = selectors.next_statement(conversation, participant, pseudonym=pseudonym)
    return {
        "statement": statement_summary(statement) if statement else None,
        "voted": len(selectors.my_votes(conversation, participant)),
    }


class StatementIn(Schema):
    """A statement's text."""

    text: str = Field(..., max_length=5000)


@router.post(
    "/{uuid:public_id}/statements",
    auth=REQUIRED,
    summary="Add a statement",
    response={201: OpinionSubmittedOut},
)
def add_statement(request: HttpRequest, public_id: uuid.UUID, payload: StatementIn) -> Status:
    """A participant's statement (pending moderation); the agency's officials add seed
    statements through `/seed`."""
    conversation, _ = _conversation(request, public_id)
    statement = services.statement_submit(
        actor=_user(request), conversation=conversation, text=payload.text
    )
    return Status(201, {"number": statement.number, "status": statement.status})


@router.post(
    "/{uuid:public_id}/seed",
    auth=REQUIRED,
    summary="Add a seed statement",
    response={201: OpinionStatementOut},
)
def add_seed(request: HttpRequest, public_id: uuid.UUID, payload: StatementIn) -> Status:
    """The agency's statement, shown at once."""
    conversation, _ = _conversation(request, public_id)
    statement = services.seed_statement_add(
        actor=_user(request), conversation=conversation, text=payload.text
    )
    return Status(201, statement_summary(statement))


class VoteIn(Schema):
    """A vote: `agree`, `disagree` or `pass` (or 1, -1, 0)."""

    statement: int = Field(..., ge=1, le=2**31 - 1)
    vote: str | int


@router.post(
    "/{uuid:public_id}/votes",
    auth=REQUIRED,
    summary="Vote on a statement",
    response={201: OpinionVoteOut},
)
def vote(request: HttpRequest, public_id: uuid.UUID, payload: VoteIn) -> Status:
    """Cast or change a vote; the same vote twice is a 409 and changes nothing."""
    return Status(*_voted(_user(request), public_id, payload))


def _voted(user: Any, public_id: uuid.UUID, payload: VoteIn) -> HotAnswer:
    conversation = selectors.conversation_for_voting(public_id)
    if conversation is None:
        raise NotFound()
    cast = services.vote_cast(
        actor=user,
        conversation=conversation,
        statement_number=payload.statement,
        value=payload.vote,
    )
    return 201, {"statement": payload.statement, "vote": cast.value, "sequence": cast.pk}


@hot_route(
    "POST",
    rf"/api/v1/opinions/(?P<public_id>{UUID_SEGMENT})/votes",
    example="/api/v1/opinions/00000000-0000-0000-0000-000000000000/votes",
)
def vote_hot(request: HttpRequest, body: dict[str, Any], public_id: str) -> HotAnswer | None:
    """`vote` as a hot route (core/hotpath.py): the same steps for a bearer token and a body
    that `VoteIn` takes strictly; an unknown token or any other body is left to it."""
    caller = hot_route_caller(request, VoteIn, body)
    if caller is None:
        return None
    user, payload = caller
    return _voted(user, uuid.UUID(public_id), payload)


@router.get(
    "/{uuid:public_id}/votes",
    auth=OPTIONAL,
    response=OpinionVotePage,
    summary="The anonymised vote history",
)
def vote_history(
    request: HttpRequest, public_id: uuid.UUID, params: Query[PageParams]
) -> dict[str, Any]:
    """Rows of (sequence, participant pseudonym, statement, vote), in order; a later row for
    the same participant and statement replaces the earlier one."""
    conversation, consultation = _conversation(request, public_id)
    if consultation.published_at is None:
        raise NotFound()
    qs = vote_rows_queryset([conversation.pk])
    return paginate(
        qs,
        params,
        lambda r: {"sequence": r[1], "participant": r[2], "statement": r[3], "vote": r[4]},
    )


@router.get(
    "/{uuid:public_id}/map", auth=OPTIONAL, response=OpinionMapOut, summary="The latest map"
)
def latest_map(
    request: HttpRequest, public_id: uuid.UUID, version: int | None = None
) -> dict[str, Any]:
    """The latest published map (or `?version=`), with its checksum, parameters and seed."""
    conversation, _ = _conversation(request, public_id)
    qs = conversation.maps.all()
    found = qs.filter(version=version).first() if version else qs.order_by("-version").first()
    if found is None:
        raise NotFound()
    found.conversation = conversation
    return map_row(found)


@router.get(
    "/{uuid:public_id}/moderation",
    auth=REQUIRED,
    response=OpinionPendingList,
    summary="Statements awaiting moderation",
)
def moderation_queue(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """For moderators and the agency's officials."""
    conversation, consultation = _conversation(request, public_id)
    if not can_moderate(_user(request), consultation):
        raise NotFound()
    pending = selectors.pending_statements(conversation)
    return {
        "items": [
            {"number": s.number, "text": s.text, "created_at": s.created_at} for s in pending
        ],
        "count": pending.count(),
    }


class ModerationIn(Schema):
    """Show a statement (`accept`), or not with a published ground."""

    accept: bool
    ground: str = ""
    note: str = Field("", max_length=500)


@router.post(
    "/{uuid:public_id}/statements/{number}/moderate",
    auth=REQUIRED,
    response=OpinionModeratedOut,
    summary="Moderate a statement",
)
def moderate(
    request: HttpRequest, public_id: uuid.UUID, number: int, payload: ModerationIn
) -> dict[str, Any]:
    """Moderators and the agency's officials."""
    conversation, consultation = _conversation(request, public_id)
    user = _user(request)
    if not can_moderate(user, consultation):
        raise NotFound()
    statement = Statement.objects.filter(conversation=conversation, number=number).first()
    if statement is None:
        raise NotFound()
    statement = services.statement_moderate(
        actor=user,
        statement=statement,
        accept=payload.accept,
        ground=payload.ground,
        note=payload.note,
    )
    return {"number": statement.number, "status": statement.status, "ground": statement.ground}


class BanIn(Schema):
    """A published ground."""

    ground: str


@router.post(
    "/{uuid:public_id}/participants/{pseudonym}/ban",
    auth=REQUIRED,
    response=OpinionBanOut,
    summary="Ban a participant",
)
def ban(
    request: HttpRequest, public_id: uuid.UUID, pseudonym: str, payload: BanIn
) -> dict[str, Any]:
    """Moderators only."""
    conversation, _ = _conversation(request, public_id)
    participant = Participant.objects.filter(conversation=conversation, pseudonym=pseudonym).first()
    if participant is None:
        raise NotFound()
    participant = services.participant_ban(
        actor=_user(request), participant=participant, ground=payload.ground
    )
    return {"participant": participant.pseudonym, "banned": True, "ground": participant.ban_ground}


class ConsensusResponseIn(Schema):
    """The agency's decision and reason."""

    decision: str
    reason: str = Field(..., max_length=10000)


@router.post(
    "/{uuid:public_id}/consensus/{number}/response",
    response=OpinionConsensusAnswerOut,
    auth=REQUIRED,
    summary="Respond to a consensus statement",
)
def respond(
    request: HttpRequest, public_id: uuid.UUID, number: int, payload: ConsensusResponseIn
) -> dict[str, Any]:
    """Officials of the consultation's agency."""
    conversation, _ = _conversation(request, public_id)
    statement = Statement.objects.filter(
        conversation=conversation, number=number, status=StatementStatus.ACCEPTED
    ).first()
    if statement is None:
        raise NotFound()
    response = services.consensus_respond(
        actor=_user(request), statement=statement, decision=payload.decision, reason=payload.reason
    )
    return {"statement": number, "decision": response.decision, "reason": response.reason}
