"""Benchmark: API requests authenticated by bearer token, against the same requests made with a
signed-in session (the reference, measured in the same run).

Creates people with API tokens in a fresh SQLite database (or the PostgreSQL database in
DATABASE_URL), then requests `GET /api/v1/accounts/me` through Django's test client:

- bearer, first use: every request uses a different token, so each also records the token's
  `last_used_at` (one UPDATE);
- bearer, repeated: the same tokens again within a minute (no write);
- session (reference): a client signed in with a session cookie.

Prints requests per second, median latency and queries per request of each, and each
bearer variant's ratio to the session reference.

    .venv/bin/python bench/token_auth/run.py
    .venv/bin/python bench/token_auth/run.py --people 5000 --requests 5000
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opengov.settings")
    os.environ["OPENGOV_RATE_LIMITS_ENABLED"] = "false"
    os.environ.setdefault("DEBUG", "false")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def build(people: int) -> list[str]:
    """Create `people` verified people, one token each; return the keys (setup, not measured)."""
    import secrets

    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from opengov.accounts.auth import token_hash
    from opengov.accounts.models import ApiToken, User
    from opengov.core import clock

    call_command("migrate", verbosity=0)
    now = clock.now()
    unusable = make_password(None)
    User.objects.bulk_create(
        [
            User(
                email=f"bench{i}@example.org",
                display_name=f"測試者{i}",
                password=unusable,
                date_joined=now,
                email_verified_at=now,
                phone_verified_at=now,
                phone=f"+8869{i:08d}",
            )
            for i in range(people)
        ],
        batch_size=1000,
    )
    keys, tokens = [], []
    for user in User.objects.filter(email__startswith="bench").order_by("id"):
        key = "og_" + secrets.token_urlsafe(32)
        keys.append(key)
        tokens.append(
            ApiToken(
                user=user, name="bench", prefix=key[:10], key_hash=token_hash(key), created_at=now
            )
        )
    ApiToken.objects.bulk_create(tokens, batch_size=1000)
    return keys


def measure(keys: list[str], requests: int) -> None:
    from django.db import connection
    from django.test import Client

    from opengov.accounts.models import User

    url = "/api/v1/accounts/me"
    client = Client()
    session_client = Client()
    session_client.force_login(User.objects.get(email="bench0@example.org"))
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {keys[-1]}").status_code == 200
    assert session_client.get(url).status_code == 200

    def run(label: str, call) -> float:
        executed: list[str] = []

        def wrapper(execute, sql, params, many, context):
            executed.append(sql)
            return execute(sql, params, many, context)

        times = []
        with connection.execute_wrapper(wrapper):
            for i in range(requests):
                start = time.perf_counter()
                response = call(i)
                times.append(time.perf_counter() - start)
                assert response.status_code == 200, response.content
        total = sum(times)
        rate = requests / total
        median_ms = statistics.median(times) * 1000
        print(
            f"{label:<22} {rate:8.0f} requests/s, median {median_ms:6.2f} ms, "
            f"{len(executed) / requests:4.1f} queries/request"
        )
        return rate

    n = len(keys) - 1  # the last key was used for warming up
    first = run(
        "bearer, first use", lambda i: client.get(url, HTTP_AUTHORIZATION=f"Bearer {keys[i % n]}")
    )
    again = run(
        "bearer, repeated", lambda i: client.get(url, HTTP_AUTHORIZATION=f"Bearer {keys[i % n]}")
    )
    session = run("session (reference)", lambda i: session_client.get(url))
    print(f"ratio bearer first use / session: {first / session:.2f}")
    print(f"ratio bearer repeated / session:  {again / session:.2f}")
    print(f"database: {connection.vendor}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL")
    with tempfile.TemporaryDirectory() as tmp:
        if not database_url:
            database_url = f"sqlite:///{tmp}/bench.sqlite3"
            os.environ["OPENGOV_VAR_DIR"] = tmp
        setup_django(database_url)
        started = time.perf_counter()
        keys = build(args.people)
        print(f"setup: {len(keys)} people with tokens in {time.perf_counter() - started:.1f} s")
        measure(keys, min(args.requests, len(keys) - 1))


if __name__ == "__main__":
    main()
