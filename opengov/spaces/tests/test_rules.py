"""The pure rules of spaces: allowed ranges, audience membership and small-cell suppression."""

from __future__ import annotations

import pytest

from opengov.spaces import rules


def test_threshold_out_of_range_is_refused_with_the_range(db):
    assert rules.threshold_refusal(1500) is None
    low = rules.threshold_refusal(99)
    assert low is not None and low.field == "cosign_threshold"
    assert "100" in low.message and "5,000" in low.message
    assert rules.threshold_refusal(5001) is not None
    assert rules.threshold_refusal(None) is None


def test_window_out_of_range_is_refused_with_the_range(db):
    assert rules.window_refusal(45) is None
    refusal = rules.window_refusal(120)
    assert refusal is not None and "30" in refusal.message and "90" in refusal.message
    assert rules.window_refusal(29) is not None


def test_ranges_follow_the_profile(profile):
    profile(spaces={"cosign_threshold_min": 1000})
    assert rules.threshold_refusal(500) is not None
    assert "1,000" in rules.threshold_refusal(500).message


def test_taipei_preset_is_within_the_range():
    threshold, days, source = rules.preset("taipei_ivoting")
    assert (threshold, days) == (1500, 45)
    assert "Taipei" in source
    assert rules.threshold_refusal(threshold) is None and rules.window_refusal(days) is None
    assert rules.preset("nowhere") is None


@pytest.mark.parametrize(
    ("audience", "statement", "place", "expected"),
    [
        ("everyone", None, "", True),
        ("youth", None, "", False),
        ("youth", {"age_band": "15_19"}, "", True),
        ("youth", {"age_band": "30_35"}, "", True),
        ("youth", {"age_band": "36_49"}, "", False),
        ("youth", {"age_band": "under_15"}, "", False),
        ("women", {"gender": "woman"}, "", True),
        ("women", {"gender": "man"}, "", False),
        ("new_immigrant", {"new_immigrant": True}, "", True),
        ("new_immigrant", {"new_immigrant": False}, "", False),
        ("indigenous", {"indigenous": None}, "", False),
        ("hakka", {"hakka": True}, "", True),
        ("residents", {"place": "10004020"}, "10004", True),  # 竹東鎮 in 新竹縣
        ("residents", {"place": "10005010"}, "10004", False),
        ("residents", {"place": "10004020"}, "10004020", True),
        ("residents", {"place": "10004010"}, "10004020", False),
        ("residents", {"place": ""}, "10004", False),
    ],
)
def test_audience_membership(audience, statement, place, expected):
    assert rules.in_audience(audience, statement, audience_place=place) is expected


def test_youth_ages_follow_the_profile(profile):
    profile(spaces={"youth_max_age": 29})
    assert "30_35" not in rules.youth_bands()
    assert rules.youth_bands() == {"15_19", "20_24", "25_29"}


def test_small_cells_are_suppressed():
    shown = rules.suppress({"a": 25, "b": 9, "c": 12, "d": 0})
    assert shown["b"] is None  # under 10
    assert shown["d"] == 0  # zero singles nobody out
    # one hidden cell could be worked out from the total: the next smallest goes too
    assert shown["c"] is None
    assert shown["a"] == 25


def test_two_small_cells_need_no_second_suppression():
    shown = rules.suppress({"a": 30, "b": 3, "c": 4, "d": 15})
    assert shown == {"a": 30, "b": None, "c": None, "d": 15}


def test_ten_is_shown_and_nine_is_not():
    assert rules.suppress({"a": 10, "b": 10}) == {"a": 10, "b": 10}
    assert rules.suppress_total(9) is None and rules.suppress_total(10) == 10


def test_min_cell_follows_the_profile(profile):
    profile(spaces={"min_cell": 5})
    assert rules.suppress({"a": 5, "b": 6}) == {"a": 5, "b": 6}
