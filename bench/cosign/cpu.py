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
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run
from load import signer_address

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench._load import measure_cpu_per_request, wsgi_post


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
        "--pyinstrument",
        action="store_true",
        help="print pyinstrument's call tree (wall time: waits for PostgreSQL are db._wait)",
    )
    parser.add_argument(
        "--full-chain",
        action="store_true",
        help="Django's WSGIHandler: every middleware, as a request with cookies takes",
    )
    parser.add_argument(
        "--no-hot-routes",
        action="store_true",
        help="the API lane's chain, URL map and ninja operation instead of the hot route",
    )
    parser.add_argument(
        "--rate-limits",
        action="store_true",
        help="count the co-signing rate limits, each signer from an address of its own behind "
        "a trusted reverse proxy, as in production",
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

    from opengov.core.handlers import OpenGovWSGIHandler

    # one backend for the whole measurement (the server's 60-s connection age would end it)
    connection.settings_dict["CONN_MAX_AGE"] = None
    connection.close()
    # the server's handler (cookie-less API requests on the API lane), or Django's own
    from django.conf import settings

    settings.HOT_ROUTES_ENABLED = not args.no_hot_routes
    if args.rate_limits:
        settings.OPENGOV_RATE_LIMITS_ENABLED = True
        settings.TRUSTED_PROXIES = ["127.0.0.1"]
    addresses = {key: signer_address(i) if args.rate_limits else "" for i, key in enumerate(keys)}
    handler = WSGIHandler() if args.full_chain else OpenGovWSGIHandler()
    path = f"/api/v1/proposals/{public_id}/cosign"

    def call(key: str) -> str:
        return wsgi_post(handler, path, key, b"{}", addresses[key])

    for key in keys[:200]:  # warm up: imports, connection, caches
        assert call(key).startswith("201"), call(key)
    measure_cpu_per_request(
        call,
        keys[200 : 200 + args.requests],
        backend_pid=connection.cursor().connection.info.backend_pid,
        noun="co-signature",
        nouns="co-signatures",
        pyinstrument=args.pyinstrument,
        top_functions=args.profile,
        sort="cumulative",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
