"""CPU cost of one co-signature, measured in one process without concurrency.

The full benchmark (run.py) shares two cores between the server, PostgreSQL and the load
generator, so its rate is sensitive to anything else running on the machine. This measures
what the rate depends on: the CPU seconds the application (the WSGI handler called directly,
the full middleware stack, bearer tokens) and its PostgreSQL backend spend per co-signature.

    .venv/bin/python bench/cosign/cpu.py                  # 2000 co-signatures
    .venv/bin/python bench/cosign/cpu.py --profile 25     # plus the top 25 functions
    .venv/bin/python bench/cosign/cpu.py --pyinstrument   # plus pyinstrument's call tree

Uses (drops and re-creates) the database opengov_bench_cosign_cpu; the cache is Redis as in
production (--redis-url, '' for the per-process cache).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run


def backend_cpu(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/opengov_bench_cosign_cpu"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--profile", type=int, default=0, help="print the top N functions")
    parser.add_argument(
        "--pyinstrument", action="store_true", help="print pyinstrument's call tree (CPU time)"
    )
    args = parser.parse_args()
    if args.redis_url:
        os.environ["REDIS_URL"] = args.redis_url
    run.recreate_database(args.database_url)
    run.setup_django(args.database_url)
    work = Path(tempfile.mkdtemp(prefix="bench_cosign_cpu_"))
    token_file = work / "tokens.txt"
    public_id, _pk = run.prepare(args.requests + 200, 10**9, token_file)
    keys = token_file.read_text().split("\n")

    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    # one backend for the whole measurement (the server's 60-s connection age would end it)
    connection.settings_dict["CONN_MAX_AGE"] = None
    connection.close()
    handler = WSGIHandler()
    path = f"/api/v1/proposals/{public_id}/cosign"

    def call(key: str) -> str:
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
            "CONTENT_LENGTH": "2",
            "wsgi.input": io.BytesIO(b"{}"),
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

    for key in keys[:200]:  # warm up: imports, connection, caches
        assert call(key).startswith("201"), call(key)
    backend = connection.cursor().connection.info.backend_pid
    measured = keys[200 : 200 + args.requests]
    profiler = sampler = None
    if args.pyinstrument:
        from pyinstrument import Profiler

        sampler = Profiler(interval=0.0002)
        sampler.start()
    elif args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    app0, db0, wall0 = time.process_time(), backend_cpu(backend), time.perf_counter()
    for key in measured:
        status = call(key)
        if not status.startswith("201"):
            raise SystemExit(f"unexpected {status}")
    app1, db1, wall1 = time.process_time(), backend_cpu(backend), time.perf_counter()
    if profiler:
        profiler.disable()
    if sampler:
        sampler.stop()
    n = len(measured)
    app_ms, db_ms = (app1 - app0) / n * 1000, (db1 - db0) / n * 1000
    print(
        f"{n} co-signatures, one after another: application CPU {app_ms:.2f} ms, "
        f"PostgreSQL backend CPU {db_ms:.2f} ms, together {app_ms + db_ms:.2f} ms per "
        f"co-signature; wall {(wall1 - wall0) / n * 1000:.2f} ms"
        + ("  (under the profiler)" if profiler or sampler else "")
    )
    print(f"two cores at this cost: at most {2000 / (app_ms + db_ms):.0f} co-signatures/s")
    if sampler:
        print(sampler.output_text(unicode=True, color=False, show_all=False))
    if profiler:
        import pstats

        pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(
            args.profile
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
