"""All procurement red flags over synthetic compiled releases, with two references.

Generates N synthetic OCDS compiled releases with bids (JSON Lines, cached under
/tmp/flags/bench/, or --dir), then measures in the same run:

- the engine: `flags.load_compiled_releases` + `flags.load_bidder_links` + `flags.run` (every
  flag, with its evidence);
- reference 1, a single read pass over the same file by Cardinal's Rust reader
  (`ocdscardinal.coverage`, which parses every line and walks every field);
- reference 2, the same flags written directly as DuckDB SQL over the same file (one
  `read_json`, then one plain query per flag over the nested rows, counting flagged subjects,
  no evidence), in `flags_reference.sql`.

Prints wall time and CPU time (this process, all threads) of each, the ratios engine /
reference for both, and the number of hits per flag from the engine and the SQL reference
(they must agree: the reference is a second writing of the definitions). On a shared machine
the CPU figures and the ratios are the stable ones.

    .venv/bin/python bench/procurement/flags_run.py                      # 50,000 releases
    .venv/bin/python bench/procurement/flags_run.py --releases 1000000   # the target
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opengov.settings")

import django  # noqa: E402

django.setup()

import duckdb  # noqa: E402
from flags_synthetic import generate  # noqa: E402

from opengov.procurement import flags  # noqa: E402

REFERENCE_SQL = Path(__file__).with_name("flags_reference.sql")


class Clock:
    """Wall time and this process's CPU time (all threads: DuckDB's and Cardinal's)."""

    def __enter__(self):
        self.wall0, self.cpu0 = time.perf_counter(), _cpu()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall0, _cpu() - self.cpu0


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def bidder_links(releases: int) -> list[tuple[str, str, str, str]]:
    """Synthetic registry links: one company in 10 shares an address with the next one."""
    rows = []
    for n in range(0, 50000, 10):
        a = f"{n + 10000000:08d}"
        b = f"{n + 10000001:08d}"
        rows.append((a, b, "address", f"臺北市信義區松仁路{n}號"))
    return rows


def run_engine(path: Path, links) -> tuple[Clock, Clock, Counter]:
    con = duckdb.connect()
    with Clock() as load:
        flags.load_compiled_releases(con, path)
        flags.load_bidder_links(con, links)
    with Clock() as run:
        hits = flags.run(con)
    con.close()
    counts = Counter((h.code, h.subject) for h in hits)
    return load, run, counts


def run_reference(path: Path, links) -> tuple[Clock, Counter]:
    con = duckdb.connect()
    counts: Counter = Counter()
    with Clock() as clock:
        con.execute("SET TimeZone = 'UTC'")
        con.execute(
            "CREATE TABLE ref_link AS SELECT unnest($a) AS a, unnest($b) AS b, "
            "unnest($k) AS kind, unnest($v) AS v",
            {k: [row[i] for row in links] for i, k in enumerate("abkv")},
        )
        statements = [s.strip() for s in REFERENCE_SQL.read_text().split(";\n") if s.strip()]
        for statement in statements:
            sql = statement.replace("$path", str(path).replace("'", "''"))
            if sql.lstrip().upper().startswith("CREATE"):
                con.execute(sql)
                continue
            for code, subject, n in con.execute(sql).fetchall():
                counts[(code, subject)] += n
    con.close()
    return clock, counts


def run_cardinal(path: Path) -> Clock | None:
    try:
        import ocdscardinal
    except ImportError:
        return None
    with Clock() as clock:
        ocdscardinal.coverage(str(path))
    return clock


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, default=50_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/flags/bench"))
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    path = args.dir / f"compiled-{args.releases}.jsonl"
    if not path.exists():
        started = time.perf_counter()
        generate(path.with_suffix(".tmp"), args.releases)
        path.with_suffix(".tmp").rename(path)
        print(f"generated {args.releases:,} releases in {time.perf_counter() - started:.1f} s")
    size = path.stat().st_size
    links = bidder_links(args.releases)
    print(f"file: {path} ({size / 1e6:,.0f} MB, {args.releases:,} compiled releases)")

    cardinal = run_cardinal(path)
    load, flag_run, engine_counts = run_engine(path, links)
    reference, reference_counts = run_reference(path, links)
    wall, cpu = load.wall + flag_run.wall, load.cpu + flag_run.cpu

    print(
        f"engine: {wall:.2f} s wall, {cpu:.2f} s CPU (load {load.wall:.2f} s wall / "
        f"{load.cpu:.2f} s CPU + flags {flag_run.wall:.2f} s wall / {flag_run.cpu:.2f} s CPU); "
        f"{args.releases / wall:,.0f} releases/s; load average {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} cores"
    )
    if cardinal is None:
        print("cardinal single read pass: ocdscardinal not installed (pip install ocdscardinal)")
    else:
        print(
            f"cardinal single read pass (ocdscardinal.coverage): {cardinal.wall:.2f} s wall, "
            f"{cardinal.cpu:.2f} s CPU; engine / cardinal = {wall / cardinal.wall:.2f} wall, "
            f"{cpu / cardinal.cpu:.2f} CPU"
        )
    print(
        f"direct DuckDB SQL reference: {reference.wall:.2f} s wall, {reference.cpu:.2f} s CPU; "
        f"engine / reference = {wall / reference.wall:.2f} wall, {cpu / reference.cpu:.2f} CPU"
    )
    print(f"{'flag':<6} {'subject':<9} {'engine':>9} {'reference':>9}")
    agree = True
    for key in sorted(set(engine_counts) | set(reference_counts)):
        e, r = engine_counts.get(key, 0), reference_counts.get(key, 0)
        mark = "" if e == r else "  <- differs"
        agree = agree and e == r
        print(f"{key[0]:<6} {key[1]:<9} {e:>9,} {r:>9,}{mark}")
    print("hits agree with the reference" if agree else "HITS DIFFER FROM THE REFERENCE")
    if not agree:
        sys.exit(1)


if __name__ == "__main__":
    main()
