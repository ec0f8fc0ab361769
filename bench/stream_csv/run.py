"""Benchmark: stream a large registry dataset as CSV through the real download view.

Measures rows per second and the growth of peak memory while streaming, against the
reference: the same rows written with the csv module straight from a database cursor.
Each measurement runs in a fresh process on a prepared SQLite database, at two sizes, so
that flat memory shows as the same growth at 100,000 and 1,000,000 rows.

    .venv/bin/python bench/stream_csv/run.py              # 100k and 1M rows
    .venv/bin/python bench/stream_csv/run.py --rows 20000 200000

Two exporters are measured: one reading through `cursor_tuples` (values as the driver gives
them, e.g. SQLite's 12.5 for a NUMERIC 12.50) and one through the ORM's `values_list()`
(Decimal("12.50"), with the ORM's per-value conversions).

Set DATABASE_URL to a PostgreSQL database to run it there (the table is dropped after).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TABLE = "bench_stream_rows"
COLUMNS = ("id", "district", "station", "recorded_on", "visitors", "amount", "open")


def _django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opengov.settings")
    os.environ["OPENGOV_RATE_LIMITS_ENABLED"] = "false"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _rss_kib() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _peak_kib() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def prepare(database_url: str, rows: int) -> None:
    """Migrate and fill the benchmark table with `rows` rows."""
    _django(database_url)
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    districts = ["中正區", "大安區", "信義區", "板橋區", "<script>x</script>區"]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cursor.execute(
            f"CREATE TABLE {TABLE} (id integer PRIMARY KEY, district varchar(50), "
            "station varchar(100), recorded_on date, visitors integer, amount numeric(12,2), "
            "open boolean)"
        )
        batch = []
        with transaction.atomic():
            for i in range(1, rows + 1):
                batch.append(
                    (
                        i,
                        districts[i % 5],
                        f'測站 {i % 997}, "north"',
                        f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}",
                        i % 5000,
                        f"{i % 100000}.{i % 100:02d}",
                        i % 3 == 0,
                    )
                )
                if len(batch) == 20000:
                    cursor.executemany(f"INSERT INTO {TABLE} VALUES (%s,%s,%s,%s,%s,%s,%s)", batch)
                    batch = []
            if batch:
                cursor.executemany(f"INSERT INTO {TABLE} VALUES (%s,%s,%s,%s,%s,%s,%s)", batch)


def _model():
    from django.db import models

    class BenchRow(models.Model):
        """The benchmark table (unmanaged)."""

        district = models.CharField(max_length=50)
        station = models.CharField(max_length=100)
        recorded_on = models.DateField()
        visitors = models.IntegerField()
        amount = models.DecimalField(max_digits=12, decimal_places=2)
        open = models.BooleanField()

        class Meta:
            app_label = "open_data"
            managed = False
            db_table = TABLE

        def __str__(self) -> str:
            return str(self.pk)

    return BenchRow


def measure(database_url: str, case: str) -> dict:
    """Run one case in this process; return rows, seconds, bytes and memory growth."""
    _django(database_url)
    from django.db import connection

    if case == "reference":
        import csv

        class Sink:
            def __init__(self):
                self.size = 0

            def write(self, text):
                self.size += len(text.encode("utf-8"))

        sink = Sink()
        before = _rss_kib()
        start = time.perf_counter()
        writer = csv.writer(sink, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        count = 0
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(COLUMNS)} FROM {TABLE} ORDER BY id")
            while chunk := cursor.fetchmany(2000):
                writer.writerows(chunk)
                count += len(chunk)
        seconds = time.perf_counter() - start
        return {
            "rows": count,
            "seconds": seconds,
            "bytes": sink.size,
            "growth_kib": max(0, _peak_kib() - before),
        }

    from django.test import Client

    from opengov.core.exporters import Exporter, ExportField, cursor_tuples, register

    BenchRow = _model()
    fields = (
        ExportField("id", "integer", "Row"),
        ExportField("district", "string", "District"),
        ExportField("station", "string", "Station"),
        ExportField("recorded_on", "date", "Day"),
        ExportField("visitors", "integer", "Visitors"),
        ExportField("amount", "number", "Amount"),
        ExportField("open", "boolean", "Open"),
        ExportField("contact_email", "string", "E-mail", personal=True),
    )
    register(
        Exporter(
            slug="bench-rows",
            app_label="bench",
            title="Bench rows",
            description="Rows for the streaming benchmark",
            fields=fields,
            rows=lambda: BenchRow.objects.values(*COLUMNS).order_by("id").iterator(2000),
            tuples=(
                cursor_tuples(BenchRow.objects.order_by("id"))
                if case == "stream"
                else lambda names: (
                    BenchRow.objects.order_by("id").values_list(*names).iterator(chunk_size=2000)
                )
            ),
        )
    )
    register(
        Exporter(
            slug="warm-up",
            app_label="bench",
            title="Warm-up",
            description="One row, so imports and first-request work are not measured",
            fields=fields[:2],
            rows=lambda: [{"id": 1, "district": "x"}],
        )
    )
    client = Client()
    warm = client.get("/data/datasets/warm-up/download.csv")
    b"".join(warm.streaming_content)
    before = _rss_kib()
    start = time.perf_counter()
    response = client.get("/data/datasets/bench-rows/download.csv")
    assert response.status_code == 200, response.status_code
    size = 0
    lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\r\n")
    seconds = time.perf_counter() - start
    return {
        "rows": lines - 1,
        "seconds": seconds,
        "bytes": size,
        "growth_kib": max(0, _peak_kib() - before),
    }


def _run_child(database_url: str, case: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", case, "--database-url", database_url],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--rounds", type=int, default=3, help="best of N interleaved runs")
    parser.add_argument("--child")
    parser.add_argument("--database-url")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.database_url, args.child)))
        return
    workdir = tempfile.TemporaryDirectory(prefix="bench-stream-csv-")
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir.name}/bench.sqlite3"
    results = []
    for rows in args.rows:
        t0 = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-c",
                f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
                f"from bench.stream_csv.run import prepare; prepare({database_url!r}, {rows})",
            ],
            check=True,
        )
        print(f"prepared {rows:,} rows in {time.perf_counter() - t0:.1f} s", flush=True)
        best: dict[str, dict] = {}
        for _round in range(args.rounds):  # interleaved, best of N: the machine is shared
            for case in ("reference", "stream", "stream-orm"):
                result = _run_child(database_url, case)
                assert result["rows"] == rows, (case, result)
                kept = best.get(case)
                if kept is None or result["seconds"] < kept["seconds"]:
                    growth = max(result["growth_kib"], kept["growth_kib"] if kept else 0)
                    best[case] = {**result, "growth_kib": growth}
                else:
                    kept["growth_kib"] = max(kept["growth_kib"], result["growth_kib"])
        reference, stream, orm = best["reference"], best["stream"], best["stream-orm"]
        results.append((rows, reference, stream))
        ref_rate = reference["rows"] / reference["seconds"]
        print(
            f"{rows:>9,} rows  reference (csv from cursor)        {ref_rate:>10,.0f} rows/s  "
            f"+{reference['growth_kib'] / 1024:.1f} MiB",
            flush=True,
        )
        for label, result in (
            ("download, cursor_tuples exporter", stream),
            ("download, ORM values_list exporter", orm),
        ):
            rate = result["rows"] / result["seconds"]
            print(
                f"{rows:>9,} rows  {label:<34} {rate:>10,.0f} rows/s  "
                f"+{result['growth_kib'] / 1024:.1f} MiB  ratio {rate / ref_rate:.2f}  "
                f"({result['bytes'] / 1e6:.1f} MB of CSV)",
                flush=True,
            )
    if len(results) > 1:
        small, large = results[0], results[-1]
        print(
            f"peak memory growth while streaming: {small[2]['growth_kib'] / 1024:.1f} MiB at "
            f"{small[0]:,} rows, {large[2]['growth_kib'] / 1024:.1f} MiB at {large[0]:,} rows "
            f"({large[0] // small[0]}x the rows)"
        )
    last = results[-1]
    ratio = (last[2]["rows"] / last[2]["seconds"]) / (last[1]["rows"] / last[1]["seconds"])
    print(f"RESULT ratio to reference at {last[0]:,} rows: {ratio:.2f} (target >= 0.5)")
    if not os.environ.get("DATABASE_URL"):
        workdir.cleanup()
    else:
        _django(database_url)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


if __name__ == "__main__":
    main()
