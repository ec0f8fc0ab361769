"""Voting's hot route (core/hotpath.py) answers exactly as the ordinary API lane does: each
case runs once on a server handler with hot routes and once on one without, each on a
conversation of its own, and the answers must be the same in status, every header and body
(the vote's place in the history aside). Requests the hot route does not take are left to the
ordinary lane before anything changed."""

from __future__ import annotations

import re

import pytest

from opengov.accounts.services import token_create
from opengov.accounts.tests.factories import UserFactory
from opengov.consultations import services as consultation_services
from opengov.core.tests.lanes import call, hot_and_ordinary, keeping_the_test_connection
from opengov.opinions import services
from opengov.opinions.models import Participant, Vote

from .conftest import SEEDS

pytestmark = pytest.mark.django_db


def _conversation(official, agency):
    consultation = consultation_services.consultation_create(
        actor=official, agency=agency, kind="policy", title="電子簽章法修正", summary="修正草案。"
    )
    consultation_services.articles_import(
        actor=official, consultation=consultation, data="第一條　本法目的。\n"
    )
    consultation = consultation_services.consultation_publish(
        actor=official, consultation=consultation
    )
    return services.conversation_start(
        actor=official, consultation=consultation, topic="應如何修正？", seed_statements=SEEDS
    )


def _case(name: str, handler, conversation, official, moderator) -> dict:
    """Run case `name` against `handler` on `conversation`; the last answer, normalised."""
    voter = UserFactory()
    bearer = "Bearer " + token_create(actor=voter, name="hot")[1]
    path = f"/api/v1/opinions/{conversation.public_id}/votes"
    body: bytes = b'{"statement": 1, "vote": "agree"}'
    headers = {"authorization": bearer}

    def vote_first(value: str) -> None:
        services.vote_cast(actor=voter, conversation=conversation, statement_number=1, value=value)

    if name == "a number":
        body = b'{"statement": 2, "vote": -1}'
    elif name == "pass":
        body = b'{"statement": 3, "vote": " Pass "}'
    elif name == "in English":
        headers["accept_language"] = "en"
    elif name == "the same again":
        vote_first("agree")
    elif name == "changed":
        vote_first("disagree")
    elif name == "no such statement":
        body = b'{"statement": 99, "vote": "agree"}'
    elif name == "no such vote":
        body = b'{"statement": 1, "vote": "maybe"}'
    elif name == "closed":
        services.conversation_close(actor=official, conversation=conversation)
    elif name == "banned":
        vote_first("disagree")
        participant = Participant.objects.get(conversation=conversation, user=voter)
        services.participant_ban(actor=moderator, participant=participant, ground="illegal")
    elif name == "statement as text":
        body = b'{"statement": "1", "vote": "agree"}'
    elif name == "vote true":
        body = b'{"statement": 1, "vote": true}'
    elif name == "no vote":
        body = b'{"statement": 1}'
    elif name == "another field":
        body = b'{"statement": 1, "vote": "agree", "note": "x"}'
    elif name == "NUL in vote":
        body = b'{"statement": 1, "vote": "agr\\u0000ee"}'
    elif name == "unknown token":
        headers["authorization"] = "Bearer " + "y" * 43
    elif name == "no such conversation":
        path = "/api/v1/opinions/00000000-0000-4000-8000-000000000000/votes"
    elif name == "not an id":
        path = "/api/v1/opinions/42/votes"
    query = "x=%00" if name == "a NUL in the query" else ""
    answer = call(handler, "POST", path, body=body, query=query, **headers)
    answer["body"] = re.sub(rb'"sequence": \d+', b'"sequence": 0', answer["body"])
    return answer


HOT = [
    "a word",
    "a number",
    "pass",
    "in English",
    "the same again",
    "changed",
    "no such statement",
    "no such vote",
    "closed",
    "banned",
    "another field",
    "no such conversation",
]
ORDINARY = [
    "statement as text",
    "vote true",
    "no vote",
    "NUL in vote",
    "unknown token",
    "not an id",
    "a NUL in the query",
]


@pytest.mark.parametrize("name", HOT + ORDINARY)
def test_the_hot_route_answers_as_the_ordinary_lane(name, start, official, agency, moderator):
    with keeping_the_test_connection():
        hot, ordinary, served = hot_and_ordinary()
        answers = [
            _case(name, handler, _conversation(official, agency), official, moderator)
            for handler in (hot, ordinary)
        ]
    by_hot, by_ordinary = answers
    assert by_hot == {**by_ordinary, "request_id": by_hot["request_id"]}
    assert bool(served) == (name in HOT)


def test_the_expected_answers(start, official, agency, moderator):
    """What the comparison above compares: the answers themselves, and the votes kept."""
    with keeping_the_test_connection():
        hot, _ordinary, served = hot_and_ordinary()
        conversation = _conversation(official, agency)
        answers = {
            name: _case(name, hot, conversation, official, moderator)
            for name in ("a word", "the same again", "changed", "no such statement", "banned")
        }
    assert answers["a word"]["status"].startswith("201")
    assert answers["a word"]["body"] == b'{"statement": 1, "vote": 1, "sequence": 0}'
    assert answers["the same again"]["status"].startswith("409")
    assert answers["changed"]["status"].startswith("201")
    assert answers["no such statement"]["status"].startswith("404")
    assert b'"field": "statement"' in answers["no such statement"]["body"]
    assert answers["banned"]["status"].startswith("403")
    assert len(served) == 5
    # "a word", "the same again" (its first vote), "changed" (replaced, counted once), and
    # the vote of "banned" before the ban
    current = Vote.objects.filter(conversation=conversation, superseded=False)
    assert current.count() == 4
