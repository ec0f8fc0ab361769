"""Statement order and pseudonyms (pure rules)."""

from __future__ import annotations

from opengov.opinions import rules
from opengov.opinions.rules import Candidate


def test_order_is_deterministic_for_a_seed_and_covers_every_candidate():
    candidates = [Candidate(n, votes=n * 3, division=0.1 * (n % 4)) for n in range(1, 21)]
    first = rules.statement_order(candidates, seed=123)
    assert first == rules.statement_order(candidates, seed=123)
    assert sorted(first) == list(range(1, 21))
    assert any(rules.statement_order(candidates, seed=s) != first for s in range(1, 5))


def test_statements_with_few_votes_come_first_more_often():
    candidates = [Candidate(1, votes=0), Candidate(2, votes=400)]
    firsts = [rules.statement_order(candidates, seed=s)[0] for s in range(500)]
    share = firsts.count(1) / len(firsts)
    # weights 1 and 1/sqrt(401) = 0.05: the fresh statement leads about 95 % of draws
    assert share > 0.9


def test_statements_that_split_groups_come_first_more_often():
    candidates = [Candidate(1, votes=50, division=0.0), Candidate(2, votes=50, division=1.0)]
    firsts = [rules.statement_order(candidates, seed=s)[0] for s in range(500)]
    assert firsts.count(2) / len(firsts) > 0.65  # weight 3 against 1: about 75 %
    assert rules.priority(Candidate(2, 50, 1.0)) == 3 * rules.priority(Candidate(1, 50, 0.0))


def test_order_seed_changes_with_votes_cast_and_person():
    assert rules.order_seed(1, "a", 0) == rules.order_seed(1, "a", 0)
    assert rules.order_seed(1, "a", 0) != rules.order_seed(1, "a", 1)
    assert rules.order_seed(1, "a", 0) != rules.order_seed(1, "b", 0)


def test_empty_candidates():
    assert rules.statement_order([], seed=1) == []


def test_pseudonym_is_keyed():
    a = rules.pseudonym("k1", "conv", 7)
    assert a == rules.pseudonym("k1", "conv", 7)
    assert a != rules.pseudonym("k2", "conv", 7)
    assert a != rules.pseudonym("k1", "other", 7)
    assert len(a) == 16


def test_votes_to_place_follows_the_profile(profile):
    assert rules.votes_to_place(3) == 3
    assert rules.votes_to_place(30) == 7
    profile(opinions={"min_votes_to_place": 4})
    assert rules.votes_to_place(30) == 4
