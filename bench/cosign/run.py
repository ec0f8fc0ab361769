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

It also prints the server's CPU per request (the server's processes and PostgreSQL's,
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


def server_command(server: str, port: int, workers: int, threads: int) -> list[str]:
    """The production server's command line: granian (the platform's production server, see
    the README) or gunicorn with gthread workers, for comparison."""
    if server == "granian":
        return [
            str(VENV_BIN / "granian"),
            "--interface",
            "wsgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--blocking-threads",
            str(threads),
            "--no-ws",
            "--log-level",
            "warning",
            "opengov.wsgi:application",
        ]
    return [
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


def start_server(url: str, command: list[str], port: int, log_path: Path, redis_url: str):
    env = dict(os.environ)
    if redis_url:
        env["REDIS_URL"] = redis_url  # the shared cache, as in production
        # jobs go to the queue, as in production: the signer whose co-signature crosses the
        # threshold does not send the e-mails to every follower itself
        env["CELERY_BROKER_URL"] = redis_url
    env.update(
        {
            "DATABASE_URL": url,
            "DEBUG": "false",
            "OPENGOV_RATE_LIMITS_ENABLED": "false",
            "LOG_LEVEL": "ERROR",
        }
    )
    server_log = open(log_path, "ab")  # noqa: SIM115 - closed with the process
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, start_new_session=True, stdout=server_log, stderr=server_log
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited (is the port free?), see {log_path}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    stop_server(server)
    raise SystemExit(f"the server did not start, see {log_path}")


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


def server_cpu(server: subprocess.Popen) -> dict[str, float]:
    """CPU seconds so far of the server's processes and of PostgreSQL (every process of the
    server, and the backends that have already ended: their time is added to the
    postmaster's children's time when it reaps them). Nothing else should be using
    PostgreSQL during the run."""
    tick = os.sysconf("SC_CLK_TCK")
    spent = {"server": 0.0, "postgres": 0.0}
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
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat.rsplit(")", 1)[1].split()
        session = int(fields[3])
        seconds = (int(fields[11]) + int(fields[12])) / tick
        if session == server.pid:
            spent["server"] += seconds
        elif name == "postgres" or cmdline.startswith("postgres"):
            spent["postgres"] += seconds
            if "-D" in cmdline.split() or "config_file=" in cmdline:  # the postmaster
                spent["postgres"] += (int(fields[13]) + int(fields[14])) / tick
    return spent


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


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
    parser.add_argument("--signers", type=int, default=0, help="default: enough for 1500/s")
    parser.add_argument("--duplicates", type=float, default=0.01)
    args = parser.parse_args()
    if not args.port:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            args.port = probe.getsockname()[1]
    seconds = args.duration + args.warmup
    signers = args.signers or int(max(2000, seconds * (args.rate or 1500) * 1.1))

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
        args.database_url, command, args.port, work / "server.log", args.redis_url
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
        args.database_url, proposal_pk, connections_used, min(rows, 30000)
    )

    print(
        f"clients {args.clients}, measured {result['elapsed']:.1f} s after {args.warmup:.0f} s "
        f"of warm-up, {server_name}, PostgreSQL, "
        f"cache and queue {'Redis' if args.redis_url else 'per-process'}, pace "
        f"{'unpaced' if not args.rate else f'{args.rate:.0f}/s'}"
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
    print(
        f"server CPU: {args.server} {spent['server'] / requests * 1000:.2f} + PostgreSQL "
        f"{spent['postgres'] / requests * 1000:.2f} = "
        f"{(spent['server'] + spent['postgres']) / requests * 1000:.2f} ms/request"
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
