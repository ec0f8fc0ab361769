"""Pure rules: roll-up, overdue derivation, checks."""

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from opengov.action_plans import rules


def test_weighted_progress_uses_weights():
    assert rules.weighted_progress([(1, 100), (3, 0)]) == 25.0
    assert rules.weighted_progress([(Decimal("2.5"), 40), (Decimal("2.5"), 60)]) == 50.0


def test_weighted_progress_of_nothing_is_zero():
    assert rules.weighted_progress([]) == 0.0


def test_non_positive_weights_never_count():
    assert rules.weighted_progress([(0, 100), (-1, 100), (1, 10)]) == 10.0


def test_mean_progress():
    assert rules.mean_progress([]) == 0.0
    assert rules.mean_progress([10.0, 30.0]) == 20.0


@given(st.lists(st.tuples(st.integers(1, 50), st.integers(0, 100)), min_size=1))
def test_weighted_progress_stays_between_min_and_max(pairs):
    value = rules.weighted_progress(pairs)
    assert min(p for _, p in pairs) - 1e-9 <= value <= max(p for _, p in pairs) + 1e-9


def test_overdue_after_the_last_day_only():
    end = dt.date(2024, 3, 31)
    assert not rules.is_overdue(end_date=end, status="in_progress", progress=50, today=end)
    assert rules.is_overdue(
        end_date=end, status="in_progress", progress=50, today=end + dt.timedelta(days=1)
    )
    later = end + dt.timedelta(days=30)
    assert not rules.is_overdue(end_date=end, status="completed", progress=100, today=later)
    assert not rules.is_overdue(end_date=end, status="withdrawn", progress=10, today=later)


def test_due_soon_window():
    today = dt.date(2024, 1, 1)
    kw = {"status": "in_progress", "progress": 0, "today": today, "due_soon_days": 30}
    assert rules.is_due_soon(end_date=dt.date(2024, 1, 31), **kw)
    assert not rules.is_due_soon(end_date=dt.date(2024, 2, 1), **kw)
    assert not rules.is_due_soon(end_date=dt.date(2023, 12, 31), **kw)


def test_checks():
    assert rules.progress_problem(101) == "out_of_range"
    assert rules.progress_problem(-1) == "out_of_range"
    assert rules.progress_problem(True) == "not_integer"
    assert rules.progress_problem(0) is None and rules.progress_problem(100) is None
    assert rules.weight_problem(0) == "not_positive"
    assert rules.weight_problem(-2) == "not_positive"
    assert rules.weight_problem("nan") == "not_number"
    assert rules.weight_problem("0.5") is None
    d = dt.date
    assert rules.dates_problem(d(2021, 1, 1), d(2020, 1, 1), d(2020, 1, 1), d(2022, 1, 1)) == (
        "end_before_start"
    )
    assert rules.dates_problem(d(2019, 1, 1), d(2020, 1, 1), d(2020, 1, 1), d(2022, 1, 1)) == (
        "starts_before"
    )
    assert rules.dates_problem(d(2021, 1, 1), d(2023, 1, 1), d(2020, 1, 1), d(2022, 1, 1)) == (
        "ends_after"
    )
    assert rules.parse_sdgs("16， 5,5") == [5, 16]
    assert rules.parse_sdgs("18") is None
