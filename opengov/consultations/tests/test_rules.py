"""The pure rule functions, with the profile in force."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from opengov.consultations import rules
from opengov.core.calendar import Calendar

NO_HOLIDAYS = Calendar.of()


@given(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 12, 31)))
def test_draft_regulations_get_at_least_sixty_full_days(published_on):
    last = rules.earliest_last_day("draft_regulation", published_on, NO_HOLIDAYS)
    assert last - published_on >= dt.timedelta(days=60)
    assert last - published_on <= dt.timedelta(days=62)  # at most moved over a weekend
    assert NO_HOLIDAYS.is_working_day(last)
    assert rules.period_is_long_enough("draft_regulation", published_on, last, NO_HOLIDAYS)
    assert not rules.period_is_long_enough(
        "draft_regulation", published_on, last - dt.timedelta(days=1), NO_HOLIDAYS
    )


def test_policy_minimum_is_shorter(settings):
    day = dt.date(2026, 3, 2)
    assert rules.earliest_last_day("policy", day, NO_HOLIDAYS) == dt.date(2026, 3, 9)
    settings.OPENGOV_JURISDICTION_OVERRIDES = {"consultations": {"policy_min_period": {"days": 14}}}
    assert rules.earliest_last_day("policy", day, NO_HOLIDAYS) == dt.date(2026, 3, 16)


def test_edit_window_and_topics(settings):
    posted = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    assert rules.comment_editable(posted, posted + dt.timedelta(minutes=15))
    assert not rules.comment_editable(posted, posted + dt.timedelta(minutes=15, seconds=1))
    assert rules.foreign_residents_allowed("trade")
    assert not rules.foreign_residents_allowed("general")
    settings.OPENGOV_JURISDICTION = "uk"
    assert not rules.foreign_residents_allowed("trade")
    assert rules.min_period("draft_regulation").days == 84
