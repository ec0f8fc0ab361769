"""The array computation gives the same shares as the per-entity one."""

from __future__ import annotations

import random

import numpy as np
import pytest

from opengov.ownership.bulk import integrated_shares
from opengov.ownership.ubo import Edge, Graph, Node, Rules, Share, beneficial_owners


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bulk_equals_per_entity_on_a_random_graph_with_cycles(seed):
    rng = random.Random(seed)
    persons, entities = 12, 25
    n = persons + entities
    is_person = np.array([i < persons for i in range(n)])
    src, dst, lo, hi = [], [], [], []
    for e in range(persons, n):
        budget = 1.0
        for _ in range(rng.randint(1, 3)):
            owner = rng.randrange(n)
            if owner == e:
                continue
            share = rng.uniform(0, budget * 0.6)
            budget -= share
            low = share * rng.choice([1.0, 1.0, 0.7])
            src.append(owner), dst.append(e), lo.append(low), hi.append(share)
    result = integrated_shares(
        n, is_person, np.array(src), np.array(dst), np.array(lo), np.array(hi)
    )
    assert result.converged
    got = {
        (int(p), int(e)): (float(a), float(b))
        for p, e, a, b in zip(result.person, result.entity, result.lo, result.hi, strict=True)
    }
    nodes = [Node(str(i), bool(is_person[i])) for i in range(n)]
    edges = [
        Edge(str(s), str(d), "shareholding", Share(a, b))
        for s, d, a, b in zip(src, dst, lo, hi, strict=True)
        if not is_person[d]
    ]
    graph = Graph(nodes, edges)
    expected = {}
    for e in range(persons, n):
        for h in beneficial_owners(graph, str(e), Rules()).holdings:
            if h.share.hi > 1e-12:
                expected[(int(h.person), e)] = (h.share.lo, h.share.hi)
    assert set(got) == set(expected)
    for key, (a, b) in expected.items():
        assert got[key][0] == pytest.approx(a, abs=1e-9)
        assert got[key][1] == pytest.approx(b, abs=1e-9)


def test_a_cycle_keeping_all_of_itself_is_reported_not_looped_on():
    is_person = np.array([True, False, False])
    result = integrated_shares(
        3,
        is_person,
        np.array([0, 1, 2]),
        np.array([1, 2, 1]),
        np.array([0.5, 1.0, 1.0]),
        np.array([0.5, 1.0, 1.0]),
        max_steps=50,
    )
    assert not result.converged and result.not_converged_pairs > 0
    assert result.hi.max() <= 1.0
