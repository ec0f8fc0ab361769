"""Fixtures of the spaces tests: a published space of `agency`, people who took part, and a
proposal held in the space (through the proposals services)."""

from __future__ import annotations

import pytest

from opengov.proposals import services as proposal_services
from opengov.spaces import selectors, services


@pytest.fixture(autouse=True)
def places(request):
    """The places the migration ships, back after a browser test flushed the database."""
    names = request.fixturenames
    if "transactional_db" in names or "live_server" in names:
        request.getfixturevalue("transactional_db")
    elif "db" in names:
        request.getfixturevalue("db")
    else:
        return
    services.places_ensure()


@pytest.fixture
def start(clock):
    """Monday 2026-03-02 09:00 Taipei time."""
    return clock.set(2026, 3, 2, 9)


@pytest.fixture
def space(start, moderator, agency):
    """A published youth space hosted by `agency` (name with markup and Chinese)."""
    s = services.space_create(
        actor=moderator,
        slug="youth",
        name="<script>x</script>青年參與",
        name_en="Youth participation",
        kind="commitment",
        host_agency=agency,
        audience="youth",
        languages=["zh-hant", "en"],
    )
    return services.space_publish(actor=moderator, space=s)


@pytest.fixture
def make_people(db):
    """`make_people(n, **statement)`: n verified citizens, each stating `statement`."""
    from opengov.accounts.tests.factories import UserFactory

    def make(n: int, **statement):
        people = [UserFactory() for _ in range(n)]
        if statement:
            place = statement.pop("place", None)
            for person in people:
                services.statement_set(
                    actor=person,
                    place=selectors.place_by_code(place) if place else None,
                    **statement,
                )
        return people

    return make


@pytest.fixture
def space_proposal(space, citizen, moderator):
    """A proposal submitted in the space and published by the operator."""
    services.statement_set(actor=citizen, age_band="20_24")
    proposal = services.space_propose(
        actor=citizen,
        space=space,
        title="青年住宅<b>補貼</b>",
        content="提高補貼。",
        benefits="減輕負擔。",
    )
    return proposal_services.proposal_publish(actor=moderator, proposal=proposal)
