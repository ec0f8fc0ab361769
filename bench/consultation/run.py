"""Consultation pages under concurrent load, against the same pages served from cache.

Builds a consultation with 200 articles and 100,000 comments (one article carries a large
share) in a fresh database, serves the project with gunicorn on 127.0.0.1, and sends
concurrent GET requests to:

- the consultation page (articles with their counts, whole-text comments, page 1);
- the comment page of the busiest article (page 1) and of a deep page;

and, as the reference measured in the same run, to the same pages from Django's per-view
cache. Prints the number of SQL queries per page (they must not grow with the data), the
latency (p50, p95) and throughput of each, and the ratio to the cached reference.

    .venv/bin/python bench/consultation/run.py            # full size
    .venv/bin/python bench/consultation/run.py --quick    # 2,000 comments, for a smoke run

With DATABASE_URL set (PostgreSQL) the data goes there (into a database named
bench_consultations, created and dropped by the run); by default a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--requests", type=int, default=400, help="per page and variant")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--quick", action="store_true", help="2,000 comments, 80 requests")
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build(args: argparse.Namespace) -> dict[str, str]:
    """Create the data; return the paths to measure."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count, Q

    from opengov.accounts import services as account_services
    from opengov.consultations import services
    from opengov.consultations.models import Article, Comment, Consultation, Kind
    from opengov.core import clock

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    User = get_user_model()
    agency = account_services.agency_create(actor=None, code="bench", name_zh_hant="測試部")
    official = User.objects.create_user(
        "official@bench.test", None, display_name="承辦人", date_joined=clock.now()
    )
    account_services.membership_grant(actor=None, user=official, agency=agency)
    now = clock.now()
    users = User.objects.bulk_create(
        User(
            email=f"p{i}@bench.test",
            display_name=f"市民{i}",
            password="!",
            date_joined=now,
            email_verified_at=now,
        )
        for i in range(2000)
    )
    draft = "\n".join(
        f"第{i}條　本辦法第{i}條之規定文字，包括適用範圍與罰則等事項。\n說明：第{i}條說明。"
        for i in range(1, args.articles + 1)
    )
    consultation = services.consultation_create(
        actor=official, agency=agency, kind=Kind.DRAFT_REGULATION, title="效能測試草案", summary="s"
    )
    services.articles_import(actor=official, consultation=consultation, data=draft)
    services.consultation_publish(actor=official, consultation=consultation)
    articles = list(Article.objects.filter(consultation=consultation).order_by("position"))
    busy = articles[2]  # article 3 gets a fifth of all comments
    stances = ["support", "oppose", "suggestion"]
    batch: list[Comment] = []
    for i in range(args.comments):
        if i % 5 == 0:
            article = busy
        elif i % 7 == 0:
            article = None
        else:
            article = articles[i % len(articles)]
        batch.append(
            Comment(
                consultation=consultation,
                article=article,
                author=users[i % len(users)],
                stance=stances[i % 3],
                body=f"第{i}則意見：建議修正文字，並說明理由與影響評估。",
                created_at=now,
            )
        )
        if len(batch) == 5000:
            Comment.objects.bulk_create(batch)
            batch = []
    Comment.objects.bulk_create(batch)
    counts = (
        Comment.objects.filter(consultation=consultation, article__isnull=False)
        .values("article")
        .annotate(
            n=Count("id"),
            s=Count("id", filter=Q(stance="support")),
            o=Count("id", filter=Q(stance="oppose")),
            g=Count("id", filter=Q(stance="suggestion")),
        )
    )
    by_id = {a.pk: a for a in articles}
    for row in counts:
        a = by_id[row["article"]]
        a.comment_count, a.support_count = row["n"], row["s"]
        a.oppose_count, a.suggestion_count = row["o"], row["g"]
    Article.objects.bulk_update(
        articles, ["comment_count", "support_count", "oppose_count", "suggestion_count"]
    )
    whole = Comment.objects.filter(consultation=consultation, article__isnull=True).count()
    Consultation.objects.filter(pk=consultation.pk).update(
        comment_count=args.comments, whole_text_comment_count=whole
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"data: {args.articles} articles, {args.comments:,} comments "
        f"({busy.label}: {Comment.objects.filter(article=busy).count():,}) "
        f"built in {time.perf_counter() - started:.1f} s on {connection.vendor}"
    )
    base = f"/consultations/{consultation.public_id}/"
    deep = max(1, busy.comment_count // 50 // 2)
    return {
        "consultation page": base,
        "article page": f"{base}articles/3/",
        f"article page {deep}": f"{base}articles/3/?page={deep}",
    }


def count_queries(paths: dict[str, str]) -> None:
    """Queries per page, in-process (they must not depend on the number of comments)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    for name, path in paths.items():
        with CaptureQueriesContext(connection) as ctx:
            status = client.get(path, HTTP_HOST="127.0.0.1").status_code
        print(f"queries: {name}: {len(ctx)} (HTTP {status})")


def load(port: int, path: str, total: int, concurrency: int) -> tuple[list[float], float]:
    """GET `path` `total` times from `concurrency` threads; return latencies and wall time."""
    latencies: list[float] = []
    lock = threading.Lock()
    per_thread = max(1, total // concurrency)
    errors: list[str] = []

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        for _ in range(per_thread):
            t0 = time.perf_counter()
            conn.request("GET", path, headers={"Accept-Language": "zh-hant"})
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - t0)
            if response.status != 200:
                errors.append(f"{path}: HTTP {response.status}")
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    if errors:
        raise SystemExit(f"errors: {errors[:3]}")
    return latencies, wall


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main() -> None:
    args = parse_args()
    if args.quick:
        args.comments, args.requests = 2000, 80
    tmp = Path(tempfile.mkdtemp(prefix="bench-consultation-"))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(HERE), str(ROOT), env.get("PYTHONPATH", "")])
    env["DJANGO_SETTINGS_MODULE"] = "bench_settings"
    env["OPENGOV_VAR_DIR"] = str(tmp)
    postgres = env.get("DATABASE_URL", "").startswith("postgres")
    if postgres:
        env["DATABASE_URL"] = env["DATABASE_URL"].rsplit("/", 1)[0] + "/bench_consultations"
        admin_url = os.environ["DATABASE_URL"]
        import psycopg

        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS bench_consultations")
            conn.execute("CREATE DATABASE bench_consultations")
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.update(env)
    sys.path[:0] = [str(HERE), str(ROOT)]
    server = None
    try:
        paths = build(args)
        count_queries(paths)
        port = free_port()
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "opengov.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--threads",
                str(args.threads),
                "--worker-class",
                "gthread",
                "--keep-alive",
                "30",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=str(ROOT),
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("gunicorn did not start")
        print(
            f"load: {args.requests} requests per page, {args.concurrency} concurrent clients, "
            f"gunicorn {args.workers} workers x {args.threads} threads"
        )
        header = f"{'page':<24}{'p50 ms':>9}{'p95 ms':>9}{'req/s':>9}"
        print(header + "   cached: p50 ms  p95 ms  req/s  ratio p50")
        for name, path in paths.items():
            cached_path = "/cached" + path
            load(port, path, args.concurrency * 2, args.concurrency)  # warm up
            load(port, cached_path, args.concurrency * 2, args.concurrency)
            live, live_wall = load(port, path, args.requests, args.concurrency)
            ref, ref_wall = load(port, cached_path, args.requests, args.concurrency)
            print(
                f"{name:<24}{pct(live, 0.5):>9.1f}{pct(live, 0.95):>9.1f}"
                f"{len(live) / live_wall:>9.0f}   {pct(ref, 0.5):>14.1f}{pct(ref, 0.95):>8.1f}"
                f"{len(ref) / ref_wall:>7.0f}"
                f"  {statistics.median(live) / statistics.median(ref):>8.1f}x"
            )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        if postgres:
            from django.db import connections

            connections.close_all()
            import psycopg

            with psycopg.connect(
                os.environ.get("BENCH_ADMIN_URL") or admin_url, autocommit=True
            ) as conn:
                conn.execute("DROP DATABASE IF EXISTS bench_consultations")
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
