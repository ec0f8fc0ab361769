"""Fixtures of the consultations tests: a published draft regulation with three articles."""

from __future__ import annotations

import datetime as dt

import pytest

from opengov.consultations import services
from opengov.consultations.models import Kind

AMENDMENT = """數位發展部組織法部分條文修正草案

| 修正條文 | 現行條文 | 說明 |
| --- | --- | --- |
| 第一條　為推動國家數位發展，特制定本法。 | 第一條　為推動數位發展，特制定本法。 | 文字修正。 |
| 第二條　本部掌理下列事項：<br>一、數位政策。 | 第二條　本部掌理數位政策。 | 明定職掌。 |
| 第三條　<script>alert(1)</script>本法自公布日施行。 | （新增） | 新增施行日期。 |
"""


@pytest.fixture
def start(clock):
    """Monday 2026-03-02 09:00 Taipei time."""
    return clock.set(2026, 3, 2, 9)


@pytest.fixture
def make_consultation(official, agency):
    """`make_consultation(publish=True, kind=..., **fields)` through the services."""

    def make(*, publish: bool = True, kind: str = Kind.DRAFT_REGULATION, text=AMENDMENT, **fields):
        fields.setdefault("title", "<script>x</script>數位發展部組織法修正草案")
        fields.setdefault("summary", "修正**主管機關**。")
        fields.setdefault("legal_basis", "行政程序法第一百五十四條")
        fields.setdefault("contact", "數位發展部法制處 02-0000-0000")
        consultation = services.consultation_create(
            actor=official, agency=agency, kind=kind, **fields
        )
        if text:
            left_out = [u.line for u in services.draft_parse(text).unplaced]  # the title line
            services.articles_import(
                actor=official, consultation=consultation, data=text, accept_unplaced=left_out
            )
        if publish:
            consultation = services.consultation_publish(actor=official, consultation=consultation)
        consultation.refresh_from_db()
        return consultation

    return make


@pytest.fixture
def open_consultation(start, make_consultation):
    """A published amendment draft, open until 2026-05-01."""
    return make_consultation()


def after_period(clock, consultation) -> None:
    """Move the clock to the day after the last day."""
    clock.set_to(
        dt.datetime.combine(
            consultation.closes_on + dt.timedelta(days=1),
            dt.time(9),
            tzinfo=consultation.closes_at.tzinfo,
        )
    )
