"""The opinion map, computed from a vote matrix: pure functions of numpy and scikit-learn.

Follows the Polis method (see `docs/opinions.md` and `../shared/domain/participation.md`,
"Opinion mapping"), made reproducible: every random step takes a seed derived from one seed,
banned participants never enter the matrix, and the matrix has one canonical serialisation
whose SHA-256 is published with the map.

Steps of `compute()`:

1. The participants × statements matrix: agree +1, disagree -1, pass 0, unseen blank.
2. Participants with at least min(`min_votes`, number of statements) votes are placed.
3. PCA to two components of the placed rows, blanks filled with the statement's mean over the
   placed participants; positions scaled by sqrt(statements / own votes) as Polis does, so that
   people who voted on few statements are not all drawn to the centre.
4. k-means into at most `base_clusters` base clusters, then k-means of the base clusters
   (weighted by their members) into k groups, k in [2, min(`max_groups`, 2 + placed // 12)]
   chosen by the weighted mean silhouette; the previous k is kept unless another k beats it
   by `hysteresis_margin`.
5. Representative statements of each group: pa = (1 + agrees) / (2 + votes) in the group,
   ra = pa / pa of the rest, kept when the two-proportion z-test (pseudocounts as in Polis)
   passes `z_threshold` and the group's majority holds the view; the same for disagreement.
6. Group-aware consensus: the product over groups of (agrees_g + 1) / (votes_g + 2); a
   statement is a consensus statement when every group's pa is over one half. Each carries a
   95 % interval from a stratified bootstrap of the participants of each group.
7. Stability of each group: the mean Jaccard similarity between the group and its best match
   among the groups of `stability_resamples` bootstrap resamples of the placed participants,
   re-clustered with the same k (Hennig's clusterboot, on the base clusters).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

FORMAT = "opengov-opinion-matrix/1"
MAP_FORMAT = "opengov-opinion-map/1"
VALUES = (-1, 0, 1)


class MatrixError(ValueError):
    """The votes cannot form a matrix (a duplicate, an unknown value or statement)."""


@dataclass(frozen=True)
class Params:
    """Every number the computation uses; published with each map."""

    min_votes: int = 7
    min_groups: int = 2
    max_groups: int = 5
    participants_per_group: int = 12
    base_clusters: int = 100
    hysteresis_margin: float = 0.02
    z_threshold: float = 1.2816
    representatives_per_group: int = 5
    consensus_shown: int = 10
    interval_resamples: int = 200
    stability_resamples: int = 20
    kmeans_restarts: int = 10
    previous_k: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """The parameters as a JSON object."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Params:
        """Parameters from a published map (unknown keys are an error)."""
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown parameters: {', '.join(sorted(unknown))}")
        return cls(**data)


@dataclass(frozen=True)
class Matrix:
    """A sparse vote matrix: `participants` sorted, `statements` sorted, and one entry per
    vote (`rows` index participants, `cols` index statements, `values` in -1, 0, 1)."""

    participants: tuple[str, ...]
    statements: tuple[int, ...]
    rows: np.ndarray
    cols: np.ndarray
    values: np.ndarray
    cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def shape(self) -> tuple[int, int]:
        """(participants, statements)."""
        return len(self.participants), len(self.statements)

    def dense(self) -> np.ndarray:
        """The matrix as floats, blanks as NaN."""
        out = np.full(self.shape, np.nan)
        out[self.rows, self.cols] = self.values
        return out


def build_matrix(
    participants: Sequence[str],
    statements: Sequence[int],
    values: Sequence[int],
    *,
    columns: Iterable[int] | None = None,
) -> Matrix:
    """The matrix of the votes given as three parallel sequences (one vote each).

    `columns`: the statements of the conversation (some may have no votes yet); by default the
    statements that have votes. Raises `MatrixError` on a second vote for the same pair, a
    value other than -1, 0, 1, or a statement outside `columns`.
    """
    s_arr = np.asarray(statements, dtype=np.int64)
    v_arr = np.asarray(values, dtype=np.int64)
    if not (len(participants) == len(s_arr) == len(v_arr)):
        raise MatrixError("participants, statements and values differ in length")
    if len(v_arr) and not np.isin(v_arr, VALUES).all():
        raise MatrixError("a vote must be -1, 0 or 1")
    index: dict[str, int] = {}
    codes = np.fromiter(
        (index.setdefault(str(p), len(index)) for p in participants),
        dtype=np.int64,
        count=len(s_arr),
    )
    return matrix_from_codes(list(index), codes, s_arr, v_arr, columns=columns)


def matrix_from_codes(
    names: Sequence[str],
    codes: np.ndarray,
    statements: np.ndarray,
    values: np.ndarray,
    *,
    columns: Iterable[int] | None = None,
) -> Matrix:
    """`build_matrix` for votes whose participants are given as indexes into `names`."""
    s_arr = np.asarray(statements, dtype=np.int64)
    v_arr = np.asarray(values, dtype=np.int64)
    codes = np.asarray(codes, dtype=np.int64)
    if len(v_arr) and not np.isin(v_arr, VALUES).all():
        raise MatrixError("a vote must be -1, 0 or 1")
    if len(codes) and (codes.min() < 0 or codes.max() >= len(names)):
        raise MatrixError("a vote names no participant")
    # the participants with a vote, in code order (a count per code: no sort of every vote)
    used = np.flatnonzero(np.bincount(codes, minlength=len(names))) if len(codes) else codes
    people = sorted(str(names[i]) for i in used)
    if len(set(people)) != len(people):
        raise MatrixError("two participants share a pseudonym")
    order = {name: i for i, name in enumerate(people)}
    rank = np.zeros(len(names), dtype=np.int64)
    for i in used.tolist():
        rank[i] = order[str(names[i])]
    rows = rank[codes] if len(codes) else codes
    cols_known = np.unique(s_arr) if columns is None else np.unique(np.fromiter(columns, np.int64))
    cols = _column_positions(cols_known, s_arr)
    if len(s_arr) and (cols < 0).any():
        raise MatrixError("a vote names a statement outside the conversation")
    if len(rows):
        width = max(len(cols_known), 1)
        key = rows * width + cols
        if len(people) * width <= 50_000_000:
            # one byte per cell: fewer cells marked than votes means a repeated pair
            marked = np.zeros(len(people) * width, dtype=np.uint8)
            marked[key] = 1
            repeated = int(np.count_nonzero(marked)) != len(key)
        else:
            repeated = len(np.unique(key)) != len(key)
        if repeated:
            raise MatrixError("two votes of one participant on one statement")
    return Matrix(
        participants=tuple(people),
        statements=tuple(int(s) for s in cols_known),
        rows=rows.astype(np.int32),
        cols=cols.astype(np.int32),
        values=v_arr.astype(np.int8),
    )


#: statement numbers spanning at most this many values are looked up in a table
_TABLE_SPAN = 1 << 22


def _column_positions(known: np.ndarray, numbers: np.ndarray) -> np.ndarray:
    """The position of each statement number in the sorted `known` numbers, -1 if absent."""
    if not len(numbers):
        return numbers.copy()
    if not len(known):
        return np.full(len(numbers), -1, dtype=np.int64)
    low, high = int(known[0]), int(known[-1])
    if high - low < _TABLE_SPAN:
        table = np.full(high - low + 1, -1, dtype=np.int64)
        table[known - low] = np.arange(len(known))
        inside = (numbers >= low) & (numbers <= high)
        out = np.full(len(numbers), -1, dtype=np.int64)
        out[inside] = table[numbers[inside] - low]
        return out
    found = np.searchsorted(known, numbers)
    hit = found < len(known)
    hit[hit] = known[found[hit]] == numbers[hit]
    return np.where(hit, found, -1)


def latest_votes(
    records: Iterable[Sequence[Any]], *, through: int | None = None
) -> tuple[list[str], list[int], list[int]]:
    """From a vote history of (sequence, participant, statement, value) rows, the last vote of
    each participant on each statement, counting only rows with sequence <= `through`."""
    last: dict[tuple[str, int], tuple[int, int]] = {}
    for seq, participant, statement, value in records:
        seq = int(seq)
        if through is not None and seq > through:
            continue
        key = (str(participant), int(statement))
        kept = last.get(key)
        if kept is None or seq > kept[0]:
            last[key] = (seq, int(value))
    ps, ss, vs = [], [], []
    for (p, s), (_, v) in last.items():
        ps.append(p)
        ss.append(s)
        vs.append(v)
    return ps, ss, vs


#: the character of each vote in a row of the canonical serialisation (index: vote + 1)
SYMBOLS = np.frombuffer(b"-0+", dtype=np.uint8)
UNSEEN = ord(".")
#: up to this size the serialisation's grid is built whole (else in pieces, votes sorted)
WHOLE_GRID_BYTES = 64 * 1024 * 1024


def canonical_chunks(matrix: Matrix, rows_per_chunk: int = 2000) -> Iterable[bytes]:
    """The canonical serialisation of a matrix, in pieces (UTF-8, `\\n` line ends):

        opengov-opinion-matrix/1
        statements<TAB>1,2,5
        <participant><TAB><one character per statement, in the order of the line above>

    one participant per line, ordered by pseudonym (code-point order); the characters are `+`
    agree, `-` disagree, `0` pass and `.` not voted. Only participants with a vote appear.
    """
    yield f"{FORMAT}\nstatements\t{','.join(map(str, matrix.statements))}\n".encode()
    n, m = matrix.shape
    width = m + 1
    names = [p.encode() + b"\t" for p in matrix.participants]
    symbols = SYMBOLS[matrix.values.astype(np.int64) + 1]
    if n * width <= WHOLE_GRID_BYTES:
        # the whole grid at once: no sorting of the votes
        grid = np.full((n, width), UNSEEN, dtype=np.uint8)
        grid[:, m] = ord("\n")
        grid[matrix.rows, matrix.cols] = symbols
        flat = grid.tobytes()
        for a in range(0, n, rows_per_chunk):
            b = min(a + rows_per_chunk, n)
            yield b"".join([names[i] + flat[i * width : (i + 1) * width] for i in range(a, b)])
        return
    order = np.argsort(matrix.rows, kind="stable")
    rows, cols, symbols = matrix.rows[order], matrix.cols[order], symbols[order]
    for a in range(0, n, rows_per_chunk):
        b = min(a + rows_per_chunk, n)
        lo, hi = np.searchsorted(rows, [a, b])
        grid = np.full((b - a, width), UNSEEN, dtype=np.uint8)
        grid[:, m] = ord("\n")
        grid[rows[lo:hi] - a, cols[lo:hi]] = symbols[lo:hi]
        flat = grid.tobytes()
        yield b"".join([names[a + i] + flat[i * width : (i + 1) * width] for i in range(b - a)])


def canonical_bytes(matrix: Matrix) -> bytes:
    """The whole canonical serialisation (see `canonical_chunks`)."""
    return b"".join(canonical_chunks(matrix))


def matrix_sha256(matrix: Matrix) -> str:
    """SHA-256 (hex) of the canonical serialisation (computed once per matrix)."""
    cached = matrix.cache.get("sha256")
    if cached is None:
        digest = hashlib.sha256()
        for chunk in canonical_chunks(matrix):
            digest.update(chunk)
        cached = matrix.cache["sha256"] = digest.hexdigest()
    return cached


def result_sha256(result: dict[str, Any]) -> str:
    """SHA-256 of a computed map as canonical JSON (sorted keys, no spaces)."""
    body = {k: v for k, v in result.items() if k != "result_sha256"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


# --- the computation -------------------------------------------------------------------------


def _seeds(seed: int, n: int) -> list[int]:
    """`n` independent 31-bit seeds derived from `seed` (numpy SeedSequence)."""
    return [int(s) for s in np.random.SeedSequence(seed).generate_state(n, dtype=np.uint32) >> 1]


def two_prop_z(
    succ_in: np.ndarray, succ_out: np.ndarray, n_in: np.ndarray, n_out: np.ndarray
) -> np.ndarray:
    """Two-proportion z statistic with one pseudocount on every count (as Polis does)."""
    s1, s2, n1, n2 = succ_in + 1.0, succ_out + 1.0, n_in + 1.0, n_out + 1.0
    p1, p2 = s1 / n1, s2 / n2
    pooled = (s1 + s2) / (n1 + n2)
    denom = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(denom > 0, (p1 - p2) / denom, 0.0)
    return z


def _weighted_silhouette(points: np.ndarray, labels: np.ndarray, weights: np.ndarray) -> float:
    from sklearn.metrics import silhouette_samples

    if len(np.unique(labels)) < 2 or len(np.unique(labels)) >= len(points):
        return -1.0
    values = silhouette_samples(points, labels)
    return float(np.average(values, weights=weights))


def _kmeans(
    points: np.ndarray, k: int, *, seed: int, weights: np.ndarray | None, restarts: int
) -> np.ndarray:
    from sklearn.cluster import KMeans

    model = KMeans(n_clusters=k, n_init=restarts, random_state=seed, algorithm="lloyd")
    return model.fit(points, sample_weight=weights).labels_


def _r(x: float, digits: int = 6) -> float:
    value = round(float(x), digits)
    return 0.0 if value == 0 else value


def compute(
    matrix: Matrix,
    *,
    seed: int,
    params: Params | None = None,
    timings: dict[str, float] | None = None,
) -> dict[str, Any]:
    """The opinion map of `matrix`: positions, groups, representative and consensus statements,
    stability; the same output for the same matrix, parameters and seed. `timings`, when given,
    receives the seconds of each step (for the benchmark; not part of the result).

    Runs single-threaded (BLAS and OpenMP), so the floating-point order of operations, and the
    result, do not depend on the number of cores.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return _compute(matrix, seed=seed, params=params, timings=timings)


def _compute(
    matrix: Matrix, *, seed: int, params: Params | None, timings: dict[str, float] | None
) -> dict[str, Any]:
    params = params or Params()
    clock = _Stopwatch(timings)
    from scipy import sparse
    from sklearn.cluster import KMeans
    from sklearn.decomposition import TruncatedSVD

    n_people, n_statements = matrix.shape
    result: dict[str, Any] = {
        "format": MAP_FORMAT,
        "matrix_sha256": matrix_sha256(matrix),
        "seed": int(seed),
        "params": params.as_dict(),
        "n_participants": n_people,
        "n_statements": n_statements,
        "n_votes": len(matrix.values),
        "n_placed": 0,
        "k": 0,
        "silhouette": {},
        "participants": [],
        "groups": [],
        "consensus": [],
        "statements": [],
    }
    counts = np.bincount(matrix.rows, minlength=n_people)
    need = min(params.min_votes, n_statements)
    placed_idx = np.flatnonzero(counts >= max(need, 1))
    stat = _statement_totals(matrix)
    result["statements"] = [
        {"statement": s, "agrees": int(a), "disagrees": int(d), "passes": int(p), "division": 0.0}
        for s, a, d, p in zip(matrix.statements, *stat, strict=True)
    ]
    n_placed = len(placed_idx)
    result["n_placed"] = n_placed
    if n_placed < 3 or n_statements < 2:
        return _finish(result)
    seeds = _seeds(seed, 6)
    clock.lap("matrix")

    # 1-3. the placed rows, blanks filled with the statement mean, PCA to two components
    position = np.full(n_people, -1, dtype=np.int64)
    position[placed_idx] = np.arange(n_placed)
    keep = position[matrix.rows] >= 0
    p_rows, p_cols, p_vals = position[matrix.rows[keep]], matrix.cols[keep], matrix.values[keep]
    sums = np.bincount(p_cols, weights=p_vals, minlength=n_statements)
    seen = np.bincount(p_cols, minlength=n_statements)
    means = np.divide(sums, seen, out=np.zeros(n_statements), where=seen > 0)
    # With blanks filled by the statement means, those means are also the column means, so the
    # centred matrix is zero at every blank: its PCA is the truncated SVD of the sparse matrix
    # of (vote - mean) at the votes, which never builds the dense matrix.
    centred = sparse.csr_matrix(
        (p_vals - means[p_cols], (p_rows, p_cols)), shape=(n_placed, n_statements)
    )
    components = min(2, n_placed - 1, n_statements - 1)
    svd = TruncatedSVD(
        n_components=max(components, 1), algorithm="randomized", n_iter=5, random_state=seeds[0]
    )
    with warnings.catch_warnings():  # a matrix without variance: explained ratio 0/0
        warnings.simplefilter("ignore", RuntimeWarning)
        coords = svd.fit_transform(centred)
    if coords.shape[1] < 2:
        coords = np.hstack([coords, np.zeros((n_placed, 2 - coords.shape[1]))])
    total_variance = float(np.asarray(centred.multiply(centred).sum())) / n_placed
    explained = coords.var(axis=0) / total_variance if total_variance else np.zeros(2)
    own = counts[placed_idx].astype(float)
    coords = coords * np.sqrt(n_statements / own)[:, None]
    clock.lap("pca")
    result["pca"] = {"explained_variance_ratio": [_r(v) for v in explained]}

    # 4. base clusters, then groups chosen by silhouette with hysteresis
    if n_placed > params.base_clusters:
        base = KMeans(
            n_clusters=params.base_clusters, n_init=1, random_state=seeds[1], algorithm="lloyd"
        )
        base_label = base.fit(coords).labels_
        base_weight = np.bincount(base_label, minlength=params.base_clusters).astype(float)
        used = np.flatnonzero(base_weight > 0)
        remap = np.full(params.base_clusters, -1)
        remap[used] = np.arange(len(used))
        base_label = remap[base_label]
        base_points = np.vstack([coords[base_label == b].mean(axis=0) for b in range(len(used))])
        base_weight = base_weight[used]
    else:
        base_label = np.arange(n_placed)
        base_points = coords
        base_weight = np.ones(n_placed)
    distinct = len(np.unique(np.round(base_points, 9), axis=0))
    k_max = min(params.max_groups, 2 + n_placed // params.participants_per_group, distinct)
    scores: dict[int, float] = {}
    labelings: dict[int, np.ndarray] = {}
    for k in range(params.min_groups, k_max + 1):
        labels = _kmeans(
            base_points, k, seed=seeds[2], weights=base_weight, restarts=params.kmeans_restarts
        )
        labelings[k] = labels
        scores[k] = _weighted_silhouette(base_points, labels, base_weight)
    clock.lap("kmeans")
    if not scores:
        return _finish(result)
    best = max(scores, key=lambda k: (scores[k], -k))
    chosen = best
    prev = params.previous_k
    if prev in scores and scores[best] - scores[prev] < params.hysteresis_margin:
        chosen = prev
    result["k"] = chosen
    result["silhouette"] = {str(k): _r(v) for k, v in scores.items()}
    group_of_base = _relabel(labelings[chosen], base_points, base_weight, chosen)
    group = group_of_base[base_label]

    # 5-6. votes per group and statement; representatives; consensus
    g_rows = group[p_rows]
    agree = _per_group(g_rows, p_cols, p_vals == 1, chosen, n_statements)
    disagree = _per_group(g_rows, p_cols, p_vals == -1, chosen, n_statements)
    votes = _per_group(g_rows, p_cols, np.ones(len(p_vals), bool), chosen, n_statements)
    pa = (1 + agree) / (2 + votes)
    pd = (1 + disagree) / (2 + votes)
    division = pa.max(axis=0) - pa.min(axis=0)
    for entry, d in zip(result["statements"], division, strict=True):
        entry["division"] = _r(d)

    groups = []
    stability = _stability(base_points, base_weight, base_label, group, chosen, params, seeds[3])
    for g in range(chosen):
        members = group == g
        reps = _representatives(agree, disagree, votes, g, matrix.statements, params)
        centre = coords[members].mean(axis=0)
        groups.append(
            {
                "id": g,
                "size": int(members.sum()),
                "centroid": [_r(centre[0]), _r(centre[1])],
                "stability": _r(stability[g], 4),
                "representative": reps,
            }
        )
    clock.lap("stability_and_representatives")
    result["groups"] = groups
    result["consensus"] = _consensus(
        agree,
        disagree,
        votes,
        pa,
        pd,
        matrix.statements,
        p_rows,
        p_cols,
        p_vals,
        group,
        chosen,
        params,
        seeds[4],
    )
    clock.lap("consensus")
    names = matrix.participants
    result["participants"] = [
        {"id": names[i], "x": _r(x), "y": _r(y), "group": int(g)}
        for i, (x, y), g in zip(placed_idx.tolist(), coords.tolist(), group.tolist(), strict=True)
    ]
    return _finish(result)


class _Stopwatch:
    """Seconds per step, into `timings` when given."""

    def __init__(self, timings: dict[str, float] | None) -> None:
        import time

        self.timings, self.time = timings, time.perf_counter
        self.last = self.time()

    def lap(self, name: str) -> None:
        if self.timings is not None:
            now = self.time()
            self.timings[name] = now - self.last
            self.last = now


def _finish(result: dict[str, Any]) -> dict[str, Any]:
    result["result_sha256"] = result_sha256(result)
    return result


def _statement_totals(matrix: Matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = len(matrix.statements)
    return (
        np.bincount(matrix.cols[matrix.values == 1], minlength=n),
        np.bincount(matrix.cols[matrix.values == -1], minlength=n),
        np.bincount(matrix.cols[matrix.values == 0], minlength=n),
    )


def _per_group(
    groups: np.ndarray, cols: np.ndarray, mask: np.ndarray, k: int, n: int
) -> np.ndarray:
    idx = groups[mask] * n + cols[mask]
    return np.bincount(idx, minlength=k * n).reshape(k, n).astype(float)


def _relabel(labels: np.ndarray, points: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    """Groups numbered by size (largest first), then by centroid x, then y: labels that do not
    depend on k-means' own numbering."""
    keys = []
    for g in range(k):
        members = labels == g
        w = weights[members]
        centre = np.average(points[members], axis=0, weights=w) if w.sum() else np.zeros(2)
        keys.append((-float(w.sum()), round(float(centre[0]), 9), round(float(centre[1]), 9), g))
    order = [key[-1] for key in sorted(keys)]
    mapping = np.empty(k, dtype=np.int64)
    for new, old in enumerate(order):
        mapping[old] = new
    return mapping[labels]


def _representatives(
    agree: np.ndarray,
    disagree: np.ndarray,
    votes: np.ndarray,
    g: int,
    statements: Sequence[int],
    params: Params,
) -> list[dict[str, Any]]:
    found = []
    v_in = votes[g]
    v_out = votes.sum(axis=0) - v_in
    for direction, counts in (("agree", agree), ("disagree", disagree)):
        s_in = counts[g]
        s_out = counts.sum(axis=0) - s_in
        p_in = (1 + s_in) / (2 + v_in)
        p_out = (1 + s_out) / (2 + v_out)
        ratio = p_in / p_out
        z = two_prop_z(s_in, s_out, v_in, v_out)
        ok = (z > params.z_threshold) & (p_in > 0.5)
        for j in np.flatnonzero(ok):
            found.append(
                {
                    "statement": int(statements[j]),
                    "direction": direction,
                    "pa": _r(p_in[j], 4),
                    "ra": _r(ratio[j], 4),
                    "z": _r(z[j], 4),
                    "count": int(s_in[j]),
                    "votes": int(v_in[j]),
                }
            )
    found.sort(key=lambda r: (-r["z"], -r["ra"], r["statement"], r["direction"]))
    return found[: params.representatives_per_group]


def _consensus(
    agree: np.ndarray,
    disagree: np.ndarray,
    votes: np.ndarray,
    pa: np.ndarray,
    pd: np.ndarray,
    statements: Sequence[int],
    p_rows: np.ndarray,
    p_cols: np.ndarray,
    p_vals: np.ndarray,
    group: np.ndarray,
    k: int,
    params: Params,
    seed: int,
) -> list[dict[str, Any]]:
    score = np.prod(pa, axis=0)
    candidates = np.flatnonzero((pa > 0.5).all(axis=0))
    ranked = sorted(candidates.tolist(), key=lambda j: (-score[j], statements[j]))
    chosen = ranked[: params.consensus_shown]
    if not chosen:
        return []
    # stratified bootstrap of the participants of each group: the product's 95 % interval
    rng = np.random.default_rng(seed)
    n_placed = len(group)
    col_pos = np.full(len(statements), -1)
    col_pos[chosen] = np.arange(len(chosen))
    sel = col_pos[p_cols] >= 0
    agree_m = np.zeros((n_placed, len(chosen)))
    voted_m = np.zeros((n_placed, len(chosen)))
    agree_m[p_rows[sel], col_pos[p_cols[sel]]] = p_vals[sel] == 1
    voted_m[p_rows[sel], col_pos[p_cols[sel]]] = 1
    product = np.ones((params.interval_resamples, len(chosen)))
    for g in range(k):
        members = np.flatnonzero(group == g)
        size = len(members)
        picks = rng.integers(0, size, size=(params.interval_resamples, size))
        offsets = np.arange(params.interval_resamples)[:, None] * size
        draws = (
            np.bincount((picks + offsets).ravel(), minlength=params.interval_resamples * size)
            .reshape(params.interval_resamples, size)
            .astype(float)
        )
        a = draws @ agree_m[members]
        v = draws @ voted_m[members]
        product *= (a + 1) / (v + 2)
    low, high = np.percentile(product, [2.5, 97.5], axis=0)
    return [
        {
            "statement": int(statements[j]),
            "score": _r(score[j]),
            "interval": [_r(low[i]), _r(high[i])],
            "by_group": [_r(pa[g, j], 4) for g in range(k)],
            "agrees": int(agree[:, j].sum()),
            "votes": int(votes[:, j].sum()),
        }
        for i, j in enumerate(chosen)
    ]


def _stability(
    base_points: np.ndarray,
    base_weight: np.ndarray,
    base_label: np.ndarray,
    group: np.ndarray,
    k: int,
    params: Params,
    seed: int,
) -> list[float]:
    """Mean over bootstrap resamples of each group's best Jaccard match (clusterboot)."""
    n = len(group)
    if params.stability_resamples <= 0:
        return [math.nan] * k
    rng = np.random.default_rng(seed)
    seeds = _seeds(seed, params.stability_resamples)
    totals = np.zeros(k)
    base_of_member = base_label
    for b in range(params.stability_resamples):
        drawn = rng.integers(0, n, size=n)
        present = np.zeros(n, bool)
        present[drawn] = True
        weights = np.bincount(base_of_member[drawn], minlength=len(base_points)).astype(float)
        live = weights > 0
        if live.sum() <= k:
            continue
        labels = np.full(len(base_points), -1)
        labels[live] = _kmeans(
            base_points[live], k, seed=seeds[b], weights=weights[live], restarts=1
        )
        new_group = labels[base_of_member]
        for g in range(k):
            original = present & (group == g)
            size = original.sum()
            if not size:
                continue
            best = 0.0
            for c in range(k):
                other = present & (new_group == c)
                inter = (original & other).sum()
                union = (original | other).sum()
                best = max(best, inter / union if union else 0.0)
            totals[g] += best
    return (totals / params.stability_resamples).tolist()
