"""Reads of opinion mapping. Stable for other apps: `conversations_for_consultation()`,
`consensus_with_responses()`."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet

from opengov.core.processcache import Reused

from . import math as opinion_math
from . import rules
from .models import (
    ConsensusResponse,
    Conversation,
    OpinionMap,
    Participant,
    Statement,
    StatementStatus,
    Vote,
)


def conversation_by_public_id(public_id: Any) -> Conversation | None:
    """The conversation with this public id, or None (malformed ids too). Callers check that
    the person may see its consultation (`services.consultation_of`)."""
    try:
        return Conversation.objects.filter(public_id=public_id).first()
    except (ValueError, TypeError, ValidationError):  # a malformed UUID
        return None


#: the conversation of a public id for the vote route, reused for 2 seconds
_for_voting: Reused[Conversation | None] = Reused(seconds=2.0, kept=10_000)


def conversation_for_voting(public_id: Any) -> Conversation | None:
    """The conversation to vote in, its row reused by this process for 2 seconds.

    Safe because the vote's own recording step reads whether the stored conversation is
    closed (and closing is final), and the rest of the row never changes after it is created.
    """
    return _for_voting.get(str(public_id), lambda: conversation_by_public_id(public_id))


def conversations_for_consultation(consultation_public_id: Any) -> list[Conversation]:
    """The conversations of a consultation: the whole text first, then by article."""
    return list(
        Conversation.objects.filter(consultation_public_id=consultation_public_id).order_by(
            "article_position", "id"
        )
    )


def shown_statements(conversation: Conversation) -> QuerySet[Statement]:
    """Statements people vote on, by number."""
    return Statement.objects.filter(
        conversation=conversation, status=StatementStatus.ACCEPTED
    ).order_by("number")


def pending_statements(conversation: Conversation | None = None) -> QuerySet[Statement]:
    """The moderation queue: statements awaiting moderation, oldest first."""
    qs = Statement.objects.filter(status=StatementStatus.PENDING).select_related(
        "conversation", "author"
    )
    if conversation is not None:
        qs = qs.filter(conversation=conversation)
    return qs.order_by("created_at", "id")


def latest_map(conversation: Conversation) -> OpinionMap | None:
    """The newest published map."""
    return conversation.maps.order_by("-version").first()


def participant_for(conversation: Conversation, user: Any) -> Participant | None:
    """The person's participation, if they have taken part."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Participant.objects.filter(conversation=conversation, user=user).first()


def my_votes(conversation: Conversation, participant: Participant | None) -> dict[int, int]:
    """The participant's current votes: statement number -> value."""
    if participant is None:
        return {}
    return dict(
        Vote.objects.filter(participant=participant, superseded=False).values_list(
            "statement__number", "value"
        )
    )


def next_statement(
    conversation: Conversation, participant: Participant | None, *, pseudonym: str = ""
) -> Statement | None:
    """The statement to show this participant next: among those they have not voted on, drawn
    by `rules.statement_order` (few votes and statements that split groups first) with a seed
    from the conversation, the participant and how many votes they have cast."""
    voted = set(my_votes(conversation, participant))
    latest = latest_map(conversation)
    division = {}
    if latest is not None:
        division = {
            s["statement"]: s.get("division", 0.0) for s in latest.result.get("statements", [])
        }
    candidates = [
        rules.Candidate(number=s.number, votes=s.vote_count, division=division.get(s.number, 0.0))
        for s in shown_statements(conversation).only(
            "number", "agree_count", "disagree_count", "pass_count"
        )
        if s.number not in voted
    ]
    if not candidates:
        return None
    who = participant.pseudonym if participant else pseudonym
    order = rules.statement_order(candidates, rules.order_seed(conversation.seed, who, len(voted)))
    return Statement.objects.get(conversation=conversation, number=order[0])


def _last_committed_vote_id(conversation: Conversation) -> int:
    """The id of the last vote, such that every vote with a smaller id has committed.

    On PostgreSQL ids are taken in insert order but transactions may commit out of it; a
    brief SHARE lock waits for the writers in flight, so no smaller id can appear later.
    SQLite has one writer at a time, in id order.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f'LOCK TABLE "{Vote._meta.db_table}" IN SHARE MODE')
        last = (
            Vote.objects.filter(conversation=conversation)
            .order_by("-id")
            .values_list("id", flat=True)
            .first()
        )
    return int(last or 0)


def vote_matrix(conversation: Conversation) -> tuple[opinion_math.Matrix, int, int]:
    """The anonymised vote matrix of the conversation now: the last vote of each participant on
    each shown statement, banned participants left out; with the last vote id counted (twice:
    as `last_vote_id` and as the published `votes_through`, the same sequence number)."""
    last_id = _last_committed_vote_id(conversation)
    columns = list(shown_statements(conversation).values_list("number", flat=True))
    names = dict(
        Participant.objects.filter(conversation=conversation, banned_at__isnull=True).values_list(
            "id", "pseudonym"
        )
    )
    qs = Vote.objects.filter(
        conversation=conversation,
        id__lte=last_id,
        participant__banned_at__isnull=True,
        statement__status=StatementStatus.ACCEPTED,
    ).values_list("id", "participant_id", "statement__number", "value")
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    data = np.array(rows, dtype=np.int64).reshape(-1, 4)
    data = _last_per_pair(data)
    ids = np.array(sorted(names), dtype=np.int64)
    codes = np.searchsorted(ids, data[:, 1])
    if len(codes) and (
        (codes >= len(ids)).any() or (ids[np.minimum(codes, len(ids) - 1)] != data[:, 1]).any()
    ):
        raise LookupError("a vote of a participant read after the participants")
    matrix = opinion_math.matrix_from_codes(
        [names[p] for p in ids.tolist()], codes, data[:, 2], data[:, 3], columns=columns
    )
    return matrix, last_id, last_id


def _last_per_pair(data: np.ndarray) -> np.ndarray:
    """Rows (id, participant, statement, value): the one with the largest id per pair."""
    if not len(data):
        return data
    order = np.lexsort((data[:, 0], data[:, 2], data[:, 1]))
    data = data[order]
    pair = data[:, 1:3]
    last = np.ones(len(data), bool)
    last[:-1] = (pair[1:] != pair[:-1]).any(axis=1)
    return data[last]


def consensus_with_responses(conversation: Conversation) -> list[dict[str, Any]]:
    """The consensus statements of the latest map, each with its statement and the agency's
    response (None when not yet answered)."""
    latest = latest_map(conversation)
    if latest is None:
        return []
    consensus = latest.result.get("consensus", [])
    numbers = [c["statement"] for c in consensus]
    statements = {
        s.number: s for s in Statement.objects.filter(conversation=conversation, number__in=numbers)
    }
    responses = {
        r.statement_id: r
        for r in ConsensusResponse.objects.filter(statement__in=statements.values())
    }
    out = []
    for c in consensus:
        statement = statements.get(c["statement"])
        if statement is None:
            continue
        out.append(
            {
                **c,
                "text": statement.text,
                "object": statement,
                "response": responses.get(statement.pk),
            }
        )
    return out


def statements_by_number(conversation: Conversation, numbers: list[int]) -> dict[int, Statement]:
    """Statements by number (for labelling a map)."""
    return {
        s.number: s for s in Statement.objects.filter(conversation=conversation, number__in=numbers)
    }


def stale_conversation_ids() -> list[int]:
    """Conversations whose newest vote is newer than their latest map (or that have votes and
    no map)."""
    from django.db.models import Max, OuterRef, Subquery

    latest = OpinionMap.objects.filter(conversation=OuterRef("pk")).order_by("-version")
    rows = Conversation.objects.annotate(
        newest=Max("votes__id"), mapped=Subquery(latest.values("last_vote_id")[:1])
    ).values_list("pk", "newest", "mapped")
    return [pk for pk, newest, mapped in rows if newest and (mapped is None or newest > mapped)]
