"""The profile's ownership rules, shares and public bands."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from opengov.ownership import rules
from opengov.ownership.ubo import Share


def test_taiwan_rules_come_from_the_profile(profile):
    r = rules.ubo_rules()
    assert (r.threshold, r.inclusive) == (0.25, False)
    assert r.fallbacks == ("control", "senior_management")
    profile(ownership={"threshold_percent": 10.0, "fallbacks": ["control"]})
    r = rules.ubo_rules()
    assert r.threshold == pytest.approx(0.10) and r.fallbacks == ("control",)


def test_uk_profile_measures_shares_and_votes_and_has_no_senior_manager_step(settings):
    settings.OPENGOV_JURISDICTION = "uk"
    r = rules.ubo_rules()
    assert r.ownership_types == ("shareholding", "votingRights")
    assert r.fallbacks == ("control",) and r.senior_types == ()


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"exact": 30}, (Decimal(30), Decimal(30))),
        ({"minimum": "25", "maximum": "50"}, (Decimal(25), Decimal(50))),
        ({"minimum": 75}, (Decimal(75), Decimal(100))),
        ({}, (None, None)),
    ],
)
def test_check_share(kwargs, expected):
    assert rules.check_share(**kwargs) == expected


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"exact": 100.5}, "exact"),
        ({"exact": -1}, "exact"),
        ({"minimum": -0.1}, "minimum"),
        ({"maximum": 101}, "maximum"),
        ({"minimum": 60, "maximum": 50}, "minimum"),
        ({"exact": "abc"}, "exact"),
        ({"exact": "NaN"}, "exact"),
        ({"exact": 30, "minimum": 20}, "exact"),
    ],
)
def test_bad_shares_name_their_field(kwargs, field):
    with pytest.raises(rules.ShareError) as error:
        rules.check_share(**kwargs)
    assert error.value.field == field


def test_public_bands():
    with translation.override("en"):
        assert rules.share_band(Share.exact(0.18)) == "up to 25 %"
        assert rules.share_band(Share.exact(0.25)) == "up to 25 %"
        assert rules.share_band(Share.exact(0.27)) == "more than 25 %"
        assert rules.share_band(Share(0.55, 0.6)) == "more than 50 %"
        assert rules.share_band(Share.exact(1.0)) == "100 %"
        assert rules.format_share(Share(0.2, 0.45)) == "20–45 %"
        assert rules.format_share(None) == "not stated"
