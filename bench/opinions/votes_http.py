"""Benchmark: votes over HTTP with the production server (granian) on PostgreSQL and Redis.

A published consultation with opinion mapping and `--statements` shown statements; `--voters`
verified people with bearer tokens. A load-generator process (`--clients` asyncio keep-alive
clients, `bench/_load.py`, shared with the co-signing benchmark) sends
`POST /api/v1/opinions/{id}/votes`, each client voting as its voters in turn, every voter on
the statements in a shuffled order (so every vote is new), for `--duration` seconds after a
warm-up. Recomputation jobs go to the Redis queue, as in production (a Celery worker would
run them elsewhere).

Printed: votes/s, p50/p99 latency, the server's and PostgreSQL's CPU per vote (robust on a
shared machine), and in the same run the reference: plain one-row INSERTs of the same vote
rows straight into PostgreSQL with as many connections as the server has threads; then the
ratio. Finally it checks that every accepted vote is counted once, on its statement and its
participant.

    .venv/bin/python bench/opinions/votes_http.py                    # 64 clients, 20 s
    .venv/bin/python bench/opinions/votes_http.py --duration 10 --clients 32

The database named by --database-url (default opengov_bench_opinions) is dropped and
re-created.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import resource
import socket
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench._load import (
    KeepAlive,
    log,
    machine_cpu,
    percentile,
    post_request,
    recreate_database,
    reference_inserts,
    server_command,
    server_cpu,
    setup_django,
    start_server,
    stop_server,
    users_with_tokens,
)

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/opengov_bench_opinions"


def prepare(voters: int, statements: int, token_file: Path) -> tuple[str, int]:
    """Migrate; create the consultation and conversation through the services; the voters."""
    from django.core.management import call_command

    from opengov.accounts import services as account_services
    from opengov.accounts.models import Membership, User
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
    users_with_tokens(
        voters,
        email="voter{i}@bench.invalid",
        display_name="投票者{i}",
        token_file=token_file,
        email_verified_at=now,
        residency="national",
    )
    return str(conversation.public_id), conversation.pk


async def _vote_clients(
    port: int,
    path: str,
    tokens: list[str],
    statements: int,
    clients: int,
    duration: float,
    seed: int,
) -> dict:
    """`clients` keep-alive clients, each voting as its own voters in turn, every voter on
    every statement in a shuffled order (so every vote is new), until `duration` is over."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    deadline = time.perf_counter() + duration

    async def client(mine: list[str], rng: random.Random) -> None:
        connection = KeepAlive("127.0.0.1", port)
        for token in mine:
            order = list(range(1, statements + 1))
            rng.shuffle(order)
            for number in order:
                if time.perf_counter() >= deadline:
                    connection.close()
                    return
                body = json.dumps(
                    {"statement": number, "vote": rng.choice(("agree", "disagree", "pass"))}
                ).encode()
                status, elapsed, _sent = await connection.send(
                    post_request("127.0.0.1", port, path, token, body)
                )
                statuses[status] = statuses.get(status, 0) + 1
                if status != -1:
                    latencies.append(elapsed)
        connection.close()

    started = time.perf_counter()
    await asyncio.gather(
        *(client(tokens[i::clients], random.Random(seed * 1000 + i)) for i in range(clients))
    )
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "elapsed": time.perf_counter() - started,
        "statuses": statuses,
        "latencies": latencies,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
    }


def _load_process(args: tuple) -> dict:
    return asyncio.run(_vote_clients(*args))


def run_load(port, path, tokens, statements, clients, duration, seed) -> dict:
    """The load generator in a process of its own (one asyncio loop)."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(
            _load_process, ((port, path, tokens, statements, clients, duration, seed),)
        )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--clients", type=int, default=64)
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
        quarter = len(tokens) // 4
        if args.warmup:
            log(f"warm-up {args.warmup:.0f} s ...")
            run_load(port, path, tokens[:quarter], args.statements, args.clients, args.warmup, 1)
        log(f"{args.clients} clients for {args.duration:.0f} s ...")
        busy0, total0 = machine_cpu()
        cpu0 = server_cpu(server)
        result = run_load(
            port, path, tokens[quarter:], args.statements, args.clients, args.duration, 2
        )
        busy1, total1 = machine_cpu()
        cpu1 = server_cpu(server)
    finally:
        stop_server(server)
    statuses = result["statuses"]
    accepted = statuses.get(201, 0)
    rate = accepted / result["elapsed"]
    lat = result["latencies"]
    requests = max(1, len(lat))
    print(
        f"votes over HTTP (granian {args.workers}x{args.threads}, PostgreSQL, Redis; "
        f"{args.clients} clients, {result['elapsed']:.1f} s after {args.warmup:.0f} s of "
        f"warm-up): {rate:.0f} votes/s  (target >= 1,000)"
    )
    print(
        f"  statuses {dict(sorted(statuses.items()))}, p50 {percentile(lat, 0.5) * 1000:.1f} ms, "
        f"p99 {percentile(lat, 0.99) * 1000:.1f} ms, max {max(lat, default=0) * 1000:.1f} ms"
    )
    spent = {kind: cpu1[kind] - cpu0[kind] for kind in cpu0}
    busy = (busy1 - busy0) / max(1, total1 - total0)
    print(
        f"  server CPU per vote: granian {spent['server'] / requests * 1000:.2f} + PostgreSQL "
        f"{spent['postgres'] / requests * 1000:.2f} ms; load generator "
        f"{result['cpu_seconds'] / requests * 1000:.2f} ms; machine busy {busy * 100:.0f}% "
        f"of {os.cpu_count()} cores"
    )
    from django.db.models import Sum

    from opengov.opinions.models import Participant, Statement, Vote

    votes = Vote.objects.filter(conversation_id=conversation_pk)
    current = votes.filter(superseded=False).count()
    counted = sum(s.vote_count for s in Statement.objects.filter(conversation_id=conversation_pk))
    per_person = Participant.objects.filter(conversation_id=conversation_pk).aggregate(
        n=Sum("vote_count")
    )["n"]
    checks = {
        "no refusals or transport errors": set(statuses) == {201},
        "current votes == counts on statements": current == counted,
        "current votes == participants' vote counts": current == per_person,
        "every vote new (no row superseded)": votes.count() == current,
    }
    print(f"  votes stored {votes.count()}, counted on statements {counted}")
    for name, ok in checks.items():
        print(f"  [{'ok' if ok else 'FAIL'}] {name}")
    connections.close_all()
    reference = reference_inserts(
        args.database_url,
        table="opinions_vote",
        columns=(
            "conversation_id",
            "statement_id",
            "participant_id",
            "value",
            "created_at",
            "superseded",
        ),
        where="conversation_id = %s",
        params=[conversation_pk],
        connections=args.workers * args.threads,
        rows=20000,
    )
    print(
        f"reference: plain one-row INSERTs of the same vote rows, {args.workers * args.threads} "
        f"connections: {reference:.0f} rows/s; ratio HTTP votes / plain inserts: "
        f"{rate / reference:.3f}"
    )
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
