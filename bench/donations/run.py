"""Political-donation verification at scale, with references measured in the same run.

1. Rules: builds synthetic transactions, companies (with former names and shared directors),
   and large contracts in DuckDB, runs every verification rule through the engine
   (`opengov.donations.checks.run`: parameters from the profile, results fetched into Python
   as findings with their evidence), and, as the reference, the same rules written directly
   as DuckDB SQL (each rule's query materialised inside DuckDB, nothing fetched). Prints
   both times, the ratio (target ≤ 1.5×) and the findings per rule.
2. Person matching: splink on DuckDB over the individual donors of a sample.
3. Import: writes a Control Yuan file in Big5 (25 columns, Minguo dates, broken business
   numbers), reads it the way the import job does (check every row, then read again for
   applying), prints rows/s and the peak memory of that process, with the reference of a
   bare `csv.reader` over the same file; then applies a sample of it to a SQLite database
   through the import's own batches (rows/s).

    .venv/bin/python bench/donations/run.py          # 200,000 transactions, 20,000 companies,
                                                     # 100,000 contracts, a 100,000-row file
    .venv/bin/python bench/donations/run.py --full   # 1,000,000 / 100,000 / 500,000 / 1,000,000
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opengov.settings")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="the full sizes of the issue")
    parser.add_argument("--transactions", type=int)
    parser.add_argument("--companies", type=int)
    parser.add_argument("--contracts", type=int)
    parser.add_argument("--file-rows", type=int)
    parser.add_argument("--match-sample", type=int, default=50_000)
    parser.add_argument("--apply-rows", type=int, default=20_000)
    parser.add_argument("--no-db", action="store_true", help="skip applying to a database")
    parser.add_argument(
        "--database-url",
        help="apply to this database (e.g. PostgreSQL) instead of a temporary SQLite file; "
        "its donations tables are emptied first",
    )
    args = parser.parse_args()
    full = args.full
    args.transactions = args.transactions or (1_000_000 if full else 200_000)
    args.companies = args.companies or (100_000 if full else 20_000)
    args.contracts = args.contracts or (500_000 if full else 100_000)
    args.file_rows = args.file_rows or (1_000_000 if full else 100_000)
    return args


def build(con, n_tx: int, n_companies: int, n_contracts: int) -> None:
    """Synthetic data, made inside DuckDB (hash-based, the same every run)."""
    con.execute("CREATE OR REPLACE MACRO h(x) AS (hash(x) % 1000000007)::BIGINT")
    con.execute(
        f"""
INSERT INTO companies
SELECT lpad(i::VARCHAR, 8, '0'), 'c' || i,
  CASE WHEN i % 97 = 0 THEN 'dissolved' ELSE 'active' END,
  CASE WHEN i % 97 = 0 THEN DATE '2023-01-01' + (i % 700)::INTEGER END, NULL,
  CASE WHEN i % 53 = 0 THEN (i % 60)::DOUBLE END,
  i % 211 = 0,
  CASE WHEN i % 31 = 0 THEN [2022, 2023] ELSE []::INTEGER[] END,
  CASE WHEN i % 401 = 0 THEN 'foreign' ELSE '' END
FROM range(1, {n_companies} + 1) t(i);
INSERT INTO company_names SELECT business_number, name_norm, NULL, NULL FROM companies;
INSERT INTO company_names
SELECT business_number, 'old' || name_norm, DATE '2010-01-01', DATE '2023-06-01'
FROM companies WHERE h(business_number) % 10 = 0;
INSERT INTO links
SELECT lpad(i::VARCHAR, 8, '0'), lpad((i + 1)::VARCHAR, 8, '0'), 'director', 'd' || i
FROM range(1, {n_companies}, 20) t(i);
INSERT INTO contracts
SELECT lpad((1 + h(i) % {n_companies})::VARCHAR, 8, '0'), 'ocds-b-' || i, 't' || i,
  ['works', 'goods', 'services'][1 + h(i * 5) % 3],
  CASE WHEN h(i * 53) % 100 = 0 THEN 300000000 ELSE (1 + h(i * 59) % 5000) * 1000 END,
  DATE '2021-01-01' + (h(i * 7) % 1200)::INTEGER,
  CASE WHEN i % 5 = 0 THEN NULL
       ELSE DATE '2021-01-01' + (h(i * 7) % 1200)::INTEGER + (30 + h(i * 3) % 900)::INTEGER
  END
FROM range(1, {n_contracts} + 1) t(i);
INSERT INTO tx
SELECT i, md5(i::VARCHAR), 1 + h(i * 13) % 2000,
  CASE WHEN h(i * 13) % 2000 < 200 THEN 'party' ELSE 'candidate' END,
  ['legislator', 'councillor', 'mayor', 'president'][1 + h(i * 17) % 4],
  CASE WHEN h(i * 13) % 2000 < 200 THEN NULL ELSE DATE '2024-01-13' END,
  CASE WHEN h(i * 61) % 200 = 0 THEN DATE '2022-12-01'
       ELSE DATE '2023-05-20' + (h(i * 19) % 235)::INTEGER END,
  kind,
  CASE kind WHEN 'company' THEN 'bn:' || bn ELSE 'p:' || (h(i * 23) % 300000) END,
  'd' || i, CASE kind WHEN 'company' THEN 'c' || (h(i * 29) % {n_companies} + 1) ELSE 'n' END,
  CASE kind WHEN 'company' THEN bn ELSE '' END,
  CASE WHEN h(i * 31) % 100 < 90 THEN (1 + h(i * 37) % 50) * 1000
       WHEN h(i * 31) % 100 < 99 THEN (50 + h(i * 41) % 50) * 1000 - (h(i) % 3)
       ELSE (100 + h(i * 41) % 1900) * 1000 END,
  h(i * 43) % 10 = 0,
  CASE WHEN h(i * 47) % 500 = 0 THEN ['bn_checksum'] ELSE []::VARCHAR[] END,
  CASE kind WHEN 'individual' THEN 0.95 + (h(i) % 50) / 1000.0 END,
  NULL, NULL
FROM (
  SELECT i,
    CASE WHEN h(i * 11) % 100 < 40 THEN 'company'
         WHEN h(i * 11) % 100 < 95 THEN 'individual'
         WHEN h(i * 11) % 100 < 98 THEN 'anonymous' ELSE 'civic_group' END AS kind,
    lpad((1 + h(i * 29) % {n_companies})::VARCHAR, 8, '0') AS bn
  FROM range(1, {n_tx} + 1) t(i));
"""
    )


def bench_rules(args: argparse.Namespace) -> None:
    from opengov.donations import checks

    con = checks.connect()
    start = time.perf_counter()
    build(con, args.transactions, args.companies, args.contracts)
    built = time.perf_counter() - start
    print(
        f"data: {args.transactions:,} transactions, {args.companies:,} companies, "
        f"{args.contracts:,} contracts (built in {built:.1f} s)"
    )
    params = checks.parameters()
    # the reference: each rule's SQL, run directly in DuckDB, materialised there
    start = time.perf_counter()
    reference_counts = {}
    for check in checks.CHECKS:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE ref_{check.code} AS {check.sql}",
            checks._used(check.sql, params),
        )
        reference_counts[check.code] = con.execute(
            f"SELECT count(*) FROM ref_{check.code}"
        ).fetchone()[0]
    reference = time.perf_counter() - start
    start = time.perf_counter()
    hits = checks.run(con)
    engine = time.perf_counter() - start
    by_rule: dict[str, int] = {}
    for hit in hits:
        by_rule[hit.code] = by_rule.get(hit.code, 0) + 1
    assert by_rule == {k: v for k, v in reference_counts.items() if v}, "engine and SQL differ"
    print(
        f"rules ({len(checks.CHECKS)}): engine {engine:.2f} s, direct DuckDB SQL "
        f"{reference:.2f} s, ratio {engine / reference:.2f}x (target <= 1.5x, < 10 s)"
    )
    print("  findings: " + ", ".join(f"{k} {v:,}" for k, v in sorted(by_rule.items())))
    con.close()


def bench_matching(args: argparse.Namespace) -> None:
    from opengov.donations import persons

    n = args.match_sample
    records = [
        persons.PersonRecord(
            i, f"姓名{i % (n // 3)}", f"A1{i % (n // 3):05d}****", f"臺北市{i % 50}區{i % 7}路"
        )
        for i in range(n)
    ]
    start = time.perf_counter()
    matched = persons.match(records, threshold=0.9)
    took = time.perf_counter() - start
    clusters = len({k for k, _ in matched.values()})
    print(
        f"person matching (splink on DuckDB): {n:,} donors -> {clusters:,} persons in "
        f"{took:.2f} s ({n / took:,.0f} donors/s)"
    )


HEADER_AND_ROW = None


def write_file(path: Path, rows: int) -> None:
    from opengov.donations.demo import HEADER

    numbers = ["90000023", "3100003", "031*******", "910000090", "91000100", "A12345****"]
    with open(path, "w", encoding="cp950", newline="") as out:
        out.write(HEADER + "\r\n")
        for i in range(rows):
            number = numbers[i % len(numbers)]
            account = "個人捐贈收入" if number[0] == "A" else "營利事業捐贈收入"
            out.write(
                f"{i + 1},候選人{i % 500},2024年第11屆立法委員選舉,{i % 500},"
                f"{112 + i % 2}/{1 + i % 12:02d}/{1 + i % 28},{account},捐贈者{i % 9000},"
                f'{number},"{(1 + i % 300) * 1000:,}元",,匯款,,,,是,臺北市信義區,,,,,,,,,\r\n'
            )


def _reset_peak() -> None:
    """Start this process's peak-memory count afresh (a spawned child inherits its parent's
    peak across exec on Linux)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _peak_mib() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _import_child(path: str, queue) -> None:
    _reset_peak()
    import django

    django.setup()
    from opengov.donations import controlyuan, importer

    data = Path(path).read_bytes()
    start = time.perf_counter()
    checked = importer.scan(data)
    read = sum(1 for r in controlyuan.read_rows(data) if isinstance(r, controlyuan.Row))
    took = time.perf_counter() - start
    peak = _peak_mib()
    queue.put((checked.count, read, checked.flagged, len(checked.rejections), took, peak))


def _reference_child(path: str, queue) -> None:
    _reset_peak()
    start = time.perf_counter()
    with open(path, encoding="cp950", newline="") as f:
        count = sum(1 for _ in csv.reader(f)) - 1
    took = time.perf_counter() - start
    queue.put((count, took, _peak_mib()))


def _in_child(target, path: Path):
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(str(path), queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def bench_import(args: argparse.Namespace, workdir: Path) -> Path:
    path = workdir / "cy.csv"
    write_file(path, args.file_rows)
    size = path.stat().st_size / 1024 / 1024
    count, read, flagged, rejected, took, peak = _in_child(_import_child, path)
    ref_count, ref_took, ref_peak = _in_child(_reference_child, path)
    assert count == read == ref_count == args.file_rows and rejected == 0
    print(
        f"import check + read ({count:,} rows, {size:.0f} MiB Big5, {flagged:,} kept with a "
        f"flag): {count / took:,.0f} rows/s, peak memory {peak:,.0f} MiB; reference "
        f"csv.reader {ref_count / ref_took:,.0f} rows/s (peak {ref_peak:,.0f} MiB), "
        f"ratio {took / ref_took:.1f}x"
    )
    return path


def bench_apply(args: argparse.Namespace, workdir: Path) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    from opengov.donations import controlyuan, importer
    from opengov.donations.models import Filing, ImportRun, Recipient, Transaction

    Transaction.objects.all().delete()
    Filing.objects.all().delete()
    Recipient.objects.all().delete()
    ImportRun.objects.all().delete()
    sample = workdir / "sample.csv"
    write_file(sample, args.apply_rows)
    data = sample.read_bytes()
    header = importer.scan(data).header
    start = time.perf_counter()
    with transaction.atomic():
        rows = (r for r in controlyuan.read_rows(data) if isinstance(r, controlyuan.Row))
        counts = importer.apply(None, header, rows, lambda n: None)
    took = time.perf_counter() - start
    assert Transaction.objects.count() == args.apply_rows, counts
    engine = connection.vendor
    print(
        f"import applied to {engine} ({args.apply_rows:,} rows, with their first versions): "
        f"{args.apply_rows / took:,.0f} rows/s"
    )


def main() -> None:
    args = parse_args()
    import django

    with tempfile.TemporaryDirectory(prefix="bench-donations-", dir=_tmp()) as tmp:
        workdir = Path(tmp)
        if not args.no_db:
            default = f"sqlite:///{workdir / 'bench.sqlite3'}"
            os.environ["DATABASE_URL"] = args.database_url or default
        django.setup()
        bench_rules(args)
        bench_matching(args)
        bench_import(args, workdir)
        if not args.no_db:
            bench_apply(args, workdir)


def _tmp() -> str | None:
    path = Path("/tmp/donations")
    return str(path) if path.is_dir() else None


if __name__ == "__main__":
    main()
