"""Benchmark: many concurrent clients co-signing one popular proposal through the HTTP API.

The hard case: every write touches the same proposal. The app runs under its production
server (granian, WSGI; `--server gunicorn` for gunicorn's gthread workers) on PostgreSQL,
with Redis as its shared cache and job queue; a separate load-generator process drives
`POST /api/v1/proposals/{id}/cosign` with bearer tokens, one distinct signer per request
(plus ~1 % deliberate repeats by people who already signed, which must be refused).

After a few seconds of the same load that are not measured (--warmup: the server's
processes open their database connections and prepare their statements), it prints
co-signatures per second, p50/p99/max latency and the second with the worst p99, then, in
the same run, the rate of plain single-row INSERTs of the same signature rows straight into
PostgreSQL with as many connections as the server has threads (the reference), and the
ratio. Finally it checks that the count equals the number of distinct successful signers
(plus the proposer), that no one is counted twice, and that the crossing of the threshold
was recorded once.

    .venv/bin/python bench/cosign/run.py                       # 100 clients, 60 s
    .venv/bin/python bench/cosign/run.py --duration 10 --clients 50
    .venv/bin/python bench/cosign/run.py --rate 500            # paced at 500 requests/s
    .venv/bin/python bench/cosign/run.py --server gunicorn --threads 8
    .venv/bin/python bench/cosign/run.py --rate-limits         # as in production, see below

It also prints the server's CPU per request (the server's processes and PostgreSQL's
backends, measured from /proc, and Redis's): that figure depends little on what else the
machine is doing, but it follows the machine's own speed, which on a shared virtual machine
moves from one hour to the next (compare runs by the reference, measured in the same run).
`bench/cosign/cpu.py` measures the same cost without concurrency.

Rate limits are off by default, since the load comes from one address. `--rate-limits`
turns them on as in production (one Redis round trip per co-signature: the signer's and the
address's counters); the load generator then plays the reverse proxy and sends each
signer's own address in `X-Forwarded-For`.

The database named by --database-url (default: opengov_bench_cosign on the local server)
is dropped and re-created.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench._load import (
    log,
    machine_cpu,
    percentile,
    recreate_database,
    reference_inserts,
    server_command,
    server_cpu,
    setup_django,
    start_server,
    stop_server,
    users_with_tokens,
)

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/opengov_bench_cosign"


def prepare(signers: int, threshold: int, token_file: Path) -> tuple[str, int]:
    """Migrate, create the popular proposal through the services, and the bench signers."""
    from django.conf import settings
    from django.core.management import call_command

    from opengov.accounts import services as account_services
    from opengov.accounts.models import User
    from opengov.core import clock
    from opengov.proposals import services

    call_command("migrate", verbosity=0)
    settings.OPENGOV_JURISDICTION_OVERRIDES = {"proposals": {"cosign_threshold": threshold}}
    now = clock.now()
    agency = account_services.agency_create(
        actor=None, code="bench", name_zh_hant="基準測試部", name_en="Benchmark Ministry"
    )
    proposer = account_services.user_create(
        actor=None, email="proposer@bench.invalid", display_name="提案人", password=None
    )
    moderator = account_services.user_create(
        actor=None, email="moderator@bench.invalid", display_name="營運", password=None
    )
    User.objects.filter(pk=proposer.pk).update(email_verified_at=now, phone_verified_at=now)
    User.objects.filter(pk=moderator.pk).update(is_moderator=True)
    proposer.refresh_from_db()
    moderator.refresh_from_db()
    proposal = services.proposal_create(
        actor=proposer,
        title="全國公車站增設遮雨棚",
        content="熱門提案：基準測試。",
        benefits="提升候車品質。",
        agencies=[agency.code],
        submit=True,
    )
    proposal = services.proposal_publish(actor=moderator, proposal=proposal)

    log(f"creating {signers} verified signers with bearer tokens ...")
    users_with_tokens(
        signers,
        email="signer{i}@bench.invalid",
        display_name="附議人{i}",
        token_file=token_file,
        email_verified_at=now,
        phone_verified_at=now,
    )
    return str(proposal.public_id), proposal.pk


def worst_second(result: dict) -> tuple[int, float, float]:
    """(requests, p99 in s, second) of the measured second with the highest p99."""
    by_second: dict[int, list[float]] = {}
    for sent, latency in zip(result["sent_at"], result["latencies"], strict=True):
        by_second.setdefault(int(sent), []).append(latency)
    full = {s: v for s, v in by_second.items() if s < int(result["elapsed"])} or by_second
    second, values = max(full.items(), key=lambda item: percentile(item[1], 0.99))
    return len(values), percentile(values, 0.99), second


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument(
        "--warmup", type=float, default=5, help="seconds of the same load before measuring"
    )
    parser.add_argument("--rate", type=float, default=0, help="pace to this many requests/s")
    parser.add_argument("--server", choices=("granian", "gunicorn"), default="granian")
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per server process")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"),
        help="the server's shared cache and job queue, as in production ('' for neither)",
    )
    parser.add_argument("--threshold", type=int, default=5000)
    parser.add_argument("--signers", type=int, default=0, help="default: enough for 2,600/s")
    parser.add_argument("--duplicates", type=float, default=0.01)
    parser.add_argument(
        "--rate-limits",
        action="store_true",
        help="count the co-signing rate limits in Redis, as in production",
    )
    args = parser.parse_args()
    if not args.port:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            args.port = probe.getsockname()[1]
    seconds = args.duration + args.warmup
    signers = args.signers or int(max(2000, seconds * (args.rate or 2600) * 1.1))

    log(f"database {args.database_url} (re-created)")
    recreate_database(args.database_url)
    setup_django(args.database_url)
    work = Path(tempfile.mkdtemp(prefix="bench_cosign_"))
    token_file = work / "tokens.txt"
    public_id, proposal_pk = prepare(signers, args.threshold, token_file)

    from django.db import connections

    connections.close_all()
    command = server_command(args.server, args.port, args.workers, args.threads)
    server_name = f"{args.server} {args.workers} processes x {args.threads} threads"
    log(server_name)
    server = start_server(
        args.database_url,
        command,
        args.port,
        work / "server.log",
        args.redis_url,
        rate_limits=args.rate_limits,
    )

    def load(duration: float, first_token: int, out: Path) -> dict:
        subprocess.run(
            [
                sys.executable,
                str(Path(__file__).with_name("load.py")),
                "--tokens",
                str(token_file),
                "--port",
                str(args.port),
                "--path",
                f"/api/v1/proposals/{public_id}/cosign",
                "--clients",
                str(args.clients),
                "--duration",
                str(duration),
                "--rate",
                str(args.rate),
                "--duplicates",
                str(args.duplicates),
                "--first-token",
                str(first_token),
                "--out",
                str(out),
                *(["--forwarded-for"] if args.rate_limits else []),
            ],
            check=True,
        )
        return json.loads(out.read_text())

    try:
        warmup = {"succeeded": [], "tokens_used": 0, "errors": 0}
        warmup.update(duplicate_attempts=0, duplicate_refused=0)
        if args.warmup > 0:
            log(f"{args.clients} clients for {args.warmup:.0f} s of warm-up (not measured) ...")
            warmup = load(args.warmup, 0, work / "warmup.json")
        log(f"{args.clients} clients for {args.duration:.0f} s ...")
        busy0, total0 = machine_cpu()
        cpu0 = server_cpu(server)
        result = load(args.duration, warmup["tokens_used"], work / "load.json")
        busy1, total1 = machine_cpu()
        cpu1 = server_cpu(server)
        with urllib.request.urlopen(
            f"http://127.0.0.1:{args.port}/api/v1/proposals/{public_id}/count", timeout=10
        ) as r:
            api_count = json.loads(r.read())["signatures"]
    finally:
        stop_server(server)

    from opengov.core.models import AuditEvent
    from opengov.proposals import selectors
    from opengov.proposals.models import Proposal, Signature

    succeeded = result["succeeded"]
    every_success = warmup["succeeded"] + succeeded
    distinct = len(set(every_success))
    rate = len(succeeded) / result["elapsed"]
    latencies = result["latencies"]
    proposal = Proposal.objects.get(pk=proposal_pk)
    count = selectors.signature_count(proposal)
    rows = Signature.objects.filter(proposal=proposal).count()
    distinct_rows = Signature.objects.filter(proposal=proposal).values("signer").distinct().count()
    passes = AuditEvent.objects.filter(verb="proposal.passed", target_id=public_id).count()

    log("reference: plain INSERTs of the same rows ...")
    connections.close_all()
    connections_used = args.workers * args.threads
    reference = reference_inserts(
        args.database_url,
        table="proposals_signature",
        columns=("proposal_id", "signer_id", "created_at", "reason", "network", "is_proposer"),
        where="proposal_id = %s",
        params=[proposal_pk],
        connections=connections_used,
        rows=min(rows, 30000),
    )

    print(
        f"clients {args.clients}, measured {result['elapsed']:.1f} s after {args.warmup:.0f} s "
        f"of warm-up, {server_name}, PostgreSQL, "
        f"cache and queue {'Redis' if args.redis_url else 'per-process'}, pace "
        f"{'unpaced' if not args.rate else f'{args.rate:.0f}/s'}, rate limits "
        f"{'on' if args.rate_limits else 'off'}"
    )
    print(
        f"co-signatures/s: {rate:.0f}  (successful: {len(succeeded)}, statuses: "
        f"{result['statuses']})"
    )
    print(
        f"latency p50: {percentile(latencies, 0.5) * 1000:.1f} ms   p99: "
        f"{percentile(latencies, 0.99) * 1000:.1f} ms   mean: "
        f"{statistics.fmean(latencies) * 1000 if latencies else float('nan'):.1f} ms   max: "
        f"{max(latencies, default=float('nan')) * 1000:.1f} ms"
    )
    if latencies:
        n, p99, second = worst_second(result)
        print(f"worst second: {second + 1} ({n} requests), p99 {p99 * 1000:.1f} ms")
    print(
        f"reference plain INSERTs/s ({connections_used} connections): "
        f"{reference:.0f}   ratio co-sign/insert: {rate / reference:.2f}"
    )
    requests = max(1, len(latencies))
    cores = os.cpu_count() or 1
    busy = (busy1 - busy0) / max(1, total1 - total0)
    print(
        f"machine CPU busy during the run: {busy * 100:.0f}% of {cores} cores; "
        f"load generator CPU: {result['cpu_seconds'] / requests * 1000:.2f} ms/request"
    )
    spent = {kind: cpu1[kind] - cpu0[kind] for kind in cpu0}
    per = {kind: seconds / requests * 1000 for kind, seconds in spent.items()}
    print(
        f"server CPU: {args.server} {per['server']:.2f} + PostgreSQL {per['postgres']:.2f} = "
        f"{per['server'] + per['postgres']:.2f} ms/request; Redis {per['redis']:.2f} besides"
    )
    refused = warmup["duplicate_refused"] + result["duplicate_refused"]
    attempts = warmup["duplicate_attempts"] + result["duplicate_attempts"]
    checks = {
        "count == distinct successful signers + proposer": count == distinct + 1,
        "count == signature rows == distinct signers in rows": count == rows == distinct_rows,
        "API count == stored count": api_count == count,
        "every repeat refused (409)": refused == attempts,
        "no transport errors": warmup["errors"] + result["errors"] == 0,
        "threshold crossing recorded once": (
            passes == (1 if count >= args.threshold else 0)
            and (proposal.passed_at is not None) == (count >= args.threshold)
        ),
    }
    print(
        f"count {count}, distinct successful signers {distinct} + proposer, rows {rows}, "
        f"repeats refused {refused}/{attempts}"
    )
    for name, ok in checks.items():
        print(f"  [{'ok' if ok else 'FAIL'}] {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
