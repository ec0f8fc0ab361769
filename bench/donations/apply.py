"""Applying an imported Control Yuan file to the database, with the reading pass as the
reference measured in the same run.

Writes a Big5 detail file (25 columns, the rows of `run.py`'s import benchmark), migrates a
temporary SQLite database (or `--database-url`, whose donations tables are emptied), then:

1. reference: the reading pass alone (`controlyuan.read_rows` over the file: decode, parse,
   hash every row), rows/s;
2. apply, new rows: the import job's apply step (`importer.apply` inside one transaction,
   reading included, as the job does it: every row created with its first version), rows/s
   and its time as a multiple of the reference;
3. apply, corrections: the same file again with every tenth row's amount changed (rows
   carrying 更正註記): nine rows in ten unchanged, one a new version with its difference.

    nice -n 10 .venv/bin/python bench/donations/apply.py              # 50,000 rows
    nice -n 10 .venv/bin/python bench/donations/apply.py --rows 20000 --profile

`--profile` prints where the time of step 2 goes (cProfile, the 25 costliest functions).
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import importlib.util
import io
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opengov.settings")
os.environ["DEBUG"] = "false"  # as served: no query log kept by the database cursor


def _write_file():
    spec = importlib.util.spec_from_file_location(
        "bench_donations_run", Path(__file__).with_name("run.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.write_file


def corrected(data: bytes) -> bytes:
    """The file with every tenth row's amount raised by NT$1,000 and a 更正註記."""
    rows = list(csv.reader(io.StringIO(data.decode("cp950"), newline="")))
    at = {name: rows[0].index(name) for name in ("收入金額", "更正註記")}
    for i, cells in enumerate(rows[1:]):
        if i % 10 == 0:
            amount = int(cells[at["收入金額"]].replace(",", "").replace("元", "")) + 1000
            cells[at["收入金額"]] = f"{amount:,}元"
            cells[at["更正註記"]] = "更正金額"
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("cp950")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-donations-apply-") as tmp:
        workdir = Path(tmp)
        os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir / 'apply.sqlite3'}"
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, transaction

        call_command("migrate", verbosity=0)
        from opengov.donations import controlyuan, importer
        from opengov.donations.models import (
            Filing,
            ImportRun,
            Recipient,
            Transaction,
            TransactionVersion,
        )

        TransactionVersion.objects.all().delete()
        Transaction.objects.all().delete()
        Filing.objects.all().delete()
        Recipient.objects.all().delete()
        ImportRun.objects.all().delete()
        path = workdir / "cy.csv"
        _write_file()(path, args.rows)
        data = path.read_bytes()
        header = importer.scan(data).header

        start = time.perf_counter()
        read = sum(1 for r in controlyuan.read_rows(data) if isinstance(r, controlyuan.Row))
        reference = time.perf_counter() - start
        assert read == args.rows

        def apply(content: bytes) -> tuple[float, dict[str, int]]:
            seen = []
            start = time.perf_counter()
            with transaction.atomic():
                rows = (r for r in controlyuan.read_rows(content) if isinstance(r, controlyuan.Row))
                counts = importer.apply(None, header, rows, seen.append)
            took = time.perf_counter() - start
            assert seen and seen[-1] == args.rows, "progress reported to the last row"
            return took, counts

        profiler = cProfile.Profile() if args.profile else None
        if profiler:
            profiler.enable()
        took, counts = apply(data)
        if profiler:
            profiler.disable()
        assert counts["created"] == args.rows == Transaction.objects.count(), counts
        assert TransactionVersion.objects.count() == args.rows
        again, counts2 = apply(corrected(data))
        changed = (args.rows + 9) // 10
        assert (counts2["corrected"], counts2["unchanged"]) == (changed, args.rows - changed), (
            counts2
        )
        assert TransactionVersion.objects.count() == args.rows + changed

        engine = connection.vendor
        print(
            f"reference, reading pass alone ({args.rows:,} rows, Big5, 25 columns): "
            f"{args.rows / reference:,.0f} rows/s"
        )
        print(
            f"apply to {engine}, new rows with their first versions: {args.rows / took:,.0f} "
            f"rows/s, {took / reference:.2f}x the reading pass"
        )
        print(
            f"apply to {engine}, the same file with {changed:,} corrections: "
            f"{args.rows / again:,.0f} rows/s, {again / reference:.2f}x the reading pass"
        )
        if profiler:
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(25)
            stats.sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
