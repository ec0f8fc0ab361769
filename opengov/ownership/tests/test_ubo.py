"""Ultimate owners: chain arithmetic, parallel paths, ranges, cycles, fall-backs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opengov.ownership.ubo import Edge, Graph, Node, Rules, Share, beneficial_owners

E = Share.exact


def graph(persons, entities, edges):
    nodes = [Node(p, True, p) for p in persons] + [Node(e, False, e) for e in entities]
    return Graph(nodes, [Edge(*e) if isinstance(e, tuple) else e for e in edges])


def holding(det, person):
    return next(h for h in det.holdings if h.person == person)


def test_chain_multiplies_30_percent_of_60_percent_is_18_percent():
    g = graph(
        ["p"], ["a", "b"], [("p", "a", "shareholding", E(0.6)), ("a", "b", "shareholding", E(0.3))]
    )
    det = beneficial_owners(g, "b")
    h = holding(det, "p")
    assert h.share.lo == pytest.approx(0.18) and h.share.hi == pytest.approx(0.18)
    assert [p.nodes for p in h.paths] == [("p", "a", "b")]
    assert not h.direct and not h.passes
    # 18 % is under 25 %: ownership finds nobody, and no other basis is in the data
    assert det.basis == "none" and det.steps == ("ownership", "control", "senior_management")


def test_two_paths_add_and_several_interests_of_one_party_add():
    g = graph(
        ["p"],
        ["a", "b", "s"],
        [
            ("p", "a", "shareholding", E(0.5)),
            ("p", "b", "shareholding", E(0.4)),
            ("a", "s", "shareholding", E(0.2)),
            ("b", "s", "shareholding", E(0.25)),
            Edge("p", "s", "shareholding", E(0.03), ref="class-a"),
            Edge("p", "s", "shareholding", E(0.02), ref="class-b"),
        ],
    )
    det = beneficial_owners(g, "s")
    h = holding(det, "p")
    # 50 % × 20 % + 40 % × 25 % + 3 % + 2 % = 25 %: not more than 25 %
    assert h.share.lo == pytest.approx(0.25)
    assert len(h.paths) == 4 and h.direct
    assert not h.passes and det.owners == ()
    det_inclusive = beneficial_owners(g, "s", Rules(inclusive=True))
    assert [o.person for o in det_inclusive.owners] == ["p"]


def test_ranges_carry_as_intervals_and_only_the_lower_end_decides():
    g = graph(
        ["p"],
        ["a", "s"],
        [("p", "a", "shareholding", Share(0.5, 0.75)), ("a", "s", "shareholding", Share(0.4, 0.6))],
    )
    det = beneficial_owners(g, "s")
    h = holding(det, "p")
    assert (h.share.lo, h.share.hi) == (pytest.approx(0.2), pytest.approx(0.45))
    assert h.may_pass and not h.passes
    assert det.uncertain == (h,) and det.owners == ()


def test_unstated_share_is_zero_to_everything():
    g = graph(["p"], ["s"], [("p", "s", "shareholding", None)])
    h = holding(beneficial_owners(g, "s"), "p")
    assert (h.share.lo, h.share.hi) == (0.0, 1.0) and h.may_pass


def test_cross_holding_converges_to_the_integrated_share():
    # A owns 50 % of B, B owns 30 % of A; P owns 60 % of A, Q 50 % of B, U 10 % of A
    g = graph(
        ["p", "q", "u"],
        ["a", "b"],
        [
            ("p", "a", "shareholding", E(0.6)),
            ("u", "a", "shareholding", E(0.1)),
            ("b", "a", "shareholding", E(0.3)),
            ("a", "b", "shareholding", E(0.5)),
            ("q", "b", "shareholding", E(0.5)),
        ],
    )
    det = beneficial_owners(g, "a")
    assert det.converged and det.cycles == (("a", "b"),)
    p, q, u = (holding(det, k) for k in "pqu")
    assert p.share.lo == pytest.approx(0.6 / 0.85)
    assert q.share.lo == pytest.approx(0.5 * 0.3 / 0.85)
    # every share of A is accounted for once: the integrated shares add to 100 %
    assert p.share.lo + q.share.lo + u.share.lo == pytest.approx(1.0)
    # P's simple path gives 60 %, the cycle adds the rest, reported as such
    assert [x.nodes for x in p.paths] == [("p", "a")]
    assert p.through_cycles.lo == pytest.approx(0.6 / 0.85 - 0.6)
    assert [o.person for o in det.owners] == ["p"]


def test_a_cycle_holding_all_of_itself_terminates_and_is_reported():
    g = graph(
        [], ["a", "b"], [("a", "b", "shareholding", E(1.0)), ("b", "a", "shareholding", E(1.0))]
    )
    det = beneficial_owners(g, "a")
    assert not det.converged and det.cycles == (("a", "b"),)
    assert det.owners == () and det.holdings == ()


def test_fall_back_to_control_then_senior_management():
    g = graph(
        ["p", "c", "m"],
        ["s", "h"],
        [
            ("p", "s", "shareholding", E(0.2)),
            ("c", "s", "appointmentOfBoard", None),
            ("m", "s", "seniorManagingOfficial", None),
        ],
    )
    det = beneficial_owners(g, "s")
    assert det.basis == "control" and [o.person for o in det.owners] == ["c"]
    assert det.steps == ("ownership", "control")
    without_control = graph(
        ["p", "m"],
        ["s"],
        [("p", "s", "shareholding", E(0.2)), ("m", "s", "seniorManagingOfficial", None)],
    )
    det = beneficial_owners(without_control, "s")
    assert det.basis == "senior_management" and [o.person for o in det.owners] == ["m"]
    # a profile without the senior-management step (the UK's) stops at control
    uk = Rules(fallbacks=("control",))
    assert beneficial_owners(without_control, "s", uk).basis == "none"


def test_control_through_an_entity_goes_to_its_owners():
    g = graph(
        ["p"],
        ["h", "s"],
        [("p", "h", "shareholding", E(0.8)), ("h", "s", "otherInfluenceOrControl", None)],
    )
    det = beneficial_owners(g, "s")
    assert det.basis == "control"
    (owner,) = det.owners
    assert owner.person == "p" and owner.paths[0].nodes == ("p", "h", "s")


def test_declared_indirect_interest_counts_only_without_a_known_chain():
    chain = [("p", "a", "shareholding", E(0.6)), ("a", "s", "shareholding", E(0.3))]
    declared = Edge("p", "s", "shareholding", E(0.3), indirect=True)
    det = beneficial_owners(graph(["p"], ["a", "s"], [*chain, declared]), "s")
    assert holding(det, "p").share.lo == pytest.approx(0.18)
    det = beneficial_owners(graph(["p"], ["s"], [declared]), "s")
    h = holding(det, "p")
    assert h.share.lo == pytest.approx(0.3) and h.passes and not h.direct


def test_votes_and_shares_are_measured_apart():
    g = graph(
        ["p"], ["s"], [("p", "s", "shareholding", E(0.2)), ("p", "s", "votingRights", E(0.2))]
    )
    uk = Rules(ownership_types=("shareholding", "votingRights"), control_types=())
    det = beneficial_owners(g, "s", uk)
    assert det.owners == () and len(det.holdings) == 2


share = st.floats(min_value=0, max_value=1, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(a=share, b=share, c=share, d=share)
def test_property_diamond_equals_sum_of_products(a, b, c, d):
    g = graph(
        ["p"],
        ["x", "y", "s"],
        [
            ("p", "x", "shareholding", E(a)),
            ("p", "y", "shareholding", E(b)),
            ("x", "s", "shareholding", E(c / 2)),
            ("y", "s", "shareholding", E(d / 2)),
        ],
    )
    det = beneficial_owners(g, "s")
    expected = a * c / 2 + b * d / 2
    got = [h.share.lo for h in det.holdings if h.person == "p"]
    assert (got[0] if got else 0.0) == pytest.approx(expected, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    lo=st.lists(share, min_size=3, max_size=3),
    width=st.lists(share, min_size=3, max_size=3),
    back=st.floats(min_value=0, max_value=0.9),
)
def test_property_interval_bounds_hold_and_shares_stay_within_the_whole(lo, width, back):
    shares = [Share(v * 0.5, min(v * 0.5 + w * 0.5, 1.0)) for v, w in zip(lo, width)]
    g = graph(
        ["p", "q"],
        ["a", "b", "s"],
        [
            ("p", "a", "shareholding", shares[0]),
            ("a", "s", "shareholding", shares[1]),
            ("q", "b", "shareholding", shares[2]),
            ("b", "s", "shareholding", E(0.5)),
            ("s", "a", "shareholding", E(back * 0.5)),  # a cycle through the subject
        ],
    )
    det = beneficial_owners(g, "s")
    assert det.converged
    for h in det.holdings:
        assert 0.0 <= h.share.lo <= h.share.hi + 1e-12 <= 1.0 + 1e-9
        # the simple paths never give more than the whole computed share
        assert sum(p.share.lo for p in h.paths) <= h.share.lo + 1e-9
