"""Benchmark: the transparency log (`core.tlog`) at a million leaves.

Builds one log of N leaves (default 1,000,000) on a fresh SQLite database (or the
PostgreSQL database in DATABASE_URL; the log's rows are deleted after), then measures:

* appending in batches (`append_many`, 10,000 leaves a transaction): leaves/s, against the
  reference of inserting the same leaf rows alone (`bulk_create`, no tree);
* appending one leaf per transaction (`append`, as each audited action does), against
  inserting one row per transaction;
* the root at a random size, an inclusion proof and a consistency proof at random sizes:
  milliseconds and queries per call (O(log n) rows), against reading one leaf by its key;
  every proof is checked with `verify_inclusion` / `verify_consistency`;
* `verify_log` over every leaf: leaves/s, against reading the leaf hashes alone.

    .venv/bin/python bench/tlog/run.py                 # 1,000,000 leaves
    .venv/bin/python bench/tlog/run.py --leaves 20000  # a quick run
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOG = "bench-tlog"


def _django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opengov.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _timed(fn, repeat: int) -> tuple[float, float]:
    """(median ms, queries per call) of `repeat` calls of fn()."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries = [], 0
    for _ in range(repeat):
        connection.queries_log.clear()  # the log is bounded: keep the count exact
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000)
        queries += len(ctx.captured_queries)
    return statistics.median(times), queries / repeat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leaves", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--probes", type=int, default=300)
    parser.add_argument("--singles", type=int, default=2000)
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp.name}/bench.sqlite3"
    _django(url)
    from django.core.management import call_command
    from django.db import transaction

    from opengov.core import tlog
    from opengov.core.models import LogCheckpoint, LogHead, LogLeaf, LogNode

    call_command("migrate", verbosity=0)

    def clear(log: str) -> None:
        for model in (LogLeaf, LogNode, LogCheckpoint, LogHead):
            model.objects.filter(log=log).delete()

    clear(LOG)
    clear(LOG + "-ref")
    n, batch = args.leaves, args.batch
    rng = random.Random(6962)
    print(f"transparency log benchmark: {n:,} leaves on {url.split(':', 1)[0]}")

    # reference: the leaf rows alone
    start = time.perf_counter()
    for lo in range(0, n, batch):
        with transaction.atomic():
            LogLeaf.objects.bulk_create(
                [
                    LogLeaf(log=LOG + "-ref", index=i, leaf_hash=tlog.leaf_hash(b"%d" % i))
                    for i in range(lo, min(n, lo + batch))
                ],
                batch_size=2000,
            )
    ref_append = n / (time.perf_counter() - start)
    clear(LOG + "-ref")

    start = time.perf_counter()
    for lo in range(0, n, batch):
        with transaction.atomic():
            tlog.append_many(LOG, (b"%d" % i for i in range(lo, min(n, lo + batch))))
    append_rate = n / (time.perf_counter() - start)
    nodes = LogNode.objects.filter(log=LOG).count()
    print(
        f"append_many      {append_rate:12,.0f} leaves/s   reference (leaf rows only) "
        f"{ref_append:12,.0f}/s   ratio {append_rate / ref_append:.2f}   "
        f"({nodes:,} interior nodes stored)"
    )

    # one leaf per transaction, as an audited action appends
    singles = args.singles
    start = time.perf_counter()
    for i in range(singles):
        with transaction.atomic():
            LogLeaf.objects.create(log=LOG + "-ref", index=i, leaf_hash=tlog.leaf_hash(b"x"))
    ref_single = singles / (time.perf_counter() - start)
    clear(LOG + "-ref")
    start = time.perf_counter()
    for i in range(singles):
        with transaction.atomic():
            tlog.append(LOG, b"single %d" % i)
    single_rate = singles / (time.perf_counter() - start)
    print(
        f"append (1/txn)   {single_rate:12,.0f} leaves/s   reference (1 insert/txn)   "
        f"{ref_single:12,.0f}/s   ratio {single_rate / ref_single:.2f}"
    )
    size = tlog.tree_size(LOG)

    # reads: one leaf by its key is the reference
    ref_ms, _ = _timed(lambda: tlog.leaf_hash_at(LOG, rng.randrange(size)), args.probes)
    print(f"reference: one leaf by key      {ref_ms:7.3f} ms")

    def root_probe():
        s = rng.randrange(1, size + 1)
        tlog.root(LOG, s)

    ms, q = _timed(root_probe, args.probes)
    print(
        f"root(size)                      {ms:7.3f} ms  {q:4.1f} queries  ratio {ms / ref_ms:6.1f}"
    )

    roots: dict[int, bytes] = {}

    def inclusion_probe():
        s = rng.randrange(1, size + 1)
        i = rng.randrange(s)
        proof = tlog.inclusion_proof(LOG, i, s)
        inclusion_probe.last = (i, s, proof)

    ms, q = _timed(inclusion_probe, args.probes)
    i, s, proof = inclusion_probe.last
    r = roots.setdefault(s, tlog.root(LOG, s))
    assert tlog.verify_inclusion(tlog.leaf_hash_at(LOG, i), i, s, proof, r)
    print(
        f"inclusion_proof                 {ms:7.3f} ms  {q:4.1f} queries  ratio {ms / ref_ms:6.1f}"
        f"   ({len(proof)} hashes)"
    )

    def consistency_probe():
        new = rng.randrange(2, size + 1)
        old = rng.randrange(1, new)
        consistency_probe.last = (old, new, tlog.consistency_proof(LOG, old, new))

    ms, q = _timed(consistency_probe, args.probes)
    old, new, proof = consistency_probe.last
    assert tlog.verify_consistency(old, new, tlog.root(LOG, old), tlog.root(LOG, new), proof)
    print(
        f"consistency_proof               {ms:7.3f} ms  {q:4.1f} queries  ratio {ms / ref_ms:6.1f}"
        f"   ({len(proof)} hashes)"
    )
    for _ in range(50):  # a sample of each kind, all verified
        s = rng.randrange(1, size + 1)
        i = rng.randrange(s)
        r = tlog.root(LOG, s)
        assert tlog.verify_inclusion(
            tlog.leaf_hash_at(LOG, i), i, s, tlog.inclusion_proof(LOG, i, s), r
        )
        o = rng.randrange(0, s + 1)
        assert tlog.verify_consistency(
            o, s, tlog.root(LOG, o), r, tlog.consistency_proof(LOG, o, s)
        )

    # verification of everything
    tlog.checkpoint(LOG)
    start = time.perf_counter()
    count = 0
    last = -1
    while True:
        rows = list(
            LogLeaf.objects.filter(log=LOG, index__gt=last)
            .order_by("index")
            .values_list("index", "leaf_hash")[:5000]
        )
        if not rows:
            break
        count += len(rows)
        last = rows[-1][0]
    ref_read = count / (time.perf_counter() - start)
    start = time.perf_counter()
    report = tlog.verify_log(LOG)
    verify_rate = report.leaves_checked / (time.perf_counter() - start)
    assert report.ok, report.problem
    print(
        f"verify_log       {verify_rate:12,.0f} leaves/s   reference (read leaf hashes) "
        f"{ref_read:10,.0f}/s   ratio {verify_rate / ref_read:.2f}"
    )
    clear(LOG)
    tmp.cleanup()


if __name__ == "__main__":
    main()
