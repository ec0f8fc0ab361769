"""Load generator of the surge benchmark: readers or co-signers, HTTP/1.1 keep-alive.

`--mode read`: each client asks for the proposal's page and its count endpoint in turn (as
a browser that polls the count); half of them revalidate with `If-None-Match` once they have
seen an entity tag (returning visitors), half never do (new visitors); `--rate` paces them
(requests/s in all). `--mode sign`: each client co-signs with the next unused bearer token;
a request whose connection dies, or that the proxy answers 502/503/504 (the worker behind
it died), is retried up to twice with the *same* token, so a retry can only be refused as
already signed (409), never counted twice.

Clients send from their own loopback addresses (127.0.x.y), as visitors come from their own
addresses: nginx's per-address limits apply to each. A co-signer spreads its requests over
a few addresses, as co-signers are distinct people.

Prints nothing; writes one JSON file: statuses, latencies by endpoint, the indices of the
signers that succeeded and of those whose outcome is unknown (connection died twice).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import time


async def _request(reader, writer, raw: bytes) -> tuple[int, dict[bytes, bytes], bytes]:
    writer.write(raw)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    headers: dict[bytes, bytes] = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get(b"content-length", b"0") or 0)
    if headers.get(b"transfer-encoding", b"").lower() == b"chunked":
        body = b""
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                break
            body += chunk[:-2]
    else:
        body = await reader.readexactly(length) if length and status != 304 else b""
    return status, headers, body


class Connection:
    """One keep-alive connection from a given local address, reopened when it dies."""

    def __init__(self, host: str, port: int, local: str) -> None:
        self.host, self.port, self.local = host, port, local
        self.reader = self.writer = None

    async def send(self, raw: bytes) -> tuple[int, dict[bytes, bytes], bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(
                self.host, self.port, local_addr=(self.local, 0)
            )
        try:
            status, headers, body = await _request(self.reader, self.writer, raw)
        except BaseException:
            self.close()
            raise
        if headers.get(b"connection", b"").lower() == b"close":
            self.close()
        return status, headers, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def local_address(n: int, base: int) -> str:
    n += base
    return f"127.{1 + n // 62500}.{(n // 250) % 250}.{1 + n % 250}"


class Results:
    def __init__(self) -> None:
        self.statuses: dict[str, dict[int, int]] = {}
        self.latencies: dict[str, list[float]] = {}
        self.sent_at: dict[str, list[float]] = {}
        self.cache: dict[str, int] = {}
        self.errors: dict[str, int] = {}
        self.succeeded: list[int] = []
        self.unknown: list[int] = []
        self.refused_as_signed: list[int] = []
        self.retries = 0

    def add(self, name: str, status: int, latency: float, sent: float) -> None:
        by = self.statuses.setdefault(name, {})
        by[status] = by.get(status, 0) + 1
        if status > 0:
            self.latencies.setdefault(name, []).append(latency)
            self.sent_at.setdefault(name, []).append(sent)
        else:
            self.errors[name] = self.errors.get(name, 0) + 1


async def reader_client(i, args, results, deadline, started) -> None:
    conn = Connection(args.host, args.port, local_address(i, args.address_base))
    etags: dict[str, bytes] = {}
    paths = {"page": args.page_path, "count": args.count_path}
    revalidates = i % 2 == 0
    interval = args.clients / args.rate if args.rate else 0.0
    next_send = time.perf_counter() + interval * i / args.clients
    turn = 0
    while time.perf_counter() < deadline:
        if interval:
            pause = next_send - time.perf_counter()
            if pause > 0:
                await asyncio.sleep(pause)
            next_send += interval
        name = ("page", "count")[turn % 2]
        turn += 1
        tag = etags.get(name)
        raw = (
            f"GET {paths[name]} HTTP/1.1\r\nHost: {args.host_header}\r\n"
            "Accept-Language: zh-TW,zh;q=0.9\r\n"
            + (f"If-None-Match: {tag.decode()}\r\n" if tag else "")
            + "\r\n"
        ).encode()
        sent = time.perf_counter()
        try:
            status, headers, _body = await conn.send(raw)
        except (ConnectionError, asyncio.IncompleteReadError, OSError):
            results.add(name, -1, 0.0, sent - started)
            await asyncio.sleep(0.05)
            continue
        results.add(name, status, time.perf_counter() - sent, sent - started)
        state = headers.get(b"x-cache-status", b"-").decode()
        results.cache[f"{name}:{state}"] = results.cache.get(f"{name}:{state}", 0) + 1
        if b"etag" in headers and revalidates:
            etags[name] = headers[b"etag"]
    conn.close()


class Tokens:
    def __init__(self, tokens: list[str], first: int) -> None:
        self.tokens = tokens
        self.next = first


async def signer_client(i, args, results, tokens, deadline, started) -> None:
    spread = args.addresses_per_signer
    conns = [
        Connection(args.host, args.port, local_address(i * spread + k, args.address_base))
        for k in range(spread)
    ]
    turn = 0
    while time.perf_counter() < deadline and tokens.next < len(tokens.tokens):
        index = tokens.next
        tokens.next += 1
        conn = conns[turn % spread]
        turn += 1
        raw = (
            f"POST {args.sign_path} HTTP/1.1\r\nHost: {args.host_header}\r\n"
            f"Authorization: Bearer {tokens.tokens[index]}\r\n"
            "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
        ).encode()
        sent = time.perf_counter()
        status = -1
        retried = False
        for _attempt in range(3):
            try:
                status, _headers, _body = await conn.send(raw)
            except (ConnectionError, asyncio.IncompleteReadError, OSError):
                status = -1
            if status not in (-1, 502, 503, 504):
                break
            retried = True
            results.retries += 1
            await asyncio.sleep(0.2)
        results.add("cosign", status, time.perf_counter() - sent, sent - started)
        if status == 201:
            results.succeeded.append(index)
        elif status == 409 and retried:
            results.refused_as_signed.append(index)
        elif status in (-1, 502, 503, 504):
            results.unknown.append(index)
    for conn in conns:
        conn.close()


async def main_async(args) -> dict:
    results = Results()
    started = time.perf_counter()
    deadline = started + args.duration
    if args.mode == "read":
        tasks = [reader_client(i, args, results, deadline, started) for i in range(args.clients)]
        tokens = None
    else:
        with open(args.tokens) as fh:
            tokens = Tokens([line.strip() for line in fh if line.strip()], args.first_token)
        tasks = [
            signer_client(i, args, results, tokens, deadline, started) for i in range(args.clients)
        ]
    await asyncio.gather(*tasks)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "elapsed": time.perf_counter() - started,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "statuses": results.statuses,
        "latencies": results.latencies,
        "sent_at": results.sent_at,
        "cache": results.cache,
        "errors": results.errors,
        "succeeded": results.succeeded,
        "unknown": results.unknown,
        "refused_as_signed": results.refused_as_signed,
        "retries": results.retries,
        "tokens_used": tokens.next if tokens else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mode", choices=("read", "sign"), required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--host-header", default="localhost")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--page-path", default="")
    parser.add_argument("--count-path", default="")
    parser.add_argument("--sign-path", default="")
    parser.add_argument("--tokens", default="")
    parser.add_argument("--first-token", type=int, default=0)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--rate", type=float, default=0, help="reads/s in all (0: unpaced)")
    parser.add_argument("--address-base", type=int, default=0)
    parser.add_argument("--addresses-per-signer", type=int, default=8)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    result = asyncio.run(main_async(args))
    with open(args.out, "w") as fh:
        json.dump(result, fh)


if __name__ == "__main__":
    main()
