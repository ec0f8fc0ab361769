"""Load generator for the co-signing benchmark: many concurrent HTTP/1.1 keep-alive clients.

A deliberately thin asyncio client (no HTTP library) so that the load generator, which shares
the machine's two cores with the server and PostgreSQL, spends as little CPU as possible.
Each client takes the next unused bearer token and co-signs the one popular proposal; a small
share of requests deliberately reuse a token that already succeeded (they must get 409).

Prints one JSON line: counts by status, latencies, the indices of the signers that succeeded.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench._load import KeepAlive, post_request


class Shared:
    """State shared by the clients of one run."""

    def __init__(
        self, tokens: list[str], duplicates: float, first: int = 0, forwarded: bool = False
    ) -> None:
        self.tokens = tokens
        self.forwarded = forwarded
        self.next = first
        self.duplicates = duplicates
        self.succeeded: list[int] = []
        self.statuses: dict[int, int] = {}
        self.latencies: list[float] = []
        self.sent_at: list[float] = []
        self.duplicate_attempts = 0
        self.duplicate_refused = 0
        self.errors = 0


def signer_address(index: int) -> str:
    """A client address of its own for each signer (in 10.0.0.0/8, 250 to a /24 network), as
    the reverse proxy would report it."""
    return f"10.{index // 62500 % 256}.{index // 250 % 250}.{index % 250 + 1}"


async def client(
    shared: Shared,
    host: str,
    port: int,
    path: str,
    deadline: float,
    interval: float,
    offset: float = 0.0,
) -> None:
    """One client: co-sign, wait for the answer, repeat (every `interval` seconds when paced,
    starting `offset` seconds in, so that paced clients' requests arrive evenly spread)."""
    connection = KeepAlive(host, port)
    next_send = time.perf_counter() + offset
    while True:
        now = time.perf_counter()
        if now >= deadline:
            break
        if interval:
            if next_send > now:
                await asyncio.sleep(next_send - now)
            next_send += interval
        duplicate = bool(shared.succeeded) and random.random() < shared.duplicates
        if duplicate:
            index = random.choice(shared.succeeded)
        else:
            if shared.next >= len(shared.tokens):
                break
            index = shared.next
            shared.next += 1
        address = signer_address(index) if shared.forwarded else ""
        raw = post_request(host, port, path, shared.tokens[index], b"{}", address)
        status, elapsed, started = await connection.send(raw)
        shared.statuses[status] = shared.statuses.get(status, 0) + 1
        if status == -1:
            shared.errors += 1
            continue
        shared.latencies.append(elapsed)
        shared.sent_at.append(started)
        if duplicate:
            shared.duplicate_attempts += 1
            shared.duplicate_refused += int(status == 409)
        elif status == 201:
            shared.succeeded.append(index)
    connection.close()


async def main_async(args: argparse.Namespace) -> dict:
    with open(args.tokens) as fh:
        tokens = [line.strip() for line in fh if line.strip()]
    shared = Shared(tokens, args.duplicates, args.first_token, args.forwarded_for)
    interval = args.clients / args.rate if args.rate else 0.0
    started = time.perf_counter()
    deadline = started + args.duration
    tasks = [
        asyncio.create_task(
            client(
                shared,
                args.host,
                args.port,
                args.path,
                deadline,
                interval,
                offset=interval * i / args.clients,
            )
        )
        for i in range(args.clients)
    ]
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "elapsed": elapsed,
        "statuses": shared.statuses,
        "succeeded": shared.succeeded,
        "latencies": shared.latencies,
        "sent_at": [t - started for t in shared.sent_at],
        "duplicate_attempts": shared.duplicate_attempts,
        "duplicate_refused": shared.duplicate_refused,
        "errors": shared.errors,
        "tokens_used": shared.next,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tokens", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--rate", type=float, default=0, help="total requests/s (0 = unpaced)")
    parser.add_argument("--duplicates", type=float, default=0.01)
    parser.add_argument("--first-token", type=int, default=0, help="skip the tokens before it")
    parser.add_argument(
        "--forwarded-for",
        action="store_true",
        help="send each signer's own address in X-Forwarded-For, as the reverse proxy would",
    )
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    result = asyncio.run(main_async(args))
    with open(args.out, "w") as fh:
        json.dump(result, fh)


if __name__ == "__main__":
    main()
