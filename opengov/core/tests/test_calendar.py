"""Legal periods (Administrative Procedure Act Art. 48) and working days."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opengov.core.calendar import (
    Calendar,
    add_months,
    add_working_days,
    period_last_day,
    working_days_between,
)
from opengov.core.jurisdiction import Period

D = dt.date
NO_HOLIDAYS = Calendar.of()
# Lunar New Year 2026 (a real stretch of holidays) and one make-up working Saturday.
LNY = Calendar.of([D(2026, 2, d) for d in (16, 17, 18, 19, 20)], working_days=[D(2026, 2, 21)])


def test_days_start_the_day_after_the_event():
    # Published on 1 March: day 1 is 2 March, day 60 is 30 April.
    assert period_last_day(
        D(2026, 3, 1), Period(days=60), NO_HOLIDAYS, move_off_rest_days=False
    ) == D(2026, 4, 30)


def test_months_end_the_day_before_the_same_numbered_day():
    # Event 15 Jan: period starts 16 Jan; 2 months end on 15 March.
    assert period_last_day(
        D(2026, 1, 15), Period(months=2), NO_HOLIDAYS, move_off_rest_days=False
    ) == D(2026, 3, 15)


def test_month_without_the_same_day_ends_on_its_last_day():
    # Event 30 Dec 2025: starts 31 Dec; February has no 31st -> 28 Feb 2026.
    assert period_last_day(
        D(2025, 12, 30), Period(months=2), NO_HOLIDAYS, move_off_rest_days=False
    ) == D(2026, 2, 28)


def test_last_day_on_sunday_moves_to_monday():
    # 1 March 2026 is a Sunday.
    assert period_last_day(D(2026, 2, 1), Period(days=28), NO_HOLIDAYS) == D(2026, 3, 2)


def test_last_day_on_saturday_moves_to_monday():
    assert period_last_day(D(2026, 2, 27), Period(days=1), NO_HOLIDAYS) == D(2026, 3, 2)


def test_last_day_in_holidays_moves_past_them():
    # Ends on Tue 17 Feb 2026 inside the New Year holidays; the make-up Saturday 21 Feb is a
    # working day, so the period ends then.
    assert period_last_day(D(2026, 2, 10), Period(days=7), LNY) == D(2026, 2, 21)


def test_working_days_skip_weekends_holidays_and_count_makeup_days():
    # Submitted Fri 13 Feb 2026: Mon 16 – Fri 20 are holidays; Sat 21 is a make-up working
    # day (1), then Mon 23 (2) ... Thu 26 (5).
    assert add_working_days(D(2026, 2, 13), 5, LNY) == D(2026, 2, 26)
    assert working_days_between(D(2026, 2, 13), D(2026, 2, 26), LNY) == 5


def test_add_months_returns_none_without_same_day():
    assert add_months(D(2026, 1, 31), 1) is None
    assert add_months(D(2026, 1, 31), 2) == D(2026, 3, 31)


def test_negative_working_days_rejected():
    with pytest.raises(ValueError):
        add_working_days(D(2026, 1, 1), -1, NO_HOLIDAYS)


dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 12, 31))


@given(dates, st.integers(min_value=0, max_value=40))
def test_working_days_roundtrip(day, n):
    end = add_working_days(day, n, NO_HOLIDAYS)
    assert working_days_between(day, end, NO_HOLIDAYS) == n
    assert n == 0 or NO_HOLIDAYS.is_working_day(end)


@given(dates, st.integers(min_value=1, max_value=36))
def test_month_periods_end_before_the_corresponding_day(day, months):
    last = period_last_day(day, Period(months=months), NO_HOLIDAYS, move_off_rest_days=False)
    first = day + dt.timedelta(days=1)
    corresponding = add_months(first, months)
    if corresponding is None:
        assert (last + dt.timedelta(days=1)).day == 1  # the last day of its month
    else:
        assert last == corresponding - dt.timedelta(days=1)


@given(dates, st.integers(min_value=0, max_value=120))
def test_moved_last_day_is_a_working_day_and_not_earlier(day, days):
    plain = period_last_day(day, Period(days=days), LNY, move_off_rest_days=False)
    moved = period_last_day(day, Period(days=days), LNY)
    assert moved >= plain
    assert LNY.is_working_day(moved)
