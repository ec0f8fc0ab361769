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
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench._load import measure_cpu_per_request, recreate_database, setup_django, wsgi_post
from bench.opinions.votes_http import prepare


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
    parser.add_argument(
        "--full-chain",
        action="store_true",
        help="Django's WSGIHandler: every middleware, as a request with cookies takes",
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

    from opengov.core.handlers import OpenGovWSGIHandler

    # one backend for the whole measurement (the server's 60-s connection age would end it)
    connection.settings_dict["CONN_MAX_AGE"] = None
    connection.close()
    # the server's handler (cookie-less API requests on the API lane), or Django's own
    handler = WSGIHandler() if args.full_chain else OpenGovWSGIHandler()
    path = f"/api/v1/opinions/{public_id}/votes"

    def call(key: str, number: int) -> str:
        body = json.dumps({"statement": number, "vote": "agree"}).encode()
        return wsgi_post(handler, path, key, body)

    for key, number in plan[:500]:  # warm up: imports, connection, caches
        status = call(key, number)
        assert status.startswith("201"), status
    measure_cpu_per_request(
        lambda item: call(*item),
        plan[500 : 500 + args.votes],
        backend_pid=connection.cursor().connection.info.backend_pid,
        noun="vote",
        nouns="votes",
        pyinstrument=args.profile,
        top_functions=args.cpu_profile,
        sort="tottime",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
