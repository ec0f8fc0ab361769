"""Fixtures of the opinions tests: an open consultation (through the consultations services)
with opinion mapping turned on, and jobs run by hand instead of timer threads."""

from __future__ import annotations

import pytest

from opengov.consultations import services as consultation_services
from opengov.opinions import services, tasks

SEEDS = [
    "<script>alert(1)</script>應保障紙本選擇權",
    "外國憑證應先公開認許標準",
    "電子簽章應全面適用",
]


@pytest.fixture(autouse=True)
def jobs(monkeypatch):
    """Recomputations requested (conversation ids) instead of timer threads."""
    queued: list[int] = []
    monkeypatch.setattr(tasks, "in_process_runner", lambda cid, delay: queued.append(cid))
    return queued


@pytest.fixture
def start(clock):
    """Monday 2026-03-02 09:00 Taipei time."""
    return clock.set(2026, 3, 2, 9)


@pytest.fixture
def consultation(start, official, agency):
    """A published policy consultation of `agency` with two articles."""
    c = consultation_services.consultation_create(
        actor=official,
        agency=agency,
        kind="policy",
        title="<script>x</script>電子簽章法修正",
        summary="修正草案。",
    )
    consultation_services.articles_import(
        actor=official, consultation=c, data="第一條　本法目的。\n第二條　適用範圍。\n"
    )
    c = consultation_services.consultation_publish(actor=official, consultation=c)
    c.refresh_from_db()
    return c


@pytest.fixture
def conversation(consultation, official):
    """Opinion mapping on the whole consultation with three seed statements."""
    return services.conversation_start(
        actor=official,
        consultation=consultation,
        topic="<b>電子簽章</b>應如何修正？",
        seed_statements=SEEDS,
    )


@pytest.fixture
def voters(db):
    """Twelve verified citizens."""
    from opengov.accounts.tests.factories import UserFactory

    return [UserFactory() for _ in range(12)]
