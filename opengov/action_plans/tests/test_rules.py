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


def test_chart_labels_are_cut_by_display_width():
    from opengov.action_plans.charts import _short

    assert _short("政府資料開放與運用法制化", 44) == "政府資料開放與運用法制化"
    cut = _short("一二三四五六七八九十" * 3, 44)
    assert cut.endswith("…") and len(cut) == 22
    assert _short("Provide a legal basis for government data opening and use", 44).endswith("…")
    assert len(_short("Provide a legal basis for government data opening and use", 44)) == 44


def test_charts_carry_text_values_patterns_and_escape():
    from opengov.action_plans import charts

    bars = charts.progress_bars(
        "t", [charts.Bar("<script>x</script>承諾", 42.4, "1 overdue")], title="T", desc="D"
    )
    assert "42 %" in bars and "url(#t-hatch)" in bars and "<script>x" not in bars
    assert 'role="img"' in bars and "<title" in bars and "<desc" in bars
    linked = charts.progress_bars("k", [charts.Bar("承諾", 10, href="/c/1/")], title="T", desc="D")
    assert 'role="group"' in linked and 'role="img"' not in linked  # links stay reachable
    assert '<a href="/c/1/">' in linked
    strip = charts.status_strip("s", {"done": 3, "overdue": 2, "due_soon": 0, "open": 1}, title="S")
    assert "url(#s-cross)" in strip and ": 2</text>" in strip and ": 3</text>" in strip
    line = charts.timeline(
        "l",
        [
            charts.TimelineRow(
                "1",
                dt.date(2021, 1, 1),
                dt.date(2022, 1, 1),
                [(dt.date(2021, 6, 1), "overdue", "<b>m</b>"), (dt.date(2021, 9, 1), "done", "d")],
            )
        ],
        start=dt.date(2021, 1, 1),
        end=dt.date(2022, 12, 31),
        today=dt.date(2021, 7, 1),
        title="L",
        desc="D",
    )
    assert "2021-07-01" in line and "<b>m</b>" not in line and "&lt;b&gt;m" in line
