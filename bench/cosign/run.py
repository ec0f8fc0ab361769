"""Benchmark: many concurrent clients co-signing one popular proposal through the HTTP API.

The hard case: every write touches the same proposal. The app runs under gunicorn (gthread
workers) on PostgreSQL; a separate load-generator process drives
`POST /api/v1/proposals/{id}/cosign` with bearer tokens, one distinct signer per request
(plus ~1 % deliberate repeats by people who already signed, which must be refused).

It prints co-signatures per second and p50/p99 latency, then, in the same run, the rate of
plain single-row INSERTs of the same signature rows straight into PostgreSQL with as many
connections as the server has threads (the reference), and the ratio. Finally it checks
that the count equals the number of distinct successful signers (plus the proposer), that
no one is counted twice, and that the crossing of the threshold was recorded once.

    .venv/bin/python bench/cosign/run.py                       # 100 clients, 60 s
    .venv/bin/python bench/cosign/run.py --duration 10 --clients 50
    .venv/bin/python bench/cosign/run.py --rate 500            # paced at 500 requests/s

The server uses Redis as its shared cache, as in production (--redis-url; a bearer token's
"last used" time is kept there instead of a write per request).

It also prints the server's CPU per request (gunicorn processes and their PostgreSQL
backends, measured from /proc): unlike the rate, that figure hardly depends on what else the
machine is doing. `bench/cosign/cpu.py` measures the same cost without concurrency.

The database named by --database-url (default: opengov_bench_cosign on the local server)
is dropped and re-created.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/opengov_bench_cosign"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def recreate_database(url: str) -> None:
    """Drop and create the benchmark database (connecting to the server's `postgres` db)."""
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if not name.startswith("opengov_bench"):
        raise SystemExit("refusing to drop a database whose name does not start with opengov_bench")
    admin = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opengov.settings")
    os.environ["OPENGOV_RATE_LIMITS_ENABLED"] = "false"
    os.environ["DEBUG"] = "false"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare(signers: int, threshold: int, token_file: Path) -> tuple[str, int]:
    """Migrate, create the popular proposal through the services, and the bench signers."""
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from opengov.accounts import services as account_services
    from opengov.accounts.auth import token_hash
    from opengov.accounts.models import ApiToken, User
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
    password = make_password(None)
    batch = 5000
    keys: list[str] = []
    for start in range(0, signers, batch):
        users = [
            User(
                email=f"signer{i}@bench.invalid",
                display_name=f"附議人{i}",
                password=password,
                date_joined=now,
                email_verified_at=now,
                phone_verified_at=now,
            )
            for i in range(start, min(signers, start + batch))
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
    return str(proposal.public_id), proposal.pk


def start_server(
    url: str, port: int, workers: int, threads: int, log_path: Path, redis_url: str
) -> subprocess.Popen:
    env = dict(os.environ)
    if redis_url:
        env["REDIS_URL"] = redis_url  # the shared cache, as in production
    env.update(
        {
            "DATABASE_URL": url,
            "DEBUG": "false",
            "OPENGOV_RATE_LIMITS_ENABLED": "false",
            "LOG_LEVEL": "ERROR",
        }
    )
    command = [
        str(VENV_BIN / "gunicorn"),
        "opengov.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--keep-alive",
        "75",
        "--backlog",
        "2048",
        "--worker-tmp-dir",
        "/dev/shm",
        "--log-level",
        "warning",
    ]
    server_log = open(log_path, "ab")  # noqa: SIM115 - closed with the process
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, start_new_session=True, stdout=server_log, stderr=server_log
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited (is the port free?)")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    stop_server(server)
    raise SystemExit("gunicorn did not start")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def reference_inserts(url: str, proposal_pk: int, connections: int, rows: int) -> float:
    """Rows/s of plain one-row INSERT transactions of the same rows into a copy of the table."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_cosign_reference")
        conn.execute("CREATE TABLE bench_cosign_reference (LIKE proposals_signature INCLUDING ALL)")
        data = conn.execute(
            "SELECT proposal_id, signer_id, created_at, reason, network, is_proposer "
            "FROM proposals_signature WHERE proposal_id = %s ORDER BY id LIMIT %s",
            [proposal_pk, rows],
        ).fetchall()
    chunks = [data[i::connections] for i in range(connections)]
    barrier = threading.Barrier(connections + 1)

    def work(chunk):
        with psycopg.connect(url, autocommit=True) as conn:
            barrier.wait()
            for row in chunk:
                conn.execute(
                    "INSERT INTO bench_cosign_reference (proposal_id, signer_id, created_at, "
                    "reason, network, is_proposer) VALUES (%s, %s, %s, %s, %s, %s)",
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
        conn.execute("DROP TABLE bench_cosign_reference")
    return len(data) / elapsed


def machine_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    with open("/proc/stat") as fh:
        values = [int(v) for v in fh.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def server_cpu(server: subprocess.Popen, database: str) -> dict[int, tuple[str, float]]:
    """CPU seconds so far of each gunicorn process and of each PostgreSQL backend connected
    to the benchmark database (other work on the machine is not counted)."""
    tick = os.sysconf("SC_CLK_TCK")
    found: dict[int, tuple[str, float]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                stat = fh.read()
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                cmdline = fh.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        session = int(fields[3])
        seconds = (int(fields[11]) + int(fields[12])) / tick
        if session == server.pid:
            found[int(entry)] = ("gunicorn", seconds)
        elif cmdline.startswith("postgres: ") and f" {database} " in cmdline:
            found[int(entry)] = ("postgres", seconds)
    return found


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--rate", type=float, default=0, help="pace to this many requests/s")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"),
        help="the server's shared cache, as in production ('' for the per-process cache)",
    )
    parser.add_argument("--threshold", type=int, default=5000)
    parser.add_argument("--signers", type=int, default=0, help="default: enough for 1500/s")
    parser.add_argument("--duplicates", type=float, default=0.01)
    args = parser.parse_args()
    if not args.port:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            args.port = probe.getsockname()[1]
    signers = args.signers or int(max(2000, args.duration * (args.rate or 1500) * 1.1))

    log(f"database {args.database_url} (re-created)")
    recreate_database(args.database_url)
    setup_django(args.database_url)
    work = Path(tempfile.mkdtemp(prefix="bench_cosign_"))
    token_file = work / "tokens.txt"
    public_id, proposal_pk = prepare(signers, args.threshold, token_file)

    from django.db import connections

    connections.close_all()
    log(f"gunicorn: {args.workers} workers x {args.threads} threads")
    server = start_server(
        args.database_url,
        args.port,
        args.workers,
        args.threads,
        work / "gunicorn.log",
        args.redis_url,
    )
    out = work / "load.json"
    try:
        log(f"{args.clients} clients for {args.duration:.0f} s ...")
        busy0, total0 = machine_cpu()
        database = urlparse(args.database_url).path.lstrip("/")
        cpu0 = server_cpu(server, database)
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
                str(args.duration),
                "--rate",
                str(args.rate),
                "--duplicates",
                str(args.duplicates),
                "--out",
                str(out),
            ],
            check=True,
        )
        busy1, total1 = machine_cpu()
        cpu1 = server_cpu(server, database)
        with urllib.request.urlopen(
            f"http://127.0.0.1:{args.port}/api/v1/proposals/{public_id}/count", timeout=10
        ) as r:
            api_count = json.loads(r.read())["signatures"]
    finally:
        stop_server(server)
    result = json.loads(out.read_text())

    from opengov.core.models import AuditEvent
    from opengov.proposals import selectors
    from opengov.proposals.models import Proposal, Signature

    succeeded = result["succeeded"]
    distinct = len(set(succeeded))
    rate = len(succeeded) / result["elapsed"]
    latencies = result["latencies"]
    proposal = Proposal.objects.get(pk=proposal_pk)
    count = selectors.signature_count(proposal)
    rows = Signature.objects.filter(proposal=proposal).count()
    distinct_rows = Signature.objects.filter(proposal=proposal).values("signer").distinct().count()
    passes = AuditEvent.objects.filter(verb="proposal.pass", target_id=public_id).count()

    log("reference: plain INSERTs of the same rows ...")
    connections.close_all()
    reference = reference_inserts(
        args.database_url, proposal_pk, args.workers * args.threads, min(rows, 30000)
    )

    print(
        f"clients {args.clients}, duration {result['elapsed']:.1f} s, "
        f"gunicorn {args.workers}x{args.threads} gthread, PostgreSQL, "
        f"cache {'Redis' if args.redis_url else 'per-process'}, pace "
        f"{'unpaced' if not args.rate else f'{args.rate:.0f}/s'}"
    )
    print(
        f"co-signatures/s: {rate:.0f}  (successful: {len(succeeded)}, statuses: "
        f"{result['statuses']})"
    )
    print(
        f"latency p50: {percentile(latencies, 0.5) * 1000:.1f} ms   p99: "
        f"{percentile(latencies, 0.99) * 1000:.1f} ms   mean: "
        f"{statistics.fmean(latencies) * 1000 if latencies else float('nan'):.1f} ms"
    )
    print(
        f"reference plain INSERTs/s ({args.workers * args.threads} connections): "
        f"{reference:.0f}   ratio co-sign/insert: {rate / reference:.2f}"
    )
    requests = max(1, len(latencies))
    cores = os.cpu_count() or 1
    busy = (busy1 - busy0) / max(1, total1 - total0)
    print(
        f"machine CPU busy during the run: {busy * 100:.0f}% of {cores} cores; "
        f"load generator CPU: {result['cpu_seconds'] / requests * 1000:.2f} ms/request"
    )
    spent = {"gunicorn": 0.0, "postgres": 0.0}
    for pid, (kind, seconds) in cpu1.items():
        spent[kind] += seconds - cpu0.get(pid, (kind, 0.0))[1]
    print(
        f"server CPU: gunicorn {spent['gunicorn'] / requests * 1000:.2f} + its PostgreSQL "
        f"backends {spent['postgres'] / requests * 1000:.2f} = "
        f"{(spent['gunicorn'] + spent['postgres']) / requests * 1000:.2f} ms/request"
    )
    checks = {
        "count == distinct successful signers + proposer": count == distinct + 1,
        "count == signature rows == distinct signers in rows": count == rows == distinct_rows,
        "API count == stored count": api_count == count,
        "every repeat refused (409)": result["duplicate_refused"] == result["duplicate_attempts"],
        "no transport errors": result["errors"] == 0,
        "threshold crossing recorded once": (
            passes == (1 if count >= args.threshold else 0)
            and (proposal.passed_at is not None) == (count >= args.threshold)
        ),
    }
    print(
        f"count {count}, distinct successful signers {distinct} + proposer, rows {rows}, "
        f"repeats refused {result['duplicate_refused']}/{result['duplicate_attempts']}"
    )
    for name, ok in checks.items():
        print(f"  [{'ok' if ok else 'FAIL'}] {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
