"""OCDS import: releases per second and peak memory importing a JSON Lines file of synthetic
releases (tender, bids, award and contract; some processes in several releases).

Generates the file, then, in the same run, measures
- the reference: one plain ijson read pass over the same file (every release parsed, nothing
  else), and
- the import: the job the import page starts (`importer.import_execute`: read, check every
  release, store it, compile each process's record with ocdsmerge, store parties, bids,
  awards and contracts, one transaction),
and prints releases/s of each, their ratio, and the peak resident memory each added above the
process's size before it started (sampled every 20 ms), beside the file's size: memory must
stay flat whatever the size.

    .venv/bin/python bench/procurement/import_run.py              # about 5 MB, about a minute
    .venv/bin/python bench/procurement/import_run.py --mb 1024    # the 1 GB run
    DATABASE_URL=postgres://... .venv/bin/python bench/procurement/import_run.py --keep-db

Without DATABASE_URL the database is a new SQLite file under /tmp/procurement/bench/.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
WORK = Path(os.environ.get("PROCUREMENT_BENCH_DIR", "/tmp/procurement/bench"))


def release(i: int, rng: random.Random) -> list[dict]:
    """One process as one or two releases (a tender, then the award and contract)."""
    ocid = f"ocds-kj3ygj-bench-{i:08d}"
    buyer = f"3.{rng.randint(1, 99)}.{rng.randint(1, 50)}"
    tenderers = rng.sample(range(1, 20_000), rng.randint(1, 5))
    base = rng.randint(100_000, 300_000_000)
    day = 1 + i % 28
    parties = [
        {"id": f"TW-PCC-UNIT-{buyer}", "name": f"機關{buyer}", "roles": ["buyer"]},
        *[
            {
                "id": f"TW-MOEA-{90000000 + t}",
                "name": f"示範廠商{t}股份有限公司",
                "identifier": {"scheme": "TW-MOEA", "id": str(90000000 + t)},
                "address": {"streetAddress": f"臺北市信義區市府路{t % 300}號"},
                "roles": ["tenderer"],
            }
            for t in tenderers
        ],
    ]
    tender = {
        "id": f"{ocid}-t",
        "title": f"示範採購案 {i}",
        "procurementMethod": rng.choice(["open", "open", "selective", "limited"]),
        "mainProcurementCategory": rng.choice(["works", "goods", "services"]),
        "value": {"amount": base * 1.1, "currency": "TWD"},
        "tenderPeriod": {
            "startDate": f"2024-03-{day:02d}T09:00:00+08:00",
            "endDate": f"2024-04-{day:02d}T17:00:00+08:00",
        },
        "items": [{"id": "1", "classification": {"scheme": "CPV", "id": "45000000"}}],
    }
    first = {
        "ocid": ocid,
        "id": f"{ocid}-tender",
        "date": f"2024-03-{day:02d}T09:00:00+08:00",
        "tag": ["tender"],
        "initiationType": "tender",
        "parties": parties,
        "buyer": {"id": f"TW-PCC-UNIT-{buyer}", "name": f"機關{buyer}"},
        "tender": tender,
    }
    winner = tenderers[0]
    second = {
        "ocid": ocid,
        "id": f"{ocid}-award",
        "date": f"2024-05-{day:02d}T09:00:00+08:00",
        "tag": ["award", "contract"],
        "initiationType": "tender",
        "parties": [{"id": f"TW-MOEA-{90000000 + winner}", "roles": ["tenderer", "supplier"]}],
        "bids": {
            "details": [
                {
                    "id": f"{ocid}-b{k}",
                    "status": "valid",
                    "date": f"2024-04-{day:02d}T10:00:00+08:00",
                    "tenderers": [{"id": f"TW-MOEA-{90000000 + t}"}],
                    "value": {"amount": base + k * 1_001, "currency": "TWD"},
                }
                for k, t in enumerate(tenderers)
            ]
        },
        "awards": [
            {
                "id": f"{ocid}-a",
                "status": "active",
                "date": f"2024-05-{day:02d}T09:00:00+08:00",
                "value": {"amount": base, "currency": "TWD"},
                "suppliers": [{"id": f"TW-MOEA-{90000000 + winner}"}],
            }
        ],
        "contracts": [
            {
                "id": f"{ocid}-c",
                "awardID": f"{ocid}-a",
                "status": "active",
                "value": {"amount": base, "currency": "TWD"},
                "period": {
                    "startDate": "2024-06-01T00:00:00+08:00",
                    "endDate": "2026-05-31T00:00:00+08:00",
                },
            }
        ],
    }
    return [first, second] if i % 2 == 0 else [second | {"parties": parties, "tender": tender}]


def generate(path: Path, megabytes: float, seed: int = 2026) -> int:
    """Write releases until the file reaches `megabytes`; returns how many."""
    rng = random.Random(seed)
    target = int(megabytes * 1024 * 1024)
    count = 0
    with path.open("w", encoding="utf-8") as out:
        i = 0
        while out.tell() < target:
            for r in release(i, rng):
                out.write(json.dumps(r, ensure_ascii=False))
                out.write("\n")
                count += 1
            i += 1
    return count


class PeakMemory:
    """Samples the resident set size (Linux /proc) every 20 ms while in the block."""

    def __init__(self) -> None:
        self.peak = 0
        self.base = 0
        self._stop = threading.Event()

    @staticmethod
    def rss() -> int:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def __enter__(self) -> PeakMemory:
        self.base = self.peak = self.rss()

        def sample() -> None:
            while not self._stop.wait(0.02):
                self.peak = max(self.peak, self.rss())

        self._thread = threading.Thread(target=sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.rss())

    @property
    def added(self) -> int:
        return self.peak - self.base


def reference_pass(path: Path) -> int:
    """A plain ijson read of every release (the floor any streamed import stands on)."""
    import ijson

    count = 0
    with path.open("rb") as fh:
        for _release in ijson.items(fh, "", multiple_values=True, use_float=True):
            count += 1
    return count


def setup_django(db_dir: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opengov.settings")
    os.environ.setdefault("DEBUG", "0")  # as in production: no query log
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{db_dir / 'bench.sqlite3'}"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.MEDIA_ROOT = str(db_dir / "media")
    settings.PROCUREMENT_IMPORT_INLINE = True
    settings.JOBS_IN_PROCESS = True
    call_command("migrate", verbosity=0, interactive=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=5, help="file size in MB (1024: 1 GB)")
    parser.add_argument("--keep-db", action="store_true", help="keep the SQLite database")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=WORK) as tmp:
        tmp_dir = Path(tmp)
        path = tmp_dir / "releases.jsonl"
        started = time.perf_counter()
        releases = generate(path, args.mb)
        size = path.stat().st_size
        print(
            f"file: {releases:,} releases, {size / 1024 / 1024:,.1f} MiB "
            f"(generated in {time.perf_counter() - started:.1f} s)"
        )
        setup_django(WORK if args.keep_db else tmp_dir)

        with PeakMemory() as ref_mem:
            t0 = time.perf_counter()
            counted = reference_pass(path)
            ref_seconds = time.perf_counter() - t0
        assert counted == releases, (counted, releases)

        from django.contrib.auth import get_user_model

        from opengov.procurement import importer, imports, jobs
        from opengov.procurement.models import ImportRun

        jobs.start_import = lambda run_id: None  # the job is run below, measured

        actor = get_user_model().objects.filter(is_superuser=True).first()
        if actor is None:
            from opengov.core import clock

            actor = get_user_model().objects.create_superuser(
                email="bench@opengov.local",
                password=None,
                is_moderator=True,
                date_joined=clock.now(),
            )
        with path.open("rb") as fh:
            run = imports.import_start(
                actor=actor, filename="bench.jsonl", file=fh, size=size, keep_valid=False
            )
        run = ImportRun.objects.get(pk=run.pk)
        with PeakMemory() as imp_mem:
            t0 = time.perf_counter()
            run = importer.import_execute(run.pk)
            imp_seconds = time.perf_counter() - t0
        assert run.state == ImportRun.State.SUCCEEDED, (run.state, run.message, run.rejections[:3])
        assert run.releases_stored == releases, (run.releases_stored, releases)

    ref_rate = releases / ref_seconds
    imp_rate = releases / imp_seconds
    mib = 1024 * 1024
    print(f"database: {os.environ['DATABASE_URL'].split(':')[0]}")
    print(
        f"reference (ijson read pass): {ref_seconds:8.2f} s  {ref_rate:12,.0f} releases/s  "
        f"peak memory +{ref_mem.added / mib:,.1f} MiB"
    )
    print(
        f"import (check, store, compile): {imp_seconds:8.2f} s  {imp_rate:12,.0f} releases/s  "
        f"peak memory +{imp_mem.added / mib:,.1f} MiB"
    )
    print(
        f"ratio import / reference: {imp_seconds / ref_seconds:,.1f}x the time "
        f"({run.records_compiled:,} records compiled)"
    )
    print(
        f"peak memory added by the import: {imp_mem.added / mib:,.1f} MiB for a "
        f"{size / mib:,.1f} MiB file ({imp_mem.added / size:.2f} of the file's size)"
    )


if __name__ == "__main__":
    main()
