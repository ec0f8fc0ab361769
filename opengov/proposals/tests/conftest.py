"""Fixtures of the proposals tests: proposals in each stage."""

from __future__ import annotations

import pytest

from opengov.accounts.tests.factories import UserFactory
from opengov.proposals import services


def make_proposal(
    proposer,
    agency,
    *,
    title="<script>x</script>增設自行車道",
    content="<b>內容</b> 建議在市區增設自行車道。",
    submit=True,
):
    """A proposal by `proposer` naming `agency`, submitted for review unless told otherwise."""
    return services.proposal_create(
        actor=proposer,
        title=title,
        content=content,
        benefits="減少碳排放，提升通勤安全。",
        agencies=[agency.code],
        tags=["交通"],
        evidence_links=["https://example.org/study"],
        submit=submit,
    )


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Factories set passwords; a fast hasher keeps these tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def proposer(db):
    """The citizen who proposes."""
    return UserFactory()


@pytest.fixture
def submitted(proposer, agency):
    """A proposal waiting for review."""
    return make_proposal(proposer, agency)


@pytest.fixture
def published(submitted, moderator):
    """A proposal open for co-signing."""
    return services.proposal_publish(actor=moderator, proposal=submitted)


@pytest.fixture
def passed(profile, proposer, agency, moderator):
    """A proposal that reached a threshold of 2 (proposer + one co-signer)."""
    profile(proposals={"cosign_threshold": 2})
    proposal = services.proposal_publish(actor=moderator, proposal=make_proposal(proposer, agency))
    services.signature_create(actor=UserFactory(), proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.passed_at is not None
    return proposal
