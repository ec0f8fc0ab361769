"""The math against hand-worked matrices; determinism; the canonical serialisation."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from opengov.opinions import math as m

# Two clear groups of four: statements 1-2 split them, 3-4 split them the other way,
# statement 5 everyone agrees with.
GROUP_A = {1: 1, 2: 1, 3: -1, 4: -1, 5: 1}
GROUP_B = {1: -1, 2: -1, 3: 1, 4: 1, 5: 1}


def two_groups(extra=None):
    ps, ss, vs = [], [], []
    for i in range(8):
        votes = GROUP_A if i < 4 else GROUP_B
        for s, v in votes.items():
            ps.append(f"p{i}")
            ss.append(s)
            vs.append(v)
    for p, s, v in extra or []:
        ps.append(p)
        ss.append(s)
        vs.append(v)
    return m.build_matrix(ps, ss, vs)


def test_two_clear_groups_and_one_consensus_statement():
    result = m.compute(two_groups(), seed=1)
    assert result["k"] == 2
    assert result["n_placed"] == 8
    members = {
        g: sorted(p["id"] for p in result["participants"] if p["group"] == g) for g in (0, 1)
    }
    assert sorted(members.values()) == [["p0", "p1", "p2", "p3"], ["p4", "p5", "p6", "p7"]]
    # hand-worked: in a group of 4 all agreeing, pa = (1+4)/(2+4) = 5/6; product = 25/36
    (consensus,) = result["consensus"]
    assert consensus["statement"] == 5
    assert consensus["score"] == pytest.approx(25 / 36, abs=1e-6)
    assert consensus["by_group"] == [pytest.approx(5 / 6, abs=1e-4)] * 2
    lo, hi = consensus["interval"]
    assert lo <= consensus["score"] <= hi
    # representative statements: group of p0 agrees with 1 and 2, disagrees with 3 and 4
    g_a = next(p["group"] for p in result["participants"] if p["id"] == "p0")
    reps = {(r["statement"], r["direction"]) for r in result["groups"][g_a]["representative"]}
    assert reps == {(1, "agree"), (2, "agree"), (3, "disagree"), (4, "disagree")}
    rep = next(r for r in result["groups"][g_a]["representative"] if r["statement"] == 1)
    # pa = 5/6 in the group; rest: (1+0)/(2+4) = 1/6; ratio 5
    assert rep["pa"] == pytest.approx(5 / 6, abs=1e-4)
    assert rep["ra"] == pytest.approx(5.0, abs=1e-3)
    assert rep["z"] > 1.2816
    assert 5 not in {r["statement"] for g in result["groups"] for r in g["representative"]}
    assert all(g["stability"] == pytest.approx(1.0) for g in result["groups"])


def test_two_prop_z_matches_hand_computation():
    # 4 of 4 in, 0 of 4 out, with a pseudocount on each: p1 = 5/5, p2 = 1/5, pooled 6/10
    z = m.two_prop_z(np.array([4.0]), np.array([0.0]), np.array([4.0]), np.array([4.0]))
    expected = (1 - 0.2) / np.sqrt(0.6 * 0.4 * (1 / 5 + 1 / 5))
    assert z[0] == pytest.approx(expected)


def test_same_input_and_seed_same_output_and_order_of_rows_does_not_matter():
    matrix = two_groups()
    first = m.compute(matrix, seed=42)
    again = m.compute(matrix, seed=42)
    assert first == again
    ps, ss, vs = [], [], []
    for i in reversed(range(len(matrix.values))):
        ps.append(matrix.participants[matrix.rows[i]])
        ss.append(matrix.statements[matrix.cols[i]])
        vs.append(int(matrix.values[i]))
    shuffled = m.build_matrix(ps, ss, vs)
    assert m.matrix_sha256(shuffled) == m.matrix_sha256(matrix)
    assert m.compute(shuffled, seed=42)["result_sha256"] == first["result_sha256"]


def test_random_matrix_is_reproducible_with_seed():
    rng = np.random.default_rng(3)
    ps, ss, vs = [], [], []
    for p in range(60):
        for s in rng.choice(20, size=12, replace=False):
            ps.append(f"x{p:03d}")
            ss.append(int(s) + 1)
            vs.append(int(rng.integers(-1, 2)))
    matrix = m.build_matrix(ps, ss, vs)
    a = m.compute(matrix, seed=9)
    b = m.compute(matrix, seed=9)
    assert a["result_sha256"] == b["result_sha256"]
    assert 2 <= a["k"] <= min(5, 2 + 60 // 12)


def test_placement_threshold():
    # p8 voted on 2 of 5 statements: under min(7, 5) = 5, not placed but counted
    result = m.compute(two_groups([("p8", 1, 1), ("p8", 2, 1)]), seed=1)
    assert result["n_participants"] == 9
    assert result["n_placed"] == 8
    assert "p8" not in {p["id"] for p in result["participants"]}


def test_hysteresis_keeps_previous_k_unless_clearly_worse():
    rng = np.random.default_rng(5)
    ps, ss, vs = [], [], []
    for p in range(48):
        lean = p % 3
        for s in range(1, 13):
            ps.append(f"q{p:02d}")
            ss.append(s)
            v = 1 if (s % 3) == lean else -1
            vs.append(v if rng.random() > 0.1 else 0)
    matrix = m.build_matrix(ps, ss, vs)
    free = m.compute(matrix, seed=1)
    scores = {int(k): v for k, v in free["silhouette"].items()}
    assert free["k"] == max(scores, key=scores.get)
    others = [k for k in scores if k != free["k"]]
    close = [k for k in others if scores[free["k"]] - scores[k] < 0.02]
    far = [k for k in others if scores[free["k"]] - scores[k] >= 0.5]
    for k in close:
        assert m.compute(matrix, seed=1, params=m.Params(previous_k=k))["k"] == k
    for k in far:
        assert m.compute(matrix, seed=1, params=m.Params(previous_k=k))["k"] == free["k"]
    big = m.Params(previous_k=others[0], hysteresis_margin=10.0)
    assert m.compute(matrix, seed=1, params=big)["k"] == others[0]


def test_too_few_participants_give_no_groups():
    matrix = m.build_matrix(["a", "a", "b"], [1, 2, 1], [1, -1, 1])
    result = m.compute(matrix, seed=1)
    assert result["k"] == 0 and result["groups"] == [] and result["n_placed"] == 1


def test_canonical_serialisation_is_documented_text():
    matrix = m.build_matrix(["b", "a", "a"], [2, 3, 1], [0, -1, 1], columns=[1, 2, 3, 4])
    text = m.canonical_bytes(matrix).decode()
    assert text == ("opengov-opinion-matrix/1\nstatements\t1,2,3,4\na\t+.-.\nb\t.0..\n")
    assert m.matrix_sha256(matrix) == hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.parametrize(
    ("ps", "ss", "vs", "columns", "message"),
    [
        (["a", "a"], [1, 1], [1, -1], None, "two votes"),
        (["a"], [1], [2], None, "-1, 0 or 1"),
        (["a"], [9], [1], [1, 2], "outside"),
        (["a", "b"], [1], [1], None, "length"),
    ],
)
def test_bad_matrices_are_refused(ps, ss, vs, columns, message):
    with pytest.raises(m.MatrixError, match=message):
        m.build_matrix(ps, ss, vs, columns=columns)


def test_latest_votes_keeps_last_up_to_a_sequence():
    rows = [(1, "a", 1, 1), (2, "a", 1, -1), (3, "b", 1, 0), (5, "a", 1, 0)]
    ps, ss, vs = m.latest_votes(rows, through=4)
    assert sorted(zip(ps, ss, vs, strict=True)) == [("a", 1, -1), ("b", 1, 0)]


def test_params_from_dict_refuses_unknown():
    assert m.Params.from_dict(m.Params().as_dict()) == m.Params()
    with pytest.raises(ValueError, match="unknown"):
        m.Params.from_dict({"bogus": 1})


def test_serialisation_whole_or_in_pieces_is_the_same(monkeypatch):
    rng = np.random.default_rng(5)
    cells = rng.choice(300 * 40, size=4000, replace=False)
    ps = [f"p{c // 40:03d}" for c in cells]
    ss = [int(c % 40) + 1 for c in cells]
    vs = rng.integers(-1, 2, size=len(cells)).tolist()
    whole = m.canonical_bytes(m.build_matrix(ps, ss, vs))
    monkeypatch.setattr(m, "WHOLE_GRID_BYTES", 0)
    pieces = m.canonical_bytes(m.build_matrix(ps, ss, vs))
    assert whole == pieces
    assert whole.count(b"\n") == 2 + len(set(ps))


@pytest.mark.parametrize("columns", [[1, 2, 5], [1, 2, 5, 10_000_000]])
def test_statement_lookup_by_table_or_by_search(columns):
    matrix = m.build_matrix(["a", "b", "a"], [5, 1, 2], [1, 0, -1], columns=columns)
    assert matrix.statements == tuple(columns)
    assert matrix.cols.tolist() == [2, 0, 1]
    for outside in (3, 0, 10_000_001, -4):
        with pytest.raises(m.MatrixError, match="outside"):
            m.build_matrix(["a"], [outside], [1], columns=columns)
    with pytest.raises(m.MatrixError, match="two votes"):
        m.build_matrix(["a", "b", "a"], [5, 1, 5], [1, 0, -1], columns=columns)
