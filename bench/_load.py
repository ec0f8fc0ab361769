"""What the HTTP load benchmarks share: the benchmark database, the production server, bench
users with bearer tokens, a thin keep-alive HTTP/1.1 client for the load generators, CPU
accounting from /proc, percentiles and the plain-INSERT reference.

Used by `bench/cosign/run.py` (with its load generator `bench/cosign/load.py`),
`bench/opinions/votes_http.py` and the one-process CPU measurements `bench/*/cpu.py`. Not
imported by the application.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- database and Django ---------------------------------------------------------------------


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
    """Django on the benchmark database, production settings, rate limits off."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opengov.settings")
    os.environ["OPENGOV_RATE_LIMITS_ENABLED"] = "false"
    os.environ["DEBUG"] = "false"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def users_with_tokens(
    count: int, *, email: str, display_name: str, token_file: Path, **fields: Any
) -> list[str]:
    """Create `count` people (`email` and `display_name` are formats of `{i}`, `fields` set on
    every one, e.g. verification times) each with a bearer token; the keys, one a line, also
    go to `token_file`."""
    from django.contrib.auth.hashers import make_password

    from opengov.accounts.auth import token_hash
    from opengov.accounts.models import ApiToken, User
    from opengov.core import clock

    now = clock.now()
    password = make_password(None)
    keys: list[str] = []
    for start in range(0, count, 5000):
        users = [
            User(
                email=email.format(i=i),
                display_name=display_name.format(i=i),
                password=password,
                date_joined=now,
                **fields,
            )
            for i in range(start, min(count, start + 5000))
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
    return keys


def reference_inserts(
    url: str,
    *,
    table: str,
    columns: Sequence[str],
    where: str,
    params: Sequence[Any],
    connections: int,
    rows: int,
) -> float:
    """Rows/s of plain one-row INSERT transactions, from `connections` connections, of rows
    already in `table` (`where` selects them) into a copy of the table."""
    import psycopg

    copy = f"bench_reference_{table}"
    names = ", ".join(columns)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {copy}")
        conn.execute(f"CREATE TABLE {copy} (LIKE {table} INCLUDING ALL)")
        data = conn.execute(
            f"SELECT {names} FROM {table} WHERE {where} ORDER BY id LIMIT %s",
            [*params, rows],
        ).fetchall()
    chunks = [data[i::connections] for i in range(connections)]
    barrier = threading.Barrier(connections + 1)
    insert = f"INSERT INTO {copy} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"

    def work(chunk: list) -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            barrier.wait()
            for row in chunk:
                conn.execute(insert, row)

    threads = [threading.Thread(target=work, args=(c,)) for c in chunks]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP TABLE {copy}")
    return len(data) / elapsed if elapsed else float("nan")


# --- the production server -------------------------------------------------------------------


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
            "--http",
            "1",
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


def start_server(
    url: str,
    command: list[str],
    port: int,
    log_path: Path,
    redis_url: str,
    *,
    rate_limits: bool = False,
):
    """Start the server in its own session with production settings; wait for /healthz.

    Rate limits are off unless asked for: the load comes from one address. With
    `rate_limits`, they count as in production, and the load generator stands in for the
    reverse proxy (`TRUSTED_PROXIES` is the loopback address), sending each client's address
    in `X-Forwarded-For`."""
    env = dict(os.environ)
    if redis_url:
        env["REDIS_URL"] = redis_url  # the shared cache, as in production
        # jobs go to the queue, as in production: a request never runs a job itself
        env["CELERY_BROKER_URL"] = redis_url
    env.update(
        {
            "DATABASE_URL": url,
            "DEBUG": "false",
            "OPENGOV_RATE_LIMITS_ENABLED": "true" if rate_limits else "false",
            "LOG_LEVEL": "ERROR",
        }
    )
    if rate_limits:
        env["TRUSTED_PROXIES"] = "127.0.0.1"
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
    """Stop the server's whole session."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


# --- CPU and latency figures -----------------------------------------------------------------


def machine_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    with open("/proc/stat") as fh:
        values = [int(v) for v in fh.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def server_cpu(server: subprocess.Popen) -> dict[str, float]:
    """CPU seconds so far of the server's processes, of PostgreSQL (every process of the
    server, and the backends that have already ended: their time is added to the
    postmaster's children's time when it reaps them) and of Redis. Nothing else should be
    using PostgreSQL or Redis during the run."""
    tick = os.sysconf("SC_CLK_TCK")
    spent = {"server": 0.0, "postgres": 0.0, "redis": 0.0}
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
        elif name == "redis-server":
            spent["redis"] += seconds
    return spent


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# --- the load generators' HTTP client ---------------------------------------------------------


def post_request(
    host: str, port: int, path: str, token: str, body: bytes, forwarded_for: str = ""
) -> bytes:
    """The bytes of one `POST` with a bearer token and a JSON body (and the client address a
    reverse proxy would add, if given)."""
    forwarded = f"X-Forwarded-For: {forwarded_for}\r\n" if forwarded_for else ""
    return (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Authorization: Bearer {token}\r\n{forwarded}"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body


async def _exchange(reader, writer, raw: bytes) -> tuple[int, bytes, bool]:
    """Send one request and read its response: (status, body, whether the server closes)."""
    writer.write(raw)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    length = 0
    close = False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value.strip())
        elif name == b"connection" and value.strip().lower() == b"close":
            close = True
    body = await reader.readexactly(length) if length else b""
    return status, body, close


class KeepAlive:
    """One client's keep-alive HTTP/1.1 connection (a deliberately thin asyncio client: the
    load generator shares the machine's cores with the server and PostgreSQL)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: Any = None
        self.writer: Any = None

    async def send(self, raw: bytes) -> tuple[int, float, float]:
        """(status or -1 on a transport error, latency in s, time sent). A request is retried
        once on a fresh connection only when the server closed an idle kept-alive connection
        before reading it; the latency includes connecting."""
        status, elapsed, started = -1, 0.0, time.perf_counter()
        for attempt in range(2):
            fresh = self.writer is None
            started = time.perf_counter()
            try:
                if fresh:
                    self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
                status, _body, close = await _exchange(self.reader, self.writer, raw)
                elapsed = time.perf_counter() - started
                if close:
                    self.close()
                break
            except (ConnectionError, asyncio.IncompleteReadError, OSError):
                self.writer = None
                if attempt or fresh:
                    status, elapsed = -1, 0.0
                    break
        return status, elapsed, started

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.writer = None


# --- CPU cost of one request, measured in one process (bench/*/cpu.py) ------------------------


def backend_cpu(pid: int) -> float:
    """CPU seconds of the PostgreSQL backend process `pid` so far."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wsgi_post(handler: Any, path: str, token: str, body: bytes, forwarded_for: str = "") -> str:
    """The status line of a bearer-token JSON `POST` handed to the WSGI `handler` directly
    (with the client address a reverse proxy would add, if given)."""
    from opengov.core.tests.lanes import environ

    headers = {"x_forwarded_for": forwarded_for} if forwarded_for else {}
    request = environ(
        "POST", path, body=body, host="127.0.0.1:8000", authorization=f"Bearer {token}", **headers
    )
    statuses: list[str] = []
    response = handler(request, lambda status, headers: statuses.append(status))
    b"".join(response)
    close = getattr(response, "close", None)  # the WSGI rule: if it has one
    if close is not None:
        close()
    return statuses[0]


def measure_cpu_per_request(
    send: Any,
    items: Sequence[Any],
    *,
    backend_pid: int,
    noun: str,
    nouns: str,
    pyinstrument: bool = False,
    top_functions: int = 0,
    sort: str = "cumulative",
) -> None:
    """Send each item one after another (`send(item)` returns the status line, which must be
    a 201) and print the application's and the PostgreSQL backend's CPU per request, the rate
    two cores could sustain at that cost, and, if asked, pyinstrument's call tree or cProfile's
    top functions by CPU time (`BENCH_SORT` overrides `sort`; `BENCH_CALLERS=name` also prints
    the callers of the functions matching `name`)."""
    sampler = profiler = None
    if pyinstrument:
        from pyinstrument import Profiler

        sampler = Profiler(interval=0.0002)
        sampler.start()
    elif top_functions:
        import cProfile

        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
    app0, db0, wall0 = time.process_time(), backend_cpu(backend_pid), time.perf_counter()
    for item in items:
        status = send(item)
        if not status.startswith("201"):
            raise SystemExit(f"unexpected {status}")
    app1, db1, wall1 = time.process_time(), backend_cpu(backend_pid), time.perf_counter()
    if profiler:
        profiler.disable()
    if sampler:
        sampler.stop()
    n = len(items)
    app_ms, db_ms = (app1 - app0) / n * 1000, (db1 - db0) / n * 1000
    print(
        f"{n} {nouns}, one after another: application CPU {app_ms:.2f} ms, PostgreSQL backend "
        f"CPU {db_ms:.2f} ms, together {app_ms + db_ms:.2f} ms per {noun}; wall "
        f"{(wall1 - wall0) / n * 1000:.2f} ms"
        + ("  (under the profiler)" if profiler or sampler else "")
    )
    print(f"two cores at this cost: at most {2000 / (app_ms + db_ms):.0f} {nouns}/s")
    if sampler:
        print(sampler.output_text(unicode=True, color=False, show_all=False))
    if profiler:
        import pstats

        stats = pstats.Stats(profiler)
        if os.environ.get("BENCH_CALLERS"):
            stats.print_callers(os.environ["BENCH_CALLERS"])
        stats.sort_stats(os.environ.get("BENCH_SORT", sort)).print_stats(top_functions)
