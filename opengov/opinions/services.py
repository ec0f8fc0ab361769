"""Every write of opinion mapping: `<entity>_<verb>(*, actor, ...)`, atomic, with its audit event.

Votes are the one high-volume act: like co-signatures they are recorded in their own
exportable table (`Vote`, append-only), not in the chained audit log, whose head row would
queue every voter. The consultation is reached only through `consultations.selectors`.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from opengov.accounts.permissions import require_level, require_signed_in
from opengov.consultations import selectors as consultation_selectors
from opengov.core import audit, clock, db
from opengov.core.errors import Conflict, Forbidden, NotFound, ServiceError
from opengov.core.processcache import Reused
from opengov.core.text import clean_plain

from . import rules
from .mapping import map_params, map_recompute  # noqa: F401 (the map's service, re-exported)
from .models import (
    ConsensusResponse,
    Conversation,
    Participant,
    Statement,
    StatementStatus,
    Vote,
)
from .permissions import can_ban, can_manage, can_moderate

COUNT_FIELD = {1: "agree_count", -1: "disagree_count", 0: "pass_count"}


def consultation_of(conversation: Conversation, user: Any = None) -> Any:
    """The consultation of a conversation as `user` may see it (None if they may not)."""
    return consultation_selectors.consultation_by_public_id(
        conversation.consultation_public_id, user=user
    )


#: the published consultation (or None) of a consultation public id, reused for 2 seconds
_published: Reused[Any] = Reused(seconds=2.0, kept=10_000)


def published_consultation(conversation: Conversation) -> Any:
    """The conversation's consultation if it is published (votes are only taken there), reused
    by this process for 2 seconds: after publication only the clock and the report change
    whether it takes votes, and the state is derived from the clock at each vote."""
    key = conversation.consultation_public_id
    return _published.get(
        key, lambda: consultation_selectors.consultation_by_public_id(key), keep=lambda _v: True
    )


def _require_manager(actor: Any, consultation: Any) -> None:
    require_signed_in(actor)
    if consultation is None:
        raise NotFound()
    if not can_manage(actor, consultation):
        if consultation.published_at is None:
            raise NotFound()
        raise Forbidden(_("Only officials of the agency that owns this consultation can do this."))


def _statement_text(text: str, field: str = "text") -> str:
    cleaned = " ".join(clean_plain(text or "").split())
    if not cleaned:
        raise ServiceError("required", _("Write the statement."), field=field)
    limit = rules.statement_max_chars()
    if len(cleaned) > limit:
        raise ServiceError(
            "too_long",
            _("A statement can have at most %(n)d characters (this one has %(m)d).")
            % {"n": limit, "m": len(cleaned)},
            field=field,
        )
    return cleaned


def _require_open(conversation: Conversation, consultation: Any) -> None:
    if conversation.is_closed:
        raise Conflict("closed", _("This opinion mapping is closed."))
    state = consultation.state
    if state == "draft":
        raise Conflict("not_open", _("This consultation is not open yet."))
    if state != "open":
        raise Conflict("closed", _("This consultation is closed."))


# --- conversations ---------------------------------------------------------------------------


@transaction.atomic
def conversation_start(
    *,
    actor: Any,
    consultation: Any,
    topic: str,
    description: str = "",
    article_position: int | None = None,
    seed_statements: list[str] | tuple[str, ...] = (),
) -> Conversation:
    """Turn opinion mapping on for a consultation, or one of its articles, with the agency's
    seed statements (shown at once)."""
    _require_manager(actor, consultation)
    if consultation.state in ("closed", "reported"):
        raise Conflict("closed", _("This consultation is closed."))
    if article_position is not None:
        positions = {a.position for a in consultation_selectors.consultation_articles(consultation)}
        if article_position not in positions:
            raise ServiceError("invalid", _("There is no such article."), field="article")
    text = clean_plain(topic or "").strip()
    if not text:
        raise ServiceError("required", _("Give the question people respond to."), field="topic")
    if len(text) > 300:
        raise ServiceError(
            "too_long", _("The question can have at most 300 characters."), field="topic"
        )
    seeds = [_statement_text(s, "seed_statements") for s in seed_statements if (s or "").strip()]
    exists = Conversation.objects.filter(
        consultation_public_id=consultation.public_id, article_position=article_position
    ).exists()
    if exists:
        raise Conflict(
            "exists", _("Opinion mapping is already on for this consultation or article.")
        )
    conversation = Conversation.objects.create(
        consultation_public_id=consultation.public_id,
        article_position=article_position,
        agency_code=consultation.agency.code,
        topic=text,
        description=clean_plain(description or "")[:5000],
        seed=secrets.randbelow(2**31),
        created_by=actor,
        created_at=clock.now(),
    )
    for seed_text in seeds:
        _add_statement(conversation, actor, seed_text, seed=True)
    audit.record(
        actor=actor,
        verb="opinions.conversation_started",
        target=conversation,
        agency_code=conversation.agency_code,
        public=True,
        changes={
            "consultation": str(consultation.public_id),
            "article": article_position,
            "seed_statements": len(seeds),
        },
    )
    return conversation


@transaction.atomic
def conversation_close(*, actor: Any, conversation: Conversation) -> Conversation:
    """Stop taking statements and votes (the maps stay published)."""
    consultation = consultation_of(conversation, actor)
    _require_manager(actor, consultation)
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if conversation.is_closed:
        raise Conflict("closed", _("This opinion mapping is already closed."))
    conversation.closed_at = clock.now()
    conversation.save(update_fields=["closed_at"])
    audit.record(
        actor=actor,
        verb="opinions.conversation_closed",
        target=conversation,
        agency_code=conversation.agency_code,
        public=True,
    )
    return conversation


# --- statements ------------------------------------------------------------------------------


def _add_statement(conversation: Conversation, author: Any, text: str, *, seed: bool) -> Statement:
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if (
        Statement.objects.filter(conversation=conversation, text=text)
        .exclude(status=StatementStatus.REJECTED)
        .exists()
    ):
        raise Conflict(
            "duplicate",
            _("This statement is already there."),
        )
    number = conversation.statement_count + 1
    Conversation.objects.filter(pk=conversation.pk).update(statement_count=number)
    now = clock.now()
    return Statement.objects.create(
        conversation=conversation,
        number=number,
        text=text,
        author=author,
        is_seed=seed,
        status=StatementStatus.ACCEPTED if seed else StatementStatus.PENDING,
        created_at=now,
        moderated_at=now if seed else None,
        moderated_by=author if seed else None,
    )


@transaction.atomic
def seed_statement_add(*, actor: Any, conversation: Conversation, text: str) -> Statement:
    """The agency adds a seed statement (shown at once)."""
    consultation = consultation_of(conversation, actor)
    _require_manager(actor, consultation)
    if conversation.is_closed:
        raise Conflict("closed", _("This opinion mapping is closed."))
    statement = _add_statement(conversation, actor, _statement_text(text), seed=True)
    audit.record(
        actor=actor,
        verb="opinions.seed_statement_added",
        target=statement,
        agency_code=conversation.agency_code,
        public=True,
        changes={"number": statement.number},
    )
    return statement


@transaction.atomic
def statement_submit(*, actor: Any, conversation: Conversation, text: str) -> Statement:
    """A participant proposes a statement; it is shown after moderation."""
    require_level(actor, rules.required_level())
    consultation = consultation_of(conversation, actor)
    if consultation is None:
        raise NotFound()
    _require_open(conversation, consultation)
    cleaned = _statement_text(text)
    participant = _participant(conversation, actor)
    if participant.is_banned:
        raise Forbidden(_("You can no longer take part in this opinion mapping."), code="banned")
    today = clock.start_of_local_day(clock.today())
    recent = Statement.objects.filter(
        conversation=conversation, author=actor, created_at__gte=today
    ).count()
    if recent >= rules.section().statements_per_day:
        raise ServiceError(
            "too_many",
            _("You can add at most %(n)d statements a day here.")
            % {"n": rules.section().statements_per_day},
            field="text",
            status=429,
        )
    statement = _add_statement(conversation, actor, cleaned, seed=False)
    audit.record(
        actor=actor,
        verb="opinions.statement_submitted",
        target=statement,
        changes={"conversation": str(conversation.public_id), "number": statement.number},
    )
    return statement


@transaction.atomic
def statement_moderate(
    *, actor: Any, statement: Statement, accept: bool, ground: str = "", note: str = ""
) -> Statement:
    """Show a statement, or keep it from being shown on one of the published grounds (the same
    as for comments). A shown statement may later be rejected; its votes then leave the map."""
    require_signed_in(actor)
    conversation = statement.conversation
    consultation = consultation_of(conversation, actor)
    if consultation is None:
        raise NotFound()
    if not can_moderate(actor, consultation):
        raise Forbidden(_("Only moderators and the agency's officials can moderate statements."))
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    if accept:
        if statement.status == StatementStatus.ACCEPTED:
            raise Conflict("already_shown", _("This statement is already shown."))
        statement.status, statement.ground, statement.note = StatementStatus.ACCEPTED, "", ""
    else:
        if ground not in rules.moderation_grounds():
            raise ServiceError("invalid", _("Choose one of the published grounds."), field="ground")
        if statement.status == StatementStatus.REJECTED:
            raise Conflict("already_rejected", _("This statement is already not shown."))
        was_shown = statement.status == StatementStatus.ACCEPTED
        statement.status, statement.ground = StatementStatus.REJECTED, ground
        statement.note = clean_plain(note or "")[:500]
        if was_shown:
            transaction.on_commit(lambda: schedule_recompute(conversation.pk))
    statement.moderated_at, statement.moderated_by = clock.now(), actor
    statement.save(update_fields=["status", "ground", "note", "moderated_at", "moderated_by"])
    audit.record(
        actor=actor,
        verb="opinions.statement_accepted" if accept else "opinions.statement_rejected",
        target=statement,
        agency_code=conversation.agency_code,
        public=not accept,
        changes={"number": statement.number, "ground": statement.ground},
    )
    return statement


# --- participants and votes ------------------------------------------------------------------


def _participant(conversation: Conversation, user: Any) -> Participant:
    found = next(
        iter(Participant.objects.filter(conversation=conversation, user=user).order_by()), None
    )
    if found is not None:
        return found
    pseudonym = rules.pseudonym(settings.ID_HASH_KEY, str(conversation.public_id), user.pk)
    try:
        with transaction.atomic():
            return Participant.objects.create(
                conversation=conversation, user=user, pseudonym=pseudonym, joined_at=clock.now()
            )
    except IntegrityError:
        return Participant.objects.get(conversation=conversation, user=user)


def _parse_value(value: Any) -> int:
    names = {"agree": 1, "disagree": -1, "pass": 0, "1": 1, "-1": -1, "0": 0}
    if isinstance(value, bool):
        value = None
    if isinstance(value, int) and value in (-1, 0, 1):
        return value
    if isinstance(value, str) and value.strip().lower() in names:
        return names[value.strip().lower()]
    raise ServiceError("invalid", _("A vote is agree, disagree or pass."), field="vote")


#: one vote as one statement on PostgreSQL (`core.db.fetch_one`, prepared once per connection):
#: the stored conversation is open, the statement is shown, the person's participation (joined
#: here on their first vote, with the vote counted) is not banned, their current vote on the
#: statement (locked) is not the same; then the earlier vote is superseded, the new one
#: inserted, the statement's counts and the participant's vote count changed. The insert reads
#: `sup`'s count, so the earlier vote is superseded before the new current one is inserted
#: (the unique index on current votes sees it as deleted by this statement).
_PG_VOTE = """
WITH conv AS (
    SELECT id FROM opinions_conversation WHERE id = %(conversation)s AND closed_at IS NULL
), st AS (
    SELECT s.id FROM opinions_statement s JOIN conv ON s.conversation_id = conv.id
    WHERE s.number = %(number)s AND s.status = 'accepted'
), found AS (
    SELECT id, banned_at IS NOT NULL AS banned FROM opinions_participant
    WHERE conversation_id = %(conversation)s AND user_id = %(user)s
), joined AS (
    INSERT INTO opinions_participant (conversation_id, user_id, pseudonym, joined_at,
                                      vote_count, ban_ground)
    SELECT %(conversation)s, %(user)s, %(pseudonym)s, %(now)s, 1, '' FROM st
    WHERE NOT EXISTS (SELECT 1 FROM found)
    ON CONFLICT DO NOTHING
    RETURNING id, false AS banned
), part AS (
    SELECT id, banned FROM found UNION ALL SELECT id, banned FROM joined
), cur AS (
    SELECT v.id, v.value FROM opinions_vote v JOIN part ON v.participant_id = part.id
    JOIN st ON v.statement_id = st.id
    WHERE NOT v.superseded AND NOT part.banned
    FOR UPDATE OF v
), sup AS (
    UPDATE opinions_vote SET superseded = true
    WHERE id IN (SELECT id FROM cur WHERE value <> %(value)s)
    RETURNING value
), ins AS (
    INSERT INTO opinions_vote (conversation_id, statement_id, participant_id, value,
                               created_at, superseded)
    SELECT %(conversation)s, st.id, part.id, %(value)s, %(now)s, false FROM st, part
    WHERE NOT part.banned AND NOT EXISTS (SELECT 1 FROM cur WHERE value = %(value)s)
      AND (SELECT count(*) FROM sup) >= 0
    RETURNING id
), counted AS (
    UPDATE opinions_statement SET
        agree_count = agree_count + (CASE WHEN %(value)s = 1 THEN 1 ELSE 0 END)
                      - (SELECT count(*) FROM sup WHERE value = 1),
        disagree_count = disagree_count + (CASE WHEN %(value)s = -1 THEN 1 ELSE 0 END)
                      - (SELECT count(*) FROM sup WHERE value = -1),
        pass_count = pass_count + (CASE WHEN %(value)s = 0 THEN 1 ELSE 0 END)
                      - (SELECT count(*) FROM sup WHERE value = 0)
    WHERE id = (SELECT id FROM st) AND EXISTS (SELECT 1 FROM ins)
    RETURNING 1
), bumped AS (
    UPDATE opinions_participant SET vote_count = vote_count + 1
    WHERE id = (SELECT id FROM found) AND EXISTS (SELECT 1 FROM ins)
      AND NOT EXISTS (SELECT 1 FROM sup)
    RETURNING 1
)
SELECT (SELECT count(*) FROM conv), (SELECT count(*) FROM st), (SELECT count(*) FROM part),
       (SELECT bool_or(banned) FROM part), (SELECT max(value) FROM cur), (SELECT id FROM ins),
       (SELECT count(*) FROM counted), (SELECT count(*) FROM bumped)
"""


class _Retry(Exception):
    """A concurrent vote of the same person changed what the statement saw: run it again."""


def _record_vote_pg(
    conversation_id: int, user_id: int, pseudonym: str, number: int, value: int, now: Any
) -> tuple[str, int | None]:
    params = {
        "conversation": conversation_id,
        "user": user_id,
        "pseudonym": pseudonym,
        "now": connection.ops.adapt_datetimefield_value(now),
        "number": number,
        "value": value,
    }
    try:
        if connection.in_atomic_block:  # a caller's transaction: a refusal must not end it
            with transaction.atomic():
                row = db.fetch_one(_PG_VOTE, params)
        else:
            row = db.fetch_one(_PG_VOTE, params)
    except IntegrityError:
        # the same person's concurrent vote on the same statement (or first vote here)
        # committed between this statement's snapshot and its insert
        raise _Retry() from None
    assert row is not None
    conv, shown, parts, banned, current, vote_id, _counted, _bumped = row
    if not conv:
        return "closed", None
    if not shown:
        return "unknown_statement", None
    if not parts:
        raise _Retry()  # joined concurrently by the same person's other request
    if banned:
        return "banned", None
    if vote_id is None:
        if current == value:
            return "unchanged", None
        raise _Retry()
    return "", vote_id


def _record_vote_orm(
    conversation_id: int, user: Any, pseudonym: str, number: int, value: int, now: Any
) -> tuple[str, int | None]:
    with transaction.atomic():
        if not Conversation.objects.filter(pk=conversation_id, closed_at__isnull=True).exists():
            return "closed", None
        statement = next(
            iter(
                Statement.objects.filter(
                    conversation_id=conversation_id, number=number, status=StatementStatus.ACCEPTED
                ).order_by()
            ),
            None,
        )
        if statement is None:
            return "unknown_statement", None
        participant = next(
            iter(Participant.objects.filter(conversation_id=conversation_id, user=user).order_by()),
            None,
        )
        if participant is None:
            try:
                with transaction.atomic():
                    participant = Participant.objects.create(
                        conversation_id=conversation_id,
                        user=user,
                        pseudonym=pseudonym,
                        joined_at=now,
                    )
            except IntegrityError:
                raise _Retry() from None
        if participant.is_banned:
            return "banned", None
        current = next(
            iter(
                Vote.objects.select_for_update()
                .filter(participant=participant, statement=statement, superseded=False)
                .order_by()
            ),
            None,
        )
        if current is not None and current.value == value:
            return "unchanged", None
        counts = {COUNT_FIELD[value]: F(COUNT_FIELD[value]) + 1}
        if current is not None:
            Vote.objects.filter(pk=current.pk).update(superseded=True)
            counts[COUNT_FIELD[current.value]] = F(COUNT_FIELD[current.value]) - 1
        else:
            Participant.objects.filter(pk=participant.pk).update(vote_count=F("vote_count") + 1)
        vote = Vote.objects.create(
            conversation_id=conversation_id,
            statement=statement,
            participant=participant,
            value=value,
            created_at=now,
        )
        Statement.objects.filter(pk=statement.pk).update(**counts)
        return "", vote.pk


def vote_cast(*, actor: Any, conversation: Conversation, statement_number: Any, value: Any) -> Vote:
    """Vote agree (1), disagree (-1) or pass (0) on a shown statement.

    A changed vote replaces the earlier one (counted once); the same vote again, a vote on a
    statement that is unknown or not shown, or an invalid value is refused and changes nothing.
    Whether the conversation is closed, the statement shown and the person banned is read
    from the stored rows by the recording step itself (on PostgreSQL one prepared statement,
    see `_PG_VOTE`), whatever copy of the conversation the caller holds.
    """
    require_level(actor, rules.required_level())
    vote_value = _parse_value(value)
    try:
        number = int(statement_number)
    except (TypeError, ValueError):
        raise ServiceError(
            "invalid", _("Name the statement by its number."), field="statement"
        ) from None
    if not 1 <= number <= 2**31 - 1:
        raise ServiceError(
            "unknown_statement",
            _("There is no statement %(n)s to vote on here.") % {"n": number},
            field="statement",
            status=404,
        )
    consultation = published_consultation(conversation)
    if consultation is None:
        raise NotFound()
    _require_open(conversation, consultation)
    pseudonym = rules.pseudonym(settings.ID_HASH_KEY, str(conversation.public_id), actor.pk)
    now = clock.now()
    outcome, vote_id = "", None
    for attempt in range(3):
        try:
            if connection.vendor == "postgresql":
                outcome, vote_id = _record_vote_pg(
                    conversation.pk, actor.pk, pseudonym, number, vote_value, now
                )
            else:
                outcome, vote_id = _record_vote_orm(
                    conversation.pk, actor, pseudonym, number, vote_value, now
                )
            break
        except _Retry:
            if attempt == 2:
                raise Conflict(
                    "busy", _("Your other vote on this statement is being recorded; try again.")
                ) from None
    if outcome == "closed":
        raise Conflict("closed", _("This opinion mapping is closed."))
    if outcome == "unknown_statement":
        raise ServiceError(
            "unknown_statement",
            _("There is no statement %(n)s to vote on here.") % {"n": number},
            field="statement",
            status=404,
        )
    if outcome == "banned":
        raise Forbidden(_("You can no longer take part in this opinion mapping."), code="banned")
    if outcome == "unchanged":
        raise Conflict("unchanged", _("You have already voted this way on this statement."))
    conversation_id = conversation.pk
    transaction.on_commit(lambda: schedule_recompute(conversation_id))
    return Vote(
        id=vote_id,
        conversation_id=conversation_id,
        value=vote_value,
        created_at=now,
    )


@transaction.atomic
def participant_ban(*, actor: Any, participant: Participant, ground: str) -> Participant:
    """A moderator bans a participant on a published ground: no more votes or statements, and
    their votes leave the map (recomputed) and the open data."""
    require_signed_in(actor)
    if not can_ban(actor):
        raise Forbidden(_("Only moderators can ban participants."))
    if ground not in rules.moderation_grounds():
        raise ServiceError("invalid", _("Choose one of the published grounds."), field="ground")
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.is_banned:
        raise Conflict("already_banned", _("This participant is already banned."))
    participant.banned_at, participant.banned_by, participant.ban_ground = (
        clock.now(),
        actor,
        ground,
    )
    participant.save(update_fields=["banned_at", "banned_by", "ban_ground"])
    conversation_id = participant.conversation_id
    audit.record(
        actor=actor,
        verb="opinions.participant_banned",
        target=participant.conversation,
        public=True,
        changes={"participant": participant.pseudonym, "ground": ground},
    )
    transaction.on_commit(lambda: schedule_recompute(conversation_id))
    return participant


# --- responses to consensus statements -------------------------------------------------------


@transaction.atomic
def consensus_respond(
    *, actor: Any, statement: Statement, decision: str, reason: str
) -> ConsensusResponse:
    """The agency's response to a consensus statement of the latest map (one per statement;
    responding again replaces it)."""
    conversation = statement.conversation
    consultation = consultation_of(conversation, actor)
    _require_manager(actor, consultation)
    if decision not in ConsensusResponse.Decision.values:
        raise ServiceError("invalid", _("Choose one of the listed options."), field="decision")
    text = clean_plain(reason or "").strip()
    if not text:
        raise ServiceError("required", _("Give the reason."), field="reason")
    if len(text) > 10000:
        raise ServiceError("too_long", _("The reason is too long."), field="reason")
    latest = conversation.maps.order_by("-version").first()
    consensus = {c["statement"] for c in (latest.result.get("consensus", []) if latest else [])}
    if statement.number not in consensus:
        raise Conflict(
            "not_consensus", _("Only consensus statements of the latest map take a response.")
        )
    now = clock.now()
    response, created = ConsensusResponse.objects.update_or_create(
        statement=statement,
        defaults={"decision": decision, "reason": text, "responded_by": actor, "updated_at": now},
        create_defaults={
            "decision": decision,
            "reason": text,
            "responded_by": actor,
            "created_at": now,
            "updated_at": now,
        },
    )
    audit.record(
        actor=actor,
        verb="opinions.consensus_answered",
        target=statement,
        agency_code=conversation.agency_code,
        public=True,
        changes={"number": statement.number, "decision": decision, "new": created},
    )
    return response


# --- the map ---------------------------------------------------------------------------------


def schedule_recompute(conversation_id: int) -> None:
    """Ask for a new map, at most once per debounce period (see `tasks`)."""
    from .tasks import schedule

    schedule(conversation_id)
