"""CPU per vote without concurrency: the WSGI application called in-process, one vote after
another, on PostgreSQL with Redis as the cache (as in production).

Prints the application's and the PostgreSQL backend's CPU per vote; on a shared machine this
hardly depends on what else runs, unlike the rate of `votes_http.py`.

    .venv/bin/python bench/opinions/cpu.py                    # 3000 votes
    .venv/bin/python bench/opinions/cpu.py --profile          # with pyinstrument's call tree

Uses (drops and re-creates) the database opengov_bench_opinions_cpu.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench._load import recreate_database, setup_django
from bench.opinions.votes_http import prepare


def backend_cpu(pid: int) -> float:
    """CPU seconds of the connection's PostgreSQL backend."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/opengov_bench_opinions_cpu"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--votes", type=int, default=3000)
    parser.add_argument("--profile", action="store_true", help="print pyinstrument's call tree")
    parser.add_argument(
        "--cpu-profile", type=int, default=0, help="print the top N functions by CPU time"
    )
    args = parser.parse_args()
    if args.redis_url:
        os.environ["REDIS_URL"] = args.redis_url
        os.environ["CELERY_BROKER_URL"] = args.redis_url
    recreate_database(args.database_url)
    setup_django(args.database_url)
    statements = 50
    voters = (args.votes + 500) // statements + 1
    work = Path(tempfile.mkdtemp(prefix="bench_opinions_cpu_"))
    public_id, _pk = prepare(voters, statements, work / "tokens.txt")
    keys = (work / "tokens.txt").read_text().split("\n")
    plan = [(key, n) for key in keys for n in range(1, statements + 1)]

    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    # one backend for the whole measurement (the server's 60-s connection age would end it)
    connection.settings_dict["CONN_MAX_AGE"] = None
    connection.close()
    handler = WSGIHandler()
    path = f"/api/v1/opinions/{public_id}/votes"

    def call(key: str, number: int) -> str:
        body = json.dumps({"statement": number, "vote": "agree"}).encode()
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": path,
            "SCRIPT_NAME": "",
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1:8000",
            "HTTP_AUTHORIZATION": f"Bearer {key}",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        statuses = []
        response = handler(environ, lambda status, headers: statuses.append(status))
        b"".join(response)
        response.close()
        return statuses[0]

    for key, number in plan[:500]:  # warm up: imports, connection, caches
        status = call(key, number)
        assert status.startswith("201"), status
    backend = connection.cursor().connection.info.backend_pid
    measured = plan[500 : 500 + args.votes]
    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0002)
        profiler.start()
    cpu_profiler = None
    if args.cpu_profile:
        import cProfile

        cpu_profiler = cProfile.Profile(time.process_time)
        cpu_profiler.enable()
    app0, db0, wall0 = time.process_time(), backend_cpu(backend), time.perf_counter()
    for key, number in measured:
        status = call(key, number)
        if not status.startswith("201"):
            raise SystemExit(f"unexpected {status}")
    app1, db1, wall1 = time.process_time(), backend_cpu(backend), time.perf_counter()
    if profiler:
        profiler.stop()
    if cpu_profiler:
        cpu_profiler.disable()
    n = len(measured)
    app_ms, db_ms = (app1 - app0) / n * 1000, (db1 - db0) / n * 1000
    print(
        f"{n} votes, one after another: application CPU {app_ms:.2f} ms, PostgreSQL backend "
        f"CPU {db_ms:.2f} ms, together {app_ms + db_ms:.2f} ms per vote; wall "
        f"{(wall1 - wall0) / n * 1000:.2f} ms"
        + ("  (under the profiler)" if profiler or cpu_profiler else "")
    )
    print(f"two cores at this cost: at most {2000 / (app_ms + db_ms):.0f} votes/s")
    if profiler:
        print(profiler.output_text(unicode=True, color=False, show_all=False))
    if cpu_profiler:
        import pstats

        sort = os.environ.get("BENCH_SORT", "tottime")
        pstats.Stats(cpu_profiler).sort_stats(sort).print_stats(args.cpu_profile)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
