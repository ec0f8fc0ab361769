"""Benchmark: the action-plan dashboard of a large plan, against a cached copy of the same page.

A plan with 50 commitments, 500 milestones and 20,000 progress updates is built in a fresh
SQLite database (or in DATABASE_URL: point it at an empty PostgreSQL database, which
keeps the tables afterwards). The plan page is then requested
through Django's test client:

- cold: the dashboard cache is cleared before each request, so every request rolls up the
  milestones, counts updates and draws the SVG charts;
- cached (the reference): the same page with the dashboard fragment already in the cache.

It prints the median and 95th-percentile latency of both, their ratio, and the number of
database queries of each (the cold count does not grow with the plan's size).

    .venv/bin/python bench/dashboard/run.py
    .venv/bin/python bench/dashboard/run.py --commitments 50 --milestones 10 --updates 20000
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opengov.settings")
    os.environ["OPENGOV_RATE_LIMITS_ENABLED"] = "false"
    os.environ.setdefault("DEBUG", "false")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def build(n_commitments: int, per_commitment: int, n_updates: int) -> str:
    """Create the plan; returns its slug. Updates are bulk-inserted (setup, not measured)."""
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from opengov.accounts import services as accounts
    from opengov.accounts.models import Agency, User
    from opengov.action_plans import services
    from opengov.action_plans.models import ActionPlan, Milestone, ProgressUpdate
    from opengov.core import clock

    call_command("migrate", verbosity=0)
    slug = "bench-plan"
    if ActionPlan.objects.filter(slug=slug).exists():
        return slug
    root = Agency.objects.filter(code="bench-root").first() or accounts.agency_create(
        actor=None, code="bench-root", name_zh_hant="行政院（測試）", name_en="Root"
    )
    agencies = []
    for i in range(10):
        code = f"bench-{i}"
        agencies.append(
            Agency.objects.filter(code=code).first()
            or accounts.agency_create(
                actor=None,
                code=code,
                name_zh_hant=f"測試部{i}",
                name_en=f"<script>x</script>Ministry {i}",
                parent=root,
            )
        )
    author = User.objects.create(
        email="bench-official@example.org",
        display_name="測試承辦人",
        password=make_password(None),
        date_joined=clock.now(),
    )
    plan = services.plan_create(
        actor=None,
        slug=slug,
        number=9000,
        title_zh_hant="效能測試行動方案",
        title_en="Benchmark action plan",
        start_date=dt.date(2021, 1, 1),
        end_date=dt.date(2024, 12, 31),
        status="implementing",
    )
    milestones = []
    for c in range(n_commitments):
        commitment = services.commitment_create(
            actor=None,
            plan=plan,
            number=c + 1,
            lead_agency=agencies[c % len(agencies)],
            title_zh_hant=f"承諾事項第{c + 1}項：<script>alert(1)</script>擴大公共參與",
            title_en=f"Commitment {c + 1}",
            start_date=dt.date(2021, 1, 1),
            end_date=dt.date(2024, 12, 31),
            values=[{"value": "transparency", "justification_zh_hant": "公開"}],
            is_draft=False,
        )
        for m in range(per_commitment):
            start = dt.date(2021, 1, 1) + dt.timedelta(days=40 * m)
            milestones.append(
                services.milestone_create(
                    actor=None,
                    commitment=commitment,
                    title_zh_hant=f"里程碑{m + 1}",
                    start_date=start,
                    end_date=start + dt.timedelta(days=120),
                    weight=1 + m % 3,
                )
            )
    now = clock.now()
    rows = []
    for i in range(n_updates):
        milestone = milestones[i % len(milestones)]
        progress = min(100, (i // len(milestones) + 1) * 10)
        rows.append(
            ProgressUpdate(
                milestone=milestone,
                author=author,
                agency_id=milestone.commitment.lead_agency_id,
                reported_on=milestone.start_date + dt.timedelta(days=i % 90),
                status="completed" if progress == 100 else "in_progress",
                progress=progress,
                text=f"第{i}次填報",
                created_at=now - dt.timedelta(seconds=n_updates - i),
            )
        )
    ProgressUpdate.objects.bulk_create(rows, batch_size=2000)
    for milestone in milestones:
        latest = milestone.updates.order_by("-created_at").first()
        if latest:
            Milestone.objects.filter(pk=milestone.pk).update(
                progress=latest.progress, status=latest.status
            )
    ActionPlan.objects.filter(pk=plan.pk).update(revision=plan.revision + 1)
    return slug


def measure(slug: str, runs: int) -> None:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from opengov.action_plans.models import ActionPlan, Milestone, ProgressUpdate
    from opengov.core import clock

    clock.set_now(dt.datetime(2023, 3, 15, 10, tzinfo=clock.local_zone()))
    plan = ActionPlan.objects.get(slug=slug)
    url = f"/action-plans/{slug}/"
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert client.get(url).status_code == 200  # warm up imports and templates

    def timed(clear: bool) -> list[float]:
        times = []
        for _ in range(runs):
            if clear:
                cache.clear()
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200
        return times

    def count_queries() -> tuple[int, int]:
        executed: list[str] = []

        def wrapper(execute, sql, params, many, context):
            executed.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(wrapper):
            body = client.get(url).content
        return len(executed), len(body)

    cache.clear()
    cold_queries, size = count_queries()
    warm_queries, _size = count_queries()
    cold = timed(clear=True)
    client.get(url)
    warm = timed(clear=False)

    def p95(values: list[float]) -> float:
        return sorted(values)[max(0, int(len(values) * 0.95) - 1)]

    print(
        f"plan: {plan.commitments.count()} commitments, "
        f"{Milestone.objects.filter(commitment__plan=plan).count()} milestones, "
        f"{ProgressUpdate.objects.filter(milestone__commitment__plan=plan).count()} updates; "
        f"page {size / 1024:.0f} KiB; database {connection.vendor}"
    )
    print(
        f"dashboard, cold:   median {statistics.median(cold) * 1000:7.1f} ms, "
        f"p95 {p95(cold) * 1000:7.1f} ms, {cold_queries} queries"
    )
    print(
        f"dashboard, cached: median {statistics.median(warm) * 1000:7.1f} ms, "
        f"p95 {p95(warm) * 1000:7.1f} ms, {warm_queries} queries (reference)"
    )
    print(f"ratio cold / cached (median): {statistics.median(cold) / statistics.median(warm):.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commitments", type=int, default=50)
    parser.add_argument("--milestones", type=int, default=10, help="per commitment")
    parser.add_argument("--updates", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL")
    with tempfile.TemporaryDirectory() as tmp:
        if not database_url:
            database_url = f"sqlite:///{tmp}/bench.sqlite3"
            os.environ["OPENGOV_VAR_DIR"] = tmp
        setup_django(database_url)
        started = time.perf_counter()
        slug = build(args.commitments, args.milestones, args.updates)
        print(f"setup: {time.perf_counter() - started:.1f} s")
        measure(slug, args.runs)


if __name__ == "__main__":
    main()
