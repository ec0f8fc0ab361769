"""Exact counts when many requests vote at once, the same people on the same statements
(PostgreSQL: the vote is one statement whose checks and writes must hold under concurrency)."""

from __future__ import annotations

import os
import random
import threading

import pytest
from django.db import connection, connections
from django.db.models import Count, Sum

from opengov.core.errors import Conflict
from opengov.opinions import services
from opengov.opinions.models import Participant, Statement, Vote

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


@pytest.fixture
def on_postgres():
    if connection.vendor != "postgresql":
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("CI=true: the concurrency test must run on PostgreSQL")
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


def test_concurrent_votes_and_changes_of_the_same_people_count_once(
    on_postgres, conversation, voters
):
    people = voters[:4]
    barrier = threading.Barrier(THREADS)
    refused: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(index: int) -> None:
        rng = random.Random(index)
        try:
            barrier.wait()
            for _ in range(12):  # every thread votes as every person: collisions guaranteed
                person = rng.choice(people)
                try:
                    services.vote_cast(
                        actor=person,
                        conversation=conversation,
                        statement_number=rng.randint(1, 3),
                        value=rng.choice((-1, 0, 1)),
                    )
                except Conflict as exc:
                    with lock:
                        refused.append(exc.code)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert set(refused) <= {"unchanged", "busy"}
    current = Vote.objects.filter(superseded=False)
    pairs = current.values("participant", "statement").annotate(n=Count("id"))
    assert all(p["n"] == 1 for p in pairs)  # one current vote per person and statement
    assert Participant.objects.count() <= len(people)
    for participant in Participant.objects.all():
        assert participant.vote_count == current.filter(participant=participant).count()
    for s in Statement.objects.filter(conversation=conversation):
        mine = current.filter(statement=s)
        assert (s.agree_count, s.disagree_count, s.pass_count) == (
            mine.filter(value=1).count(),
            mine.filter(value=-1).count(),
            mine.filter(value=0).count(),
        )
    assert Participant.objects.aggregate(n=Sum("vote_count"))["n"] == current.count()
