"""Ultimate owners over a synthetic register: 1,000,000 parties and 1,000,000 interests, with
chains up to depth 10, parallel paths, ranges and cross-holdings (cycles).

Measures `opengov.ownership.bulk.integrated_shares` (every person's integrated share of every
entity, lower and upper ends) and, as the reference in the same run, a sparse-matrix solution
with scipy over the same edges: the Neumann series S = D + D·A + D·A² + … built with sparse
matrix products (CSR), for the lower and the upper ends, terms below the same epsilon
dropped. Checks that both give the same pairs and shares (to 1e-9) and the same ultimate
owners (more than 25 %), then prints the time of each and their ratio.

    .venv/bin/python bench/ownership/run.py              # 1,000,000 parties and interests
    .venv/bin/python bench/ownership/run.py --size 50000 # a smoke run
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from opengov.ownership.bulk import EPSILON, integrated_shares

DEPTH = 10
THRESHOLD = 0.25


def synthetic(size: int, seed: int = 2026):
    """`size` parties (40 % persons) and about `size` interests: entities in 11 layers, each
    held by 1-3 holders (persons, or entities of the layer above: chains up to depth 10 and
    parallel paths), shares splitting at most 100 %, one interest in ten a range, and
    back-edges from deeper to shallower layers making cycles."""
    rng = np.random.default_rng(seed)
    persons = int(size * 0.4)
    entities = size - persons
    n = size
    is_person = np.zeros(n, dtype=bool)
    is_person[:persons] = True
    layer = np.repeat(np.arange(DEPTH + 1), -(-entities // (DEPTH + 1)))[:entities]
    layer_start = np.searchsorted(layer, np.arange(DEPTH + 2))
    target_edges = size
    cycles = max(size // 200, 1)
    per_entity = np.full(entities, 1, dtype=np.int64)
    extra = target_edges - cycles - entities
    per_entity[rng.choice(entities, size=max(extra, 0), replace=True)] += 1
    per_entity = np.minimum(per_entity, 3)
    missing = target_edges - cycles - int(per_entity.sum())
    if missing > 0:
        room = np.flatnonzero(per_entity < 3)
        per_entity[rng.choice(room, size=min(missing, room.size), replace=False)] += 1
    owned = np.repeat(np.arange(entities), per_entity)
    owned_layer = layer[owned]
    m = owned.size
    from_entity = (rng.random(m) < 0.5) & (owned_layer > 0)
    holder = rng.integers(0, persons, size=m)
    above_start = layer_start[np.maximum(owned_layer - 1, 0)]
    above_end = layer_start[owned_layer]
    pick = above_start + (rng.random(m) * np.maximum(above_end - above_start, 1)).astype(np.int64)
    holder = np.where(from_entity, persons + pick, holder)
    # shares: each entity's holders split at most 100 %
    raw = rng.random(m) + 0.05
    totals = np.bincount(owned, weights=raw, minlength=entities)
    scale = rng.uniform(0.6, 1.0, size=entities)
    share = raw / totals[owned] * scale[owned]
    ranged = rng.random(m) < 0.1
    lo = np.where(ranged, share * 0.8, share)
    hi = share
    # cycles: an entity of a deeper layer holds a little of one above it
    deep = rng.choice(np.flatnonzero(layer >= 2), size=cycles, replace=False)
    back_owned = layer_start[layer[deep] - 2] + (
        rng.random(cycles) * (layer_start[layer[deep] - 1] - layer_start[layer[deep] - 2])
    ).astype(np.int64)
    back_share = rng.uniform(0.01, 0.2, size=cycles)
    src = np.concatenate([holder, persons + deep])
    dst = np.concatenate([persons + owned, persons + back_owned])
    lo = np.concatenate([lo, back_share])
    hi = np.concatenate([hi, back_share])
    return n, is_person, src.astype(np.int64), dst.astype(np.int64), lo, hi


def reference(n, is_person, src, dst, lo, hi, *, max_steps: int = 1000):
    """S = D + D·A + D·A² + … with scipy sparse matrices, each end apart."""
    from_person = is_person[src]
    out = []
    steps_taken = 0
    for w in (lo, hi):
        a = sp.csr_matrix((w[~from_person], (src[~from_person], dst[~from_person])), shape=(n, n))
        term = sp.csr_matrix((w[from_person], (src[from_person], dst[from_person])), shape=(n, n))
        total = term.copy()
        steps = 0
        while term.nnz and steps < max_steps:
            steps += 1
            term = term @ a
            term.data[term.data <= EPSILON] = 0
            term.eliminate_zeros()
            total = total + term
        steps_taken = max(steps_taken, steps)
        total.data = np.minimum(total.data, 1.0)
        out.append(total.tocoo())
    return out, steps_taken


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=1_000_000, help="parties (and interests)")
    args = parser.parse_args()

    t = time.perf_counter()
    n, is_person, src, dst, lo, hi = synthetic(args.size)
    print(
        f"graph: {n:,} parties ({int(is_person.sum()):,} persons), {src.size:,} interests, "
        f"built in {time.perf_counter() - t:.1f} s"
    )

    t, c = time.perf_counter(), time.process_time()
    result = integrated_shares(n, is_person, src, dst, lo, hi)
    ours, ours_cpu = time.perf_counter() - t, time.process_time() - c

    t, c = time.perf_counter(), time.process_time()
    (ref_lo, ref_hi), ref_steps = reference(n, is_person, src, dst, lo, hi)
    theirs, theirs_cpu = time.perf_counter() - t, time.process_time() - c

    # the same pairs and shares
    n64 = np.int64(n)
    ours_keys = result.person * n64 + result.entity
    ref_keys_hi = ref_hi.row.astype(np.int64) * n64 + ref_hi.col
    order = np.argsort(ref_keys_hi)
    ref_keys_hi, ref_hi_values = ref_keys_hi[order], ref_hi.data[order]
    ref_keys_lo = ref_lo.row.astype(np.int64) * n64 + ref_lo.col
    order = np.argsort(ref_keys_lo)
    ref_keys_lo, ref_lo_values = ref_keys_lo[order], ref_lo.data[order]
    same_pairs = np.array_equal(ours_keys, ref_keys_hi)
    hi_diff = float(np.max(np.abs(result.hi - ref_hi_values))) if same_pairs else float("inf")
    # a pair's lower end may be 0 where the upper is not (kept by us, dropped by scipy)
    idx = np.searchsorted(ours_keys, ref_keys_lo)
    lo_ok = np.array_equal(ours_keys[idx], ref_keys_lo) if ref_keys_lo.size else True
    lo_diff = float(np.max(np.abs(result.lo[idx] - ref_lo_values))) if lo_ok else float("inf")
    ubo_ours = int((result.lo > THRESHOLD).sum())
    ubo_ref = int((ref_lo_values > THRESHOLD).sum())
    equal = same_pairs and lo_ok and hi_diff < 1e-9 and lo_diff < 1e-9 and ubo_ours == ubo_ref

    print(
        f"pairs (person, entity) with a share: {result.lo.size:,}; ultimate owners "
        f"(> {THRESHOLD:.0%}): {ubo_ours:,}; steps: {result.steps} (scipy: {ref_steps}); "
        f"converged: {result.converged}"
    )
    print(f"results equal: {equal} (max difference lower {lo_diff:.1e}, upper {hi_diff:.1e})")
    # wall clock, and CPU time of this process (the machine is shared: the wall clock of a
    # run that waited for a core is longer than its work)
    print(f"ownership.bulk.integrated_shares: {ours:.2f} s wall, {ours_cpu:.2f} s CPU")
    print(f"reference scipy sparse Neumann series: {theirs:.2f} s wall, {theirs_cpu:.2f} s CPU")
    print(f"ratio (ours / reference): {ours / theirs:.2f} wall, {ours_cpu / theirs_cpu:.2f} CPU")
    if not equal:
        sys.exit(1)


if __name__ == "__main__":
    main()
