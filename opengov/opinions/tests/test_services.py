"""Services: turning mapping on, statements and moderation, votes, bans, responses, the map job,
and recomputing a published map from the open data."""

from __future__ import annotations

import pytest

from opengov.core.errors import Conflict, Forbidden, NotFound, ServiceError
from opengov.core.exporters import get_exporter
from opengov.opinions import math as m
from opengov.opinions import selectors, services, tasks
from opengov.opinions.models import (
    ConsensusResponse,
    Conversation,
    OpinionMap,
    Participant,
    Statement,
    StatementStatus,
    Vote,
)


def vote_all(conversation, voters, pattern):
    """pattern(i, number) -> value or None (no vote)."""
    for i, person in enumerate(voters):
        for s in selectors.shown_statements(conversation):
            value = pattern(i, s.number)
            if value is not None:
                services.vote_cast(
                    actor=person, conversation=conversation, statement_number=s.number, value=value
                )


def test_start_with_seeds_shown_at_once(conversation):
    shown = list(selectors.shown_statements(conversation))
    assert [s.number for s in shown] == [1, 2, 3]
    assert all(s.is_seed and s.status == StatementStatus.ACCEPTED for s in shown)
    assert conversation.topic == "<b>電子簽章</b>應如何修正？"


def test_start_on_article_and_twice_refused(consultation, official, conversation):
    on_article = services.conversation_start(
        actor=official, consultation=consultation, topic="第一條", article_position=1
    )
    assert on_article.article_position == 1
    with pytest.raises(Conflict):
        services.conversation_start(actor=official, consultation=consultation, topic="again")
    with pytest.raises(ServiceError) as err:
        services.conversation_start(
            actor=official, consultation=consultation, topic="x", article_position=9
        )
    assert err.value.field == "article"
    assert Conversation.objects.count() == 2


@pytest.mark.parametrize("role", ["citizen", "other_official", "moderator"])
def test_only_agency_officials_start(consultation, people, role):
    with pytest.raises((Forbidden, NotFound)):
        services.conversation_start(actor=people[role], consultation=consultation, topic="x")
    assert not Conversation.objects.exists()


def test_statement_length_limit_is_the_profile_setting(conversation, citizen, profile):
    profile(opinions={"statement_max_chars": 10})
    with pytest.raises(ServiceError) as err:
        services.statement_submit(actor=citizen, conversation=conversation, text="一" * 11)
    assert err.value.code == "too_long" and err.value.field == "text"
    assert conversation.statements.count() == 3
    ok = services.statement_submit(actor=citizen, conversation=conversation, text="一" * 10)
    assert ok.status == StatementStatus.PENDING and ok.number == 4


def test_submitted_statement_is_not_shown_until_moderated(conversation, citizen, moderator):
    s = services.statement_submit(actor=citizen, conversation=conversation, text="應設過渡期")
    assert s.number not in [x.number for x in selectors.shown_statements(conversation)]
    with pytest.raises(ServiceError) as err:
        services.vote_cast(
            actor=citizen, conversation=conversation, statement_number=s.number, value="agree"
        )
    assert err.value.code == "unknown_statement"
    assert list(selectors.pending_statements()) == [s]
    services.statement_moderate(actor=moderator, statement=s, accept=True)
    assert s.number in [x.number for x in selectors.shown_statements(conversation)]


def test_rejection_needs_a_published_ground(conversation, citizen, moderator):
    s = services.statement_submit(actor=citizen, conversation=conversation, text="廣告")
    with pytest.raises(ServiceError) as err:
        services.statement_moderate(actor=moderator, statement=s, accept=False, ground="dislike")
    assert err.value.field == "ground"
    s.refresh_from_db()
    assert s.status == StatementStatus.PENDING
    services.statement_moderate(actor=moderator, statement=s, accept=False, ground="advertising")
    s.refresh_from_db()
    assert s.status == StatementStatus.REJECTED and s.ground == "advertising"


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("citizen", False),
        ("other_official", False),
        ("official", True),
        ("moderator", True),
        ("admin", True),
    ],
)
def test_moderation_permission_matrix(conversation, people, role, allowed, voters):
    s = services.statement_submit(actor=voters[0], conversation=conversation, text="待審")
    if allowed:
        services.statement_moderate(actor=people[role], statement=s, accept=True)
        s.refresh_from_db()
        assert s.status == StatementStatus.ACCEPTED
    else:
        with pytest.raises((Forbidden, NotFound)):
            services.statement_moderate(actor=people[role], statement=s, accept=True)
        s.refresh_from_db()
        assert s.status == StatementStatus.PENDING


def test_changed_vote_replaces_and_counts_once(
    conversation, citizen, jobs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.vote_cast(
            actor=citizen, conversation=conversation, statement_number=1, value="agree"
        )
        services.vote_cast(actor=citizen, conversation=conversation, statement_number=1, value=-1)
    s = Statement.objects.get(conversation=conversation, number=1)
    assert (s.agree_count, s.disagree_count, s.pass_count) == (0, 1, 0)
    assert Vote.objects.filter(statement=s, superseded=False).count() == 1
    assert Vote.objects.filter(statement=s).count() == 2
    assert Participant.objects.get(user=citizen).vote_count == 1
    assert jobs == [conversation.pk]  # debounced: one job for both votes


def test_same_vote_again_is_refused_and_changes_nothing(conversation, citizen):
    services.vote_cast(actor=citizen, conversation=conversation, statement_number=2, value="pass")
    with pytest.raises(Conflict) as err:
        services.vote_cast(actor=citizen, conversation=conversation, statement_number=2, value=0)
    assert err.value.code == "unchanged"
    assert Vote.objects.count() == 1
    assert Statement.objects.get(conversation=conversation, number=2).pass_count == 1


@pytest.mark.parametrize(
    ("number", "value", "code", "field"),
    [
        (99, "agree", "unknown_statement", "statement"),
        ("abc", "agree", "invalid", "statement"),
        (1, "maybe", "invalid", "vote"),
        (1, 2, "invalid", "vote"),
        (1, True, "invalid", "vote"),
    ],
)
def test_bad_votes_are_refused(conversation, citizen, number, value, code, field):
    with pytest.raises(ServiceError) as err:
        services.vote_cast(
            actor=citizen, conversation=conversation, statement_number=number, value=value
        )
    assert (err.value.code, err.value.field) == (code, field)
    assert not Vote.objects.exists()


def test_vote_on_rejected_statement_refused(conversation, citizen, moderator):
    s = Statement.objects.get(conversation=conversation, number=3)
    services.statement_moderate(actor=moderator, statement=s, accept=False, ground="illegal")
    with pytest.raises(ServiceError) as err:
        services.vote_cast(actor=citizen, conversation=conversation, statement_number=3, value=1)
    assert err.value.code == "unknown_statement"
    assert not Vote.objects.exists()


def test_votes_need_the_level_and_an_open_consultation(
    conversation, unverified, citizen, clock, official
):
    with pytest.raises(ServiceError):
        services.vote_cast(actor=unverified, conversation=conversation, statement_number=1, value=1)
    with pytest.raises(ServiceError):
        services.vote_cast(actor=None, conversation=conversation, statement_number=1, value=1)
    services.conversation_close(actor=official, conversation=conversation)
    conversation.refresh_from_db()
    with pytest.raises(Conflict):
        services.vote_cast(actor=citizen, conversation=conversation, statement_number=1, value=1)
    assert not Vote.objects.exists()


def test_banned_participant_cannot_vote_and_is_left_out_of_the_map(conversation, voters, moderator):
    vote_all(conversation, voters, lambda i, n: 1 if (i + n) % 2 else -1)
    victim = Participant.objects.get(user=voters[0])
    before = services.map_recompute(conversation=conversation)
    assert victim.pseudonym in {p["id"] for p in before.result["participants"]}
    with pytest.raises(Forbidden):
        services.participant_ban(actor=voters[1], participant=victim, ground="illegal")
    services.participant_ban(actor=moderator, participant=victim, ground="illegal")
    after = services.map_recompute(conversation=conversation)
    assert after.version == before.version + 1
    assert after.n_participants == before.n_participants - 1
    assert victim.pseudonym not in {p["id"] for p in after.result["participants"]}
    with pytest.raises(Forbidden):
        services.vote_cast(actor=voters[0], conversation=conversation, statement_number=1, value=0)
    exported = {r["participant"] for r in get_exporter("opinion-votes").public_rows()}
    assert victim.pseudonym not in exported


def test_recompute_is_idempotent(conversation, voters):
    vote_all(conversation, voters[:3], lambda i, n: 1)
    first = services.map_recompute(conversation=conversation)
    assert services.map_recompute(conversation=conversation) == first
    assert OpinionMap.objects.count() == 1


def test_job_runs_by_id_and_sweep_finds_stale(
    conversation, voters, jobs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        vote_all(conversation, voters[:2], lambda i, n: 1)
    assert jobs == [conversation.pk]
    assert selectors.stale_conversation_ids() == [conversation.pk]
    assert tasks.recompute_map(conversation.pk) == 1
    assert selectors.stale_conversation_ids() == []
    services.vote_cast(actor=voters[0], conversation=conversation, statement_number=1, value=-1)
    assert tasks.recompute_stale() == 1
    assert OpinionMap.objects.filter(conversation=conversation).count() == 2
    assert tasks.recompute_map(999999) is None


def test_export_then_recompute_gives_the_same_hash_and_groups(
    conversation, voters, moderator, citizen
):
    # two camps on statements 1 and 2, everyone agrees with 3; a changed vote and a ban
    vote_all(conversation, voters, lambda i, n: 1 if n == 3 else (1 if (i < 6) == (n == 1) else -1))
    services.vote_cast(actor=voters[0], conversation=conversation, statement_number=3, value=0)
    services.vote_cast(actor=voters[0], conversation=conversation, statement_number=3, value=1)
    vote_all(conversation, [citizen], lambda i, n: 1)
    services.participant_ban(
        actor=moderator, participant=Participant.objects.get(user=citizen), ground="virtual_persons"
    )
    published = services.map_recompute(conversation=conversation)
    assert published.k == 2
    # a vote after the map: the recomputation must stop at the map's sequence
    services.vote_cast(actor=voters[1], conversation=conversation, statement_number=3, value=-1)

    maps = list(get_exporter("opinion-maps").public_rows())
    (row,) = [r for r in maps if r["version"] == published.version]
    history = [
        (r["sequence"], r["participant"], r["statement"], r["vote"])
        for r in get_exporter("opinion-votes").public_rows()
        if r["conversation_id"] == row["conversation_id"]
    ]
    columns = [s["statement"] for s in row["result"]["statements"]]
    ps, ss, vs = m.latest_votes(history, through=row["votes_through"])
    matrix = m.build_matrix(ps, ss, vs, columns=columns)
    assert m.matrix_sha256(matrix) == row["matrix_sha256"] == published.matrix_sha256
    again = m.compute(matrix, seed=row["seed"], params=m.Params.from_dict(row["params"]))
    assert again["result_sha256"] == row["result_sha256"]
    assert groups(again) == groups(row["result"])
    assert [c["statement"] for c in again["consensus"]] == [3]


def groups(result):
    """The members of each group, as sorted lists of pseudonyms."""
    return sorted(
        sorted(p["id"] for p in result["participants"] if p["group"] == g)
        for g in range(result["k"])
    )


def test_consensus_response_only_for_consensus_statements(
    conversation, voters, official, citizen, other_official
):
    vote_all(conversation, voters, lambda i, n: 1 if n == 3 else (1 if (i < 6) == (n == 1) else -1))
    services.map_recompute(conversation=conversation)
    s3 = Statement.objects.get(conversation=conversation, number=3)
    s1 = Statement.objects.get(conversation=conversation, number=1)
    with pytest.raises(Conflict):
        services.consensus_respond(actor=official, statement=s1, decision="adopted", reason="x")
    for outsider in (citizen, other_official):
        with pytest.raises((Forbidden, NotFound)):
            services.consensus_respond(actor=outsider, statement=s3, decision="adopted", reason="x")
    with pytest.raises(ServiceError) as err:
        services.consensus_respond(actor=official, statement=s3, decision="maybe", reason="x")
    assert err.value.field == "decision"
    assert not ConsensusResponse.objects.exists()
    services.consensus_respond(
        actor=official, statement=s3, decision="adopted", reason="將納入修正"
    )
    services.consensus_respond(
        actor=official, statement=s3, decision="partly_adopted", reason="部分納入"
    )
    (item,) = selectors.consensus_with_responses(conversation)
    assert item["response"].decision == "partly_adopted"
    assert ConsensusResponse.objects.count() == 1


def test_pseudonyms_differ_between_conversations(conversation, consultation, official, citizen):
    other = services.conversation_start(
        actor=official,
        consultation=consultation,
        topic="第二條",
        article_position=2,
        seed_statements=["範圍應擴大"],
    )
    services.vote_cast(actor=citizen, conversation=conversation, statement_number=1, value=1)
    services.vote_cast(actor=citizen, conversation=other, statement_number=1, value=1)
    a, b = Participant.objects.filter(user=citizen).order_by("id")
    assert a.pseudonym != b.pseudonym and len(a.pseudonym) == 16
    from django.conf import settings

    from opengov.opinions import rules

    assert a.pseudonym == rules.pseudonym(
        settings.ID_HASH_KEY, str(conversation.public_id), citizen.pk
    )


def test_draft_consultation_conversations_are_not_in_open_data(start, official, agency, citizen):
    from opengov.consultations import services as cs

    draft = cs.consultation_create(
        actor=official, agency=agency, kind="policy", title="草案", summary="摘要"
    )
    services.conversation_start(
        actor=official, consultation=draft, topic="t", seed_statements=["a"]
    )
    assert list(get_exporter("opinion-statements").public_rows()) == []
    with pytest.raises(NotFound):
        services.vote_cast(
            actor=citizen, conversation=Conversation.objects.get(), statement_number=1, value=1
        )


def test_schedule_goes_to_celery_with_a_broker_and_is_debounced(settings, monkeypatch, jobs):
    sent = []
    monkeypatch.setattr(
        tasks.recompute_map, "apply_async", lambda args, countdown: sent.append((args, countdown))
    )
    settings.JOBS_IN_PROCESS = False
    assert tasks.schedule(41) is True
    assert tasks.schedule(41) is False
    assert tasks.schedule(42) is True
    assert sent == [((41,), 10), ((42,), 10)]
    assert jobs == []
    settings.JOBS_IN_PROCESS = True
    from django.core.cache import cache

    cache.clear()
    assert tasks.schedule(41) is True
    assert jobs == [41]


def test_personal_data_lists_participation_statements_and_votes(conversation, citizen):
    from opengov.core.personal_data import collect

    services.statement_submit(actor=citizen, conversation=conversation, text="我的看法")
    services.vote_cast(actor=citizen, conversation=conversation, statement_number=1, value=1)
    services.vote_cast(actor=citizen, conversation=conversation, statement_number=1, value=0)
    data = collect(citizen)["opinions"]
    assert data["statements"][0]["text"] == "我的看法"
    assert [v["vote"] for v in data["votes"]] == [1, 0]
    assert data["votes"][0]["replaced"] is True
    assert len(data["participations"][0]["pseudonym"]) == 16


def test_a_stale_copy_of_the_conversation_never_lets_a_vote_into_a_closed_one(
    conversation, citizen, official
):
    stale = Conversation.objects.get(pk=conversation.pk)
    services.conversation_close(actor=official, conversation=conversation)
    assert not stale.is_closed  # the caller's copy still says open
    with pytest.raises(Conflict) as err:
        services.vote_cast(actor=citizen, conversation=stale, statement_number=1, value=1)
    assert err.value.code == "closed"
    assert not Vote.objects.exists() and not Participant.objects.exists()


def test_a_first_vote_joins_once_and_a_refused_one_joins_nobody(conversation, citizen):
    with pytest.raises(ServiceError):
        services.vote_cast(actor=citizen, conversation=conversation, statement_number=9, value=1)
    assert not Participant.objects.exists()
    services.vote_cast(actor=citizen, conversation=conversation, statement_number=1, value=1)
    services.vote_cast(actor=citizen, conversation=conversation, statement_number=2, value=-1)
    participant = Participant.objects.get()
    assert participant.user == citizen and participant.vote_count == 2
    assert participant.pseudonym == selectors.participant_for(conversation, citizen).pseudonym


def test_a_ban_after_votes_stops_the_next_vote_and_its_change(conversation, citizen, moderator):
    services.vote_cast(actor=citizen, conversation=conversation, statement_number=1, value=1)
    participant = Participant.objects.get(user=citizen)
    services.participant_ban(actor=moderator, participant=participant, ground="illegal")
    for number, value in ((1, -1), (2, 1)):  # a change and a new vote
        with pytest.raises(Forbidden) as err:
            services.vote_cast(
                actor=citizen, conversation=conversation, statement_number=number, value=value
            )
        assert err.value.code == "banned"
    assert Vote.objects.count() == 1
    s = Statement.objects.get(conversation=conversation, number=1)
    assert (s.agree_count, s.disagree_count) == (1, 0)


def test_votes_inside_a_callers_transaction_keep_it_usable(conversation, citizen):
    from django.db import transaction

    with transaction.atomic():
        services.vote_cast(actor=citizen, conversation=conversation, statement_number=1, value=1)
        with pytest.raises(Conflict):
            services.vote_cast(
                actor=citizen, conversation=conversation, statement_number=1, value=1
            )
        services.vote_cast(actor=citizen, conversation=conversation, statement_number=2, value=0)
    assert Vote.objects.count() == 2
