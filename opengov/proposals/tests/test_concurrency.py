"""Exact counts under concurrency: many threads co-signing one proposal at once (PostgreSQL)."""

from __future__ import annotations

import os
import threading

import pytest
from django.db import connection, connections

from opengov.accounts.tests.factories import UserFactory
from opengov.core.errors import Conflict
from opengov.core.models import AuditEvent
from opengov.proposals import selectors, services
from opengov.proposals.models import Proposal, Signature

from .conftest import make_proposal

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 12
SIGNERS = 36


@pytest.fixture
def on_postgres():
    if connection.vendor != "postgresql":
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("CI=true: the concurrency test must run on PostgreSQL")
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


def test_concurrent_cosigning_counts_exactly_and_passes_once(
    on_postgres, settings, profile, agency, moderator
):
    settings.OPENGOV_RATE_LIMITS_ENABLED = False
    profile(proposals={"cosign_threshold": 20})
    proposer = UserFactory()
    proposal = services.proposal_publish(actor=moderator, proposal=make_proposal(proposer, agency))
    signers = [UserFactory() for _ in range(SIGNERS)]
    barrier = threading.Barrier(THREADS)
    ok: list[int] = []
    refused: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(index: int) -> None:
        try:
            mine = signers[index::THREADS]
            fresh = Proposal.objects.get(pk=proposal.pk)
            barrier.wait()
            # each person twice, interleaved with the other threads' people
            for signer in mine + mine:
                try:
                    services.signature_create(actor=signer, proposal=fresh)
                    with lock:
                        ok.append(signer.pk)
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
    assert sorted(ok) == sorted(s.pk for s in signers)
    assert refused == ["already_signed"] * SIGNERS
    expected = SIGNERS + 1  # plus the proposer
    assert selectors.signature_count(proposal) == expected
    assert Signature.objects.filter(proposal=proposal).count() == expected
    proposal.refresh_from_db()
    assert proposal.passed_at is not None
    assert 20 <= proposal.passed_count <= expected
    assert (
        AuditEvent.objects.filter(verb="proposal.passed", target_id=str(proposal.public_id)).count()
        == 1
    )


def test_cosigning_never_waits_on_a_lock_on_the_proposal_row(
    on_postgres, settings, agency, moderator
):
    """Even while another transaction holds the proposal row FOR UPDATE (the strongest row
    lock), a co-signature goes through: the signing statement only reads that row, and the
    signature table has no foreign-key constraint whose check would lock it."""
    from django.db import transaction

    settings.OPENGOV_RATE_LIMITS_ENABLED = False
    proposal = services.proposal_publish(
        actor=moderator, proposal=make_proposal(UserFactory(), agency)
    )
    signer = UserFactory()
    held, release = threading.Event(), threading.Event()

    def hold_the_row() -> None:
        try:
            with transaction.atomic():
                Proposal.objects.select_for_update().get(pk=proposal.pk)
                held.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_row)
    holder.start()
    assert held.wait(10)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
        services.signature_create(actor=signer, proposal=proposal)
    finally:
        release.set()
        holder.join()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert selectors.signature_count(proposal) == 2
    assert Signature.objects.filter(proposal=proposal, signer=signer).exists()


def test_meeting_seats_are_never_given_twice_over(
    on_postgres, settings, profile, agency, moderator, official
):
    import datetime as dt

    from opengov.core import clock

    settings.OPENGOV_RATE_LIMITS_ENABLED = False
    profile(proposals={"cosign_threshold": 2, "collaboration_meeting_cosigners": 2})
    proposal = services.proposal_publish(
        actor=moderator, proposal=make_proposal(UserFactory(), agency)
    )
    people = [UserFactory() for _ in range(8)]
    for person in people:
        services.signature_create(actor=person, proposal=proposal)
    proposal.refresh_from_db()
    services.meeting_call(
        actor=official, proposal=proposal, starts_at=clock.now() + dt.timedelta(days=2), place="x"
    )
    barrier = threading.Barrier(len(people))
    seated: list[int] = []
    full: list[str] = []
    lock = threading.Lock()

    def take(person) -> None:
        try:
            barrier.wait()
            try:
                services.meeting_take_seat(actor=person, proposal=proposal)
                with lock:
                    seated.append(person.pk)
            except Conflict as exc:
                with lock:
                    full.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seated) == 2 and full == ["meeting_full"] * 6
    assert proposal.meeting.seats_taken.count() == 2
