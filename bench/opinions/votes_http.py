"""Benchmark: votes over HTTP with the production server (granian) on PostgreSQL and Redis.

A published consultation with opinion mapping and `--statements` shown statements; `--voters`
verified people with bearer tokens. Load-generator processes (threads with keep-alive
connections) send `POST /api/v1/opinions/{id}/votes`, each voter voting on statements in a
shuffled order (so every vote is new), for `--duration` seconds after a warm-up. Recomputation
jobs go to the Redis queue, as in production (a Celery worker would run them elsewhere).

Printed: votes/s, p50/p99 latency, and in the same run the reference: plain one-row INSERTs
of the same vote rows straight into PostgreSQL with as many connections as the server has
threads; then the ratio. Finally it checks that every accepted vote is counted once.

    .venv/bin/python bench/opinions/votes_http.py                    # 64 clients, 20 s
    .venv/bin/python bench/opinions/votes_http.py --duration 10 --clients 32

The database named by --database-url (default opengov_bench_opinions) is dropped and
re-created.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import secrets
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.cosign.run import (
    percentile,
    recreate_database,
    server_command,
    setup_django,
    start_server,
    stop_server,
)

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/opengov_bench_opinions"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def prepare(voters: int, statements: int, token_file: Path) -> tuple[str, int]:
    """Migrate; create the consultation and conversation through the services; the voters."""
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from opengov.accounts import services as account_services
    from opengov.accounts.auth import token_hash
    from opengov.accounts.models import ApiToken, Membership, User
    from opengov.consultations import services as consultation_services
    from opengov.core import clock
    from opengov.opinions import services

    call_command("migrate", verbosity=0)
    now = clock.now()
    agency = account_services.agency_create(
        actor=None, code="bench", name_zh_hant="基準測試部", name_en="Benchmark Ministry"
    )
    official = account_services.user_create(
        actor=None, email="official@bench.invalid", display_name="承辦人", password=None
    )
    User.objects.filter(pk=official.pk).update(email_verified_at=now)
    official.refresh_from_db()
    account_services.membership_grant(
        actor=None, user=official, agency=agency, role=Membership.Role.OFFICIAL, title="承辦"
    )
    consultation = consultation_services.consultation_create(
        actor=official, agency=agency, kind="policy", title="基準測試諮詢", summary="基準測試。"
    )
    consultation = consultation_services.consultation_publish(
        actor=official, consultation=consultation
    )
    conversation = services.conversation_start(
        actor=official,
        consultation=consultation,
        topic="基準測試",
        seed_statements=[f"看法第 {i} 則" for i in range(1, statements + 1)],
    )
    log(f"creating {voters} verified voters with bearer tokens ...")
    password = make_password(None)
    keys: list[str] = []
    for start in range(0, voters, 5000):
        users = [
            User(
                email=f"voter{i}@bench.invalid",
                display_name=f"投票者{i}",
                password=password,
                date_joined=now,
                email_verified_at=now,
                residency="national",
            )
            for i in range(start, min(voters, start + 5000))
        ]
        User.objects.bulk_create(users)
        tokens = []
        for user in users:
            key = "bench_" + secrets.token_urlsafe(24)
            keys.append(key)
            tokens.append(
                ApiToken(
                    user=user,
                    name="bench",
                    prefix=key[:10],
                    key_hash=token_hash(key),
                    created_at=now,
                )
            )
        ApiToken.objects.bulk_create(tokens)
    token_file.write_text("\n".join(keys))
    return str(conversation.public_id), conversation.pk


def client_process(args: tuple) -> dict:
    """One load process: `threads` keep-alive clients, each with its own voters."""
    port, path, tokens, statements, threads, duration, seed = args
    import http.client

    latencies: list[float] = []
    counts = {"ok": 0, "errors": 0}
    lock = threading.Lock()
    deadline = time.time() + duration

    def work(mine: list[str], rng: random.Random) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        local, ok, errors = [], 0, 0
        for token in mine:
            order = list(range(1, statements + 1))
            rng.shuffle(order)
            for number in order:
                if time.time() >= deadline:
                    break
                body = json.dumps(
                    {"statement": number, "vote": rng.choice(("agree", "disagree", "pass"))}
                )
                started = time.perf_counter()
                try:
                    conn.request(
                        "POST",
                        path,
                        body=body,
                        headers={
                            "Authorization": f"Bearer {token}",
                            "Content-Type": "application/json",
                        },
                    )
                    response = conn.getresponse()
                    response.read()
                    status = response.status
                except OSError:
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    status = 0
                local.append(time.perf_counter() - started)
                if status == 201:
                    ok += 1
                else:
                    errors += 1
            if time.time() >= deadline:
                break
        with lock:
            latencies.extend(local)
            counts["ok"] += ok
            counts["errors"] += errors

    share = [tokens[i::threads] for i in range(threads)]
    pool = [
        threading.Thread(target=work, args=(share[i], random.Random(seed * 1000 + i)))
        for i in range(threads)
    ]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return {"latencies": latencies, **counts}


def run_load(port, path, tokens, statements, clients, processes, duration, seed) -> dict:
    per = max(1, clients // processes)
    chunks = [tokens[i::processes] for i in range(processes)]
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        started = time.perf_counter()
        parts = pool.map(
            client_process,
            [
                (port, path, chunks[i], statements, per, duration, seed + i)
                for i in range(processes)
            ],
        )
        elapsed = time.perf_counter() - started
    latencies = [x for p in parts for x in p["latencies"]]
    return {
        "ok": sum(p["ok"] for p in parts),
        "errors": sum(p["errors"] for p in parts),
        "latencies": latencies,
        "elapsed": min(elapsed, duration) if elapsed > duration else elapsed,
    }


def reference_inserts(url: str, conversation_pk: int, connections: int, rows: int) -> float:
    """Rows/s of plain one-row INSERTs of the same vote rows into a copy of the table."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_vote_reference")
        conn.execute("CREATE TABLE bench_vote_reference (LIKE opinions_vote INCLUDING ALL)")
        data = conn.execute(
            "SELECT conversation_id, statement_id, participant_id, value, created_at, superseded "
            "FROM opinions_vote WHERE conversation_id = %s ORDER BY id LIMIT %s",
            [conversation_pk, rows],
        ).fetchall()
    chunks = [data[i::connections] for i in range(connections)]
    barrier = threading.Barrier(connections + 1)

    def work(chunk):
        with psycopg.connect(url, autocommit=True) as conn:
            barrier.wait()
            for row in chunk:
                conn.execute(
                    "INSERT INTO bench_vote_reference (conversation_id, statement_id, "
                    "participant_id, value, created_at, superseded) "
                    "VALUES (%s, %s, %s, %s, %s, %s)",
                    row,
                )

    threads = [threading.Thread(target=work, args=(c,)) for c in chunks]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE bench_vote_reference")
    return len(data) / elapsed if elapsed else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--processes", type=int, default=4, help="load-generator processes")
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--voters", type=int, default=3000)
    parser.add_argument("--statements", type=int, default=200)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    args = parser.parse_args()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    log(f"database {args.database_url} (re-created)")
    recreate_database(args.database_url)
    setup_django(args.database_url)
    work = Path(tempfile.mkdtemp(prefix="bench_opinions_"))
    tokens_file = work / "tokens.txt"
    public_id, conversation_pk = prepare(args.voters, args.statements, tokens_file)
    tokens = tokens_file.read_text().split("\n")
    from django.db import connections

    connections.close_all()
    command = server_command("granian", port, args.workers, args.threads)
    log(f"granian {args.workers} processes x {args.threads} threads")
    server = start_server(args.database_url, command, port, work / "server.log", args.redis_url)
    path = f"/api/v1/opinions/{public_id}/votes"
    try:
        half = len(tokens) // 4
        if args.warmup:
            log(f"warm-up {args.warmup:.0f} s ...")
            run_load(
                port,
                path,
                tokens[:half],
                args.statements,
                args.clients,
                args.processes,
                args.warmup,
                1,
            )
        log(f"{args.clients} clients in {args.processes} processes for {args.duration:.0f} s ...")
        result = run_load(
            port,
            path,
            tokens[half:],
            args.statements,
            args.clients,
            args.processes,
            args.duration,
            2,
        )
    finally:
        stop_server(server)
    rate = result["ok"] / args.duration
    lat = result["latencies"]
    print(
        f"votes over HTTP (granian {args.workers}×{args.threads}, PostgreSQL, Redis): "
        f"{rate:.0f} votes/s"
    )
    print(
        f"  accepted {result['ok']}, refused or failed {result['errors']}, "
        f"p50 {percentile(lat, 0.5) * 1000:.1f} ms, p99 {percentile(lat, 0.99) * 1000:.1f} ms"
    )
    from opengov.opinions.models import Statement, Vote

    votes = Vote.objects.filter(conversation_id=conversation_pk).count()
    counted = sum(s.vote_count for s in Statement.objects.filter(conversation_id=conversation_pk))
    print(
        f"  votes stored {votes}, counted on statements {counted} "
        f"(every vote counted once: {votes == counted})"
    )
    reference = reference_inserts(
        args.database_url, conversation_pk, args.workers * args.threads, 20000
    )
    print(
        f"reference: plain one-row INSERTs of vote rows, {args.workers * args.threads} "
        f"connections: {reference:.0f} rows/s"
    )
    print(f"ratio HTTP votes / plain inserts: {rate / reference:.3f}")
    print(f"load: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
