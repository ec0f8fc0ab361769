"""Integrated shares of every person in every entity at once, over arrays (numpy).

The same arithmetic as `ubo.py` (shares multiplied along chains, added over parallel paths and
over several interests, lower and upper ends apart, cycles summed until they fade), for a
whole register: the sum over walks D + D·A + D·A² + … is built term by term as a frontier of
(person, entity, share) rows pushed along the entity-to-entity interests, with the rows of one
(person, entity) pair added at each step. Terms whose upper end falls below `EPSILON` are
dropped (they cannot move a result by more than the tolerance); a frontier still alive after
`max_steps` steps means a cycle that keeps 100 % or more of itself: those pairs are reported
as not converged and capped at 100 %.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EPSILON = 1e-13


@dataclass
class BulkResult:
    """One row per (person, entity) pair with a share: lower and upper ends (fractions)."""

    person: np.ndarray
    entity: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    steps: int
    converged: bool
    not_converged_pairs: int


def _aggregate(keys: np.ndarray, lo: np.ndarray, hi: np.ndarray):
    """Rows with the same key added together (keys sorted)."""
    if keys.size == 0:
        return keys, lo, hi
    order = np.argsort(keys, kind="stable")
    keys, lo, hi = keys[order], lo[order], hi[order]
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    return keys[starts], np.add.reduceat(lo, starts), np.add.reduceat(hi, starts)


def integrated_shares(
    n: int,
    is_person: np.ndarray,
    src: np.ndarray,
    dst: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    *,
    max_steps: int = 1000,
) -> BulkResult:
    """Every person's integrated share of every entity they reach. Nodes are 0..n-1; edge i
    says `src[i]` holds [lo[i], hi[i]] of `dst[i]` (fractions)."""
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    lo = np.asarray(lo, dtype=np.float64)
    hi = np.asarray(hi, dtype=np.float64)
    from_person = is_person[src] & ~is_person[dst]
    from_entity = ~is_person[src] & ~is_person[dst]
    # entity-to-entity interests by holder, as compressed rows
    e_src, e_dst = src[from_entity], dst[from_entity]
    e_lo, e_hi = lo[from_entity], hi[from_entity]
    order = np.argsort(e_src, kind="stable")
    e_src, e_dst, e_lo, e_hi = e_src[order], e_dst[order], e_lo[order], e_hi[order]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(e_src, minlength=n), out=indptr[1:])
    n64 = np.int64(n)
    keys, flo, fhi = _aggregate(
        src[from_person] * n64 + dst[from_person], lo[from_person], hi[from_person]
    )
    parts_k, parts_lo, parts_hi = [keys], [flo], [fhi]
    steps, converged = 0, True
    while keys.size:
        if steps >= max_steps:
            converged = False
            break
        steps += 1
        entity = keys % n64
        starts = indptr[entity]
        counts = indptr[entity + 1] - starts
        total = int(counts.sum())
        if total == 0:
            break
        row = np.repeat(np.arange(keys.size), counts)
        first = np.cumsum(counts) - counts
        pos = np.arange(total) - np.repeat(first, counts) + np.repeat(starts, counts)
        nlo = flo[row] * e_lo[pos]
        nhi = fhi[row] * e_hi[pos]
        person = keys[row] // n64
        alive = nhi > EPSILON
        keys, flo, fhi = _aggregate(person[alive] * n64 + e_dst[pos][alive], nlo[alive], nhi[alive])
        parts_k.append(keys)
        parts_lo.append(flo)
        parts_hi.append(fhi)
    stuck = keys.size if not converged else 0
    all_k, all_lo, all_hi = _aggregate(
        np.concatenate(parts_k), np.concatenate(parts_lo), np.concatenate(parts_hi)
    )
    np.minimum(all_lo, 1.0, out=all_lo)
    np.minimum(all_hi, 1.0, out=all_hi)
    return BulkResult(
        person=all_k // n64,
        entity=all_k % n64,
        lo=all_lo,
        hi=all_hi,
        steps=steps,
        converged=converged,
        not_converged_pairs=stuck,
    )
