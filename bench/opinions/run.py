"""Benchmark: recomputing the opinion map of a large conversation.

A synthetic conversation of 10,000 participants, 1,000 statements and 1,000,000 votes (three
latent camps, 15 % passes and some noise). It times what the recomputation job does after it
has read the votes: build the matrix, hash its canonical serialisation (SHA-256), and
`opinions.math.compute` (sparse PCA, base clusters and k-means with silhouette, representative
statements, consensus with bootstrap intervals, bootstrap stability). It also times rebuilding
the matrix from the open-data rows (pseudonym strings), as anyone checking a map does.

The reference, measured in the same run: the same PCA (two components of the matrix with
blanks filled by the statement means) and k-means (the same k, 10 restarts of Lloyd's
algorithm with k-means++ seeding) on the dense matrix with numpy alone (covariance matrix and
`numpy.linalg.eigh`). Both run single-threaded (as the job does, for reproducibility).

    .venv/bin/python bench/opinions/run.py                   # the full size
    .venv/bin/python bench/opinions/run.py --scale 0.1       # 1,000 × 100, 100,000 votes
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402


def synthetic(participants: int, statements: int, votes: int, seed: int = 0):
    """Participant codes, statement numbers and values of a conversation with three camps."""
    rng = np.random.default_rng(seed)
    flat = rng.choice(participants * statements, size=votes, replace=False)
    rows, cols = flat // statements, flat % statements
    camp = rng.integers(0, 3, participants)
    stance = rng.choice([-1, 1], size=(3, statements))
    stance[:, : max(1, statements // 50)] = 1  # a few statements every camp agrees with
    u = rng.random(votes)
    expected = stance[camp[rows], cols]
    values = np.where(u < 0.7, expected, np.where(u < 0.85, 0, -expected))
    return rows.astype(np.int64), (cols + 1).astype(np.int64), values.astype(np.int64)


def numpy_reference(matrix, k: int, seed: int = 0) -> float:
    """Dense PCA (covariance + eigh) and k-means (Lloyd, k-means++, 10 restarts), numpy only."""
    started = time.perf_counter()
    n, m = matrix.shape
    dense = np.full((n, m), np.nan)
    dense[matrix.rows, matrix.cols] = matrix.values
    means = np.nanmean(dense, axis=0)
    means = np.where(np.isnan(means), 0.0, means)
    dense = np.where(np.isnan(dense), means, dense)
    centred = dense - dense.mean(axis=0)
    cov = centred.T @ centred / (n - 1)
    _, vectors = np.linalg.eigh(cov)
    coords = centred @ vectors[:, ::-1][:, :2]
    rng = np.random.default_rng(seed)
    best = np.inf
    for _ in range(10):
        centres = [coords[rng.integers(n)]]
        for _ in range(1, k):
            d2 = np.min(((coords[:, None, :] - np.array(centres)[None]) ** 2).sum(-1), axis=1)
            centres.append(coords[rng.choice(n, p=d2 / d2.sum())])
        centres = np.array(centres)
        for _ in range(300):
            labels = np.argmin(((coords[:, None, :] - centres[None]) ** 2).sum(-1), axis=1)
            moved = np.array(
                [
                    coords[labels == j].mean(0) if (labels == j).any() else centres[j]
                    for j in range(k)
                ]
            )
            if np.allclose(moved, centres):
                break
            centres = moved
        inertia = ((coords - centres[labels]) ** 2).sum()
        best = min(best, inertia)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    participants = int(10_000 * args.scale)
    statements = int(1_000 * args.scale)
    votes = int(1_000_000 * args.scale)

    started = time.perf_counter()
    import sklearn.cluster
    import sklearn.decomposition
    import sklearn.metrics  # noqa: F401
    from threadpoolctl import threadpool_limits

    from opengov.opinions import math as m

    print(f"imports (numpy, scikit-learn; once per worker): {time.perf_counter() - started:.2f} s")

    codes, numbers, values = synthetic(participants, statements, votes)
    names = [f"{i:016x}" for i in range(participants)]
    print(
        f"conversation: {participants:,} participants × {statements:,} statements, {votes:,} votes"
    )

    t0 = time.perf_counter()
    matrix = m.matrix_from_codes(names, codes, numbers, values, columns=range(1, statements + 1))
    t1 = time.perf_counter()
    digest = m.matrix_sha256(matrix)
    t2 = time.perf_counter()
    steps: dict[str, float] = {}
    result = m.compute(matrix, seed=args.seed, timings=steps)
    t3 = time.perf_counter()
    total = t3 - t0
    print(f"  build matrix:            {t1 - t0:6.2f} s")
    print(f"  SHA-256 canonical bytes: {t2 - t1:6.2f} s  ({digest[:16]}…)")
    print(f"  compute (math.compute):  {t3 - t2:6.2f} s")
    for name, seconds in steps.items():
        print(f"    {name:<30} {seconds:6.2f} s")
    print(
        f"recompute the map: {total:.2f} s  (target < 5 s) — k = {result['k']}, "
        f"groups {[g['size'] for g in result['groups']]}, "
        f"stability {[g['stability'] for g in result['groups']]}, "
        f"{len(result['consensus'])} consensus statements, placed {result['n_placed']:,}"
    )
    again = m.compute(matrix, seed=args.seed)
    print(f"identical on a second run: {again['result_sha256'] == result['result_sha256']}")

    # checking a map from the open data: rows with pseudonym strings
    t4 = time.perf_counter()
    strings = [names[i] for i in codes.tolist()]
    rebuilt = m.build_matrix(strings, numbers, values, columns=range(1, statements + 1))
    same = m.matrix_sha256(rebuilt) == digest
    print(
        f"rebuild from open-data rows + hash: {time.perf_counter() - t4:.2f} s, same hash: {same}"
    )

    with threadpool_limits(limits=1):
        reference = numpy_reference(matrix, max(result["k"], 2))
    pca_kmeans = steps["pca"] + steps["kmeans"]
    print(f"reference (numpy alone, dense PCA + k-means, same k): {reference:.2f} s")
    print(f"ours, the same steps (sparse PCA, base clusters, k by silhouette): {pca_kmeans:.2f} s")
    print(f"ratio PCA + k-means, ours / numpy alone: {pca_kmeans / reference:.2f}")
    print(f"ratio whole recompute (build + hash + compute) / reference: {total / reference:.2f}")
    print(f"load: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opengov.settings")
    main()
