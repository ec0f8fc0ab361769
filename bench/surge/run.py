"""Benchmark: a viral proposal, through the shipped nginx configuration, while a worker dies.

Set-up (PostgreSQL, Redis, granian with `--respawn-failed-workers` as in
deploy/systemd/opengov-web.service, and nginx with deploy/nginx's http-level file and
location snippet in a plain-HTTP server block on loopback): one published proposal that
already has --existing co-signatures spread over past days and --comments comments. Then,
for --duration seconds:

- --readers clients (default 200) read its page and its count endpoint in turn, revalidating
  with `If-None-Match` as browsers do;
- --signers clients (default 100) co-sign it through the API, each request a new person;
- at half time one granian worker is killed with `kill -9`.

It prints read requests/s and p50/p99 of the page and of the count, nginx's cache outcomes,
co-signatures/s with p50/p99, errors by kind, the server's CPU (granian + PostgreSQL) per
co-signature, and the exactness checks: every co-signature answered 201 is stored once, none
is doubled, and the only stored co-signatures not answered 201 belong to requests whose
connection died (the retry with the same token is then refused as already signed, or the
row is there). Finally, in the same run, the rate of plain one-row INSERTs of the same rows
(the reference), and the ratio.

    .venv/bin/python bench/surge/run.py                  # 20 s (quick)
    .venv/bin/python bench/surge/run.py --duration 60    # the full surge

The machine's other load changes every rate: compare the ratio to the reference, and the
CPU per co-signature, which depends little on it. The database named by --database-url
(default opengov_bench_surge) is dropped and re-created.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench._load import (  # noqa: E402
    VENV_BIN,
    log,
    percentile,
    recreate_database,
    reference_inserts,
    server_cpu,
    setup_django,
    start_server,
    stop_server,
)
from bench.cosign.run import prepare  # noqa: E402

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/opengov_bench_surge"
DEPLOY = ROOT / "deploy"


def seed(public_id: str, proposal_pk: int, existing: int, comments: int) -> None:
    """Give the proposal `existing` earlier co-signatures over 20 days and some comments."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from opengov.accounts.models import User
    from opengov.core import clock

    now = clock.now()
    password = make_password(None)
    batch = 5000
    for start in range(0, existing, batch):
        User.objects.bulk_create(
            User(
                email=f"earlier{i}@bench.invalid",
                display_name=f"早期附議人{i}",
                password=password,
                date_joined=now,
                email_verified_at=now,
                phone_verified_at=now,
            )
            for i in range(start, min(existing, start + batch))
        )
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO proposals_signature (proposal_id, signer_id, created_at, reason,
                                             network, is_proposer)
            SELECT %s, u.id, %s - (row_number() OVER (ORDER BY u.id) %% 20) * interval '1 day',
                   CASE WHEN u.id %% 7 = 0 THEN '支持這個提案' ELSE '' END, '198.51.100.0/24',
                   false
            FROM accounts_user u WHERE u.email LIKE 'earlier%%@bench.invalid'
            """,
            [proposal_pk, now],
        )
        cursor.execute(
            "UPDATE proposals_proposalcounter SET signatures = signatures + %s "
            "WHERE proposal_id = %s AND shard = 1",
            [existing, proposal_pk],
        )
        cursor.execute(
            """
            INSERT INTO proposals_proposaldaycount (proposal_id, day, shard, signatures)
            SELECT %s, (created_at AT TIME ZONE 'Asia/Taipei')::date, 1, count(*)
            FROM proposals_signature WHERE proposal_id = %s AND NOT is_proposer
            GROUP BY 2
            """,
            [proposal_pk, proposal_pk],
        )
        cursor.execute(
            """
            INSERT INTO proposals_comment (public_id, proposal_id, author_id, body, created_at,
                                           hidden_ground)
            SELECT gen_random_uuid(), %s, u.id, '留言：' || u.id || ' 我同意，也建議先試辦。',
                   %s, ''
            FROM accounts_user u WHERE u.email LIKE 'earlier%%@bench.invalid'
            ORDER BY u.id LIMIT %s
            """,
            [proposal_pk, now, comments],
        )


def nginx_config(workdir: Path, port: int, app_port: int) -> Path:
    """deploy/nginx's http-level file and location snippet, unchanged but for the paths and
    the application's port, in a plain-HTTP server block on loopback (TLS is not what is
    measured)."""
    http = (DEPLOY / "nginx/conf.d/opengov-http.conf").read_text()
    http = http.replace("/var/cache/nginx/opengov", str(workdir / "cache"))
    http = http.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};")
    snippet = (DEPLOY / "nginx/snippets/opengov-proxy.conf").read_text()
    snippet = snippet.replace("/srv/opengov/var/static/", str(ROOT / "var/static") + "/")
    (workdir / "cache").mkdir()
    # nginx's workers run as nobody: they write the cache and read the configuration
    workdir.chmod(0o755)
    shutil.chown(workdir / "cache", "nobody")
    (workdir / "http.conf").write_text(http)
    (workdir / "proxy.conf").write_text(snippet)
    main = workdir / "nginx.conf"
    main.write_text(
        f"worker_processes 1;\npid {workdir}/nginx.pid;\nerror_log {workdir}/error.log error;\n"
        "events { worker_connections 4096; }\n"
        f"http {{\n include /etc/nginx/mime.types;\n access_log off;\n"
        f" include {workdir}/http.conf;\n"
        f" server {{\n  listen 127.0.0.1:{port} reuseport backlog=4096;\n"
        f"  server_name localhost;\n  include {workdir}/proxy.conf;\n }}\n}}\n"
    )
    return main


def granian_command(port: int, workers: int, threads: int) -> list[str]:
    """The web unit's command line (deploy/systemd/opengov-web.service), on another port."""
    unit = (DEPLOY / "systemd/opengov-web.service").read_text()
    assert "--respawn-failed-workers" in unit and "--http 1" in unit
    return [
        str(VENV_BIN / "granian"), "--interface", "wsgi", "--host", "127.0.0.1",
        "--port", str(port), "--workers", str(workers), "--blocking-threads", str(threads),
        "--respawn-failed-workers", "--backlog", "2048", "--no-ws", "--http", "1",
        "--log-level", "warning",
        "opengov.wsgi:application",
    ]  # fmt: skip


def workers_of(server: subprocess.Popen) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True)
    return [int(p) for p in found.stdout.split()]


def summary(name: str, result: dict, elapsed: float) -> str:
    lat = result["latencies"].get(name, [])
    statuses = result["statuses"].get(name, {})
    ok = sum(n for s, n in statuses.items() if 200 <= int(s) < 400)
    return (
        f"{name:>7}: {ok / elapsed:8.0f} answered/s   p50 {percentile(lat, 0.5) * 1000:6.1f} ms"
        f"   p99 {percentile(lat, 0.99) * 1000:6.1f} ms   statuses {dict(sorted(statuses.items()))}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--readers", type=int, default=200)
    parser.add_argument(
        "--read-rate", type=float, default=2500, help="reads/s in all (0: as fast as they can)"
    )
    parser.add_argument("--signers", type=int, default=100)
    parser.add_argument("--existing", type=int, default=36000)
    parser.add_argument("--comments", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=18480, help="nginx")
    parser.add_argument("--app-port", type=int, default=18481, help="granian")
    parser.add_argument("--no-kill", action="store_true", help="leave the workers alone")
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9")
    args = parser.parse_args()
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise SystemExit("nginx is not installed (apt-get install nginx)")

    signers_needed = int(args.duration * 2200) + 2000
    recreate_database(args.database_url)
    setup_django(args.database_url)
    workdir = Path(tempfile.mkdtemp(prefix="surge-", dir="/tmp"))
    tokens = workdir / "tokens.txt"
    log(f"preparing: {signers_needed} signers, {args.existing} earlier co-signatures ...")
    public_id, proposal_pk = prepare(signers_needed, 10**9, tokens)
    seed(public_id, proposal_pk, args.existing, args.comments)
    subprocess.run([str(VENV_BIN / "opengov"), "collectstatic", "--noinput", "-v0"], cwd=ROOT)

    server = start_server(
        args.database_url,
        granian_command(args.app_port, args.workers, args.threads),
        args.app_port,
        workdir / "granian.log",
        args.redis_url,
    )
    proxy = subprocess.Popen(
        [nginx, "-c", str(nginx_config(workdir, args.port, args.app_port)), "-p", f"{workdir}/",
         "-g", "daemon off;"],
        start_new_session=True,
    )  # fmt: skip
    page = f"/proposals/{public_id}/"
    count = f"/api/v1/proposals/{public_id}/count"
    try:
        time.sleep(1)
        for path in (page, count):
            with urllib.request.urlopen(f"http://127.0.0.1:{args.port}{path}", timeout=30) as r:
                r.read()
        common = [str(VENV_BIN / "python"), str(Path(__file__).with_name("load.py")),
                  "--port", str(args.port), "--duration", str(args.duration)]  # fmt: skip
        cpu0 = server_cpu(server)
        readers = subprocess.Popen(
            [*common, "--mode", "read", "--clients", str(args.readers), "--page-path", page,
             "--count-path", count, "--rate", str(args.read_rate),
             "--out", str(workdir / "read.json")]
        )  # fmt: skip
        signers = subprocess.Popen(
            [*common, "--mode", "sign", "--clients", str(args.signers), "--tokens", str(tokens),
             "--sign-path", f"/api/v1/proposals/{public_id}/cosign", "--address-base", "5000",
             "--out", str(workdir / "sign.json")]
        )  # fmt: skip
        killed = None
        if not args.no_kill:
            time.sleep(args.duration / 2)
            victims = workers_of(server)
            if victims:
                killed = victims[0]
                os.kill(killed, signal.SIGKILL)
                log(f"killed worker {killed} with kill -9 at {args.duration / 2:.0f} s")
        readers.wait()
        signers.wait()
        cpu1 = server_cpu(server)
        survivors = workers_of(server)
        alive = server.poll() is None
        with urllib.request.urlopen(f"http://127.0.0.1:{args.app_port}/healthz", timeout=10) as r:
            healthy = r.status == 200
    finally:
        os.killpg(proxy.pid, signal.SIGTERM)
        proxy.wait(timeout=10)
        stop_server(server)

    read = json.loads((workdir / "read.json").read_text())
    sign = json.loads((workdir / "sign.json").read_text())
    elapsed = max(read["elapsed"], sign["elapsed"])

    from opengov.proposals import selectors
    from opengov.proposals.models import Proposal, ProposalDayCount, Signature

    proposal = Proposal.objects.get(pk=proposal_pk)
    stored = selectors.signature_count(proposal)
    rows = Signature.objects.filter(proposal=proposal).count()
    day_total = sum(
        ProposalDayCount.objects.filter(proposal=proposal).values_list("signatures", flat=True)
    )
    from opengov.accounts.models import User

    # the i-th token is the i-th bench signer's (bench/cosign/run.py `prepare`)
    signer_of = dict(
        User.objects.filter(email__startswith="signer").values_list("email", "id").iterator()
    )
    by_index = lambda indices: {signer_of[f"signer{i}@bench.invalid"] for i in indices}  # noqa: E731
    succeeded = by_index(sign["succeeded"])
    unknown = by_index(sign["unknown"])
    live_rows = set(
        Signature.objects.filter(proposal=proposal, signer__email__startswith="signer").values_list(
            "signer_id", flat=True
        )
    )
    lost = succeeded - live_rows
    phantom = live_rows - succeeded - unknown - by_index(sign["refused_as_signed"])
    expected = 1 + args.existing + len(live_rows)
    cosigned = len(sign["succeeded"])
    spent = (cpu1["server"] - cpu0["server"]) + (cpu1["postgres"] - cpu0["postgres"])
    requests = sum(sum(v.values()) for v in read["statuses"].values()) + sum(
        sum(v.values()) for v in sign["statuses"].values()
    )
    reference = reference_inserts(
        args.database_url,
        table="proposals_signature",
        columns=("proposal_id", "signer_id", "created_at", "reason", "network", "is_proposer"),
        where="proposal_id = %s",
        params=[proposal_pk],
        connections=args.threads * args.workers,
        rows=20000,
    )

    print(f"surge on one proposal for {elapsed:.0f} s: {args.readers} readers, {args.signers} "
          f"co-signers, {args.existing} earlier co-signatures, {args.comments} comments; "
          f"granian {args.workers} workers x {args.threads} threads behind nginx; "
          f"{os.cpu_count()} cores shared with whatever else runs")  # fmt: skip
    print(summary("page", read, elapsed))
    print(summary("count", read, elapsed))
    reads = sum(
        n for name in ("page", "count") for s, n in read["statuses"].get(name, {}).items()
        if 200 <= int(s) < 400
    )  # fmt: skip
    print(f"  reads: {reads / elapsed:8.0f} answered/s together; nginx cache: "
          f"{dict(sorted(read['cache'].items()))}")  # fmt: skip
    print(summary("cosign", sign, elapsed))
    print(f"co-signatures: {cosigned} ({cosigned / elapsed:.0f}/s); connection errors: "
          f"reads {read['errors']}, co-signing {sign['errors']}; co-signing retries after a "
          f"died connection or 502/503/504: {sign['retries']} ({len(sign['refused_as_signed'])} "
          f"then refused as already signed, {len(sign['unknown'])} still unknown)")  # fmt: skip
    health = "200" if healthy else "failed"
    print(f"worker killed: {killed or 'none'}; granian alive after: {alive}, workers now "
          f"{len(survivors)} of {args.workers}, /healthz {health}")  # fmt: skip
    per_request = spent / max(requests, 1) * 1000
    print(f"server CPU (granian + PostgreSQL) per request: {per_request:.2f} ms "
          f"over {requests} requests ({spent:.1f} s)")  # fmt: skip
    print(f"reference: {reference:.0f} plain INSERTs/s with {args.threads * args.workers} "
          f"connections; co-signing at {cosigned / elapsed / reference:.2f}x of it")  # fmt: skip
    checks = {
        "no co-signature lost (every 201 is stored)": not lost,
        "no phantom (each stored one: a 201, a refused retry or a died connection)": not phantom,
        "count == signature rows == earlier + live + proposer": stored == rows == expected,
        "day counters add up to the count": day_total == stored,
    }
    for name, ok in checks.items():
        print(f"  {'ok  ' if ok else 'FAIL'} {name}")
    if lost or phantom:
        print(f"  lost {len(lost)}, phantom {len(phantom)}")
    shutil.rmtree(workdir, ignore_errors=True)
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
