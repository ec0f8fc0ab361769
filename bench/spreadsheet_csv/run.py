"""Benchmark: the cost of the spreadsheet CSV variant (`?bom=1`, formula-like text made inert).

Writes the same rows two ways with `opengov.open_data.streaming.csv_rows`, best of several
interleaved runs, and prints rows per second and the ratio to the reference:

- registry data (typed rows from an exporter): reference = the exact CSV writer,
  measured = the spreadsheet writer (each text cell checked);
- an uploaded version (its stored CSV file): reference = the stored file copied in chunks
  (the exact CSV), measured = the file parsed and rewritten by the spreadsheet writer.

    .venv/bin/python bench/spreadsheet_csv/run.py [--rows 200000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from opengov.open_data import streaming  # noqa: E402

NAMES = ["id", "district", "station", "recorded_on", "visitors", "amount", "open", "note"]
TYPES = ["integer", "string", "string", "date", "integer", "number", "boolean", "string"]


def typed_rows(count: int) -> list[tuple]:
    notes = ["", "=1+1", "-5", "+886-2-1234", "一般", "@SUM(A1)"]
    return [
        (
            i,
            ["中正區", "大安區", "信義區"][i % 3],
            f'測站 {i % 997}, "north"',
            dt.date(2026, 1 + i % 12, 1 + i % 28),
            i % 5000,
            (i % 100000) / 100,
            i % 3 == 0,
            notes[i % 6],
        )
        for i in range(count)
    ]


def batches(rows: list, size: int = 2000):
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def drain(chunks) -> int:
    return sum(len(c) for c in chunks)


def timed(fn) -> tuple[float, int]:
    start = time.perf_counter()
    size = fn()
    return time.perf_counter() - start, size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = typed_rows(args.rows)
    with tempfile.TemporaryDirectory() as folder:
        stored = Path(folder) / "data.csv"
        with stored.open("w", encoding="utf-8", newline="") as out:
            writer = streaming.csv_writer(out, "\n")
            writer.writerow(NAMES)
            writer.writerows([ingest_text(v) for v in row] for row in rows)

        def text_batches():
            with stored.open(encoding="utf-8", newline="") as fh:
                reader = csv.reader(fh)
                next(reader)
                batch = []
                for row in reader:
                    batch.append(row)
                    if len(batch) == 2000:
                        yield batch
                        batch = []
                if batch:
                    yield batch

        cases = {
            "registry exact": lambda: drain(streaming.csv_rows(NAMES, TYPES, batches(rows))),
            "registry spreadsheet": lambda: drain(
                streaming.csv_rows(NAMES, TYPES, batches(rows), bom=True, spreadsheet=True)
            ),
            "upload exact (file copy)": lambda: drain(
                streaming.csv_file(lambda: stored.open("rb"))
            ),
            "upload spreadsheet (rewrite)": lambda: drain(
                streaming.csv_rows(
                    NAMES, TYPES, text_batches(), bom=True, spreadsheet=True, lineterminator="\n"
                )
            ),
        }
        best: dict[str, float] = {}
        sizes: dict[str, int] = {}
        for _ in range(args.repeat):
            for name, fn in cases.items():
                seconds, size = timed(fn)
                best[name] = min(best.get(name, seconds), seconds)
                sizes[name] = size
    for name in cases:
        print(f"{name:30s} {args.rows / best[name]:>12,.0f} rows/s  {sizes[name] / 1e6:7.1f} MB")
    print(
        "registry: spreadsheet / exact time ratio "
        f"{best['registry spreadsheet'] / best['registry exact']:.2f}"
    )
    print(
        "upload:   spreadsheet / exact time ratio "
        f"{best['upload spreadsheet (rewrite)'] / best['upload exact (file copy)']:.2f}"
    )


def ingest_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


if __name__ == "__main__":
    main()
