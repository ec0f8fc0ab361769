"""Referendum e-petition benchmark: bulk verification and deduplication, and the tally's log.

1. Verify and deduplicate E electronic signatures (each with its own citizen certificate,
   EC P-256, issued by a test CA; ~1 % revoked, ~0.5 % forged, ~1 % signed twice) plus P paper
   entries (~20 % of people who also signed online, ~5 % typed twice) against a roll of R
   people (`referendums.bulk.check_case`: certificate path, validity at signing time, key
   usage, revocation from the CA's CRL, the statement's signature, the ID binding, Art. 9
   deduplication, Art. 7 eligibility). Reference, in the same run: bare `cryptography`
   verification of the same E signatures with the public keys already loaded.
2. Log appends: one leaf per transaction (as a signature is accepted) for S seconds with a
   signed checkpoint every second; reference: one plain row INSERT per transaction.
3. Inclusion and consistency proofs (generated and verified) at L leaves.

    .venv/bin/python bench/referendum/run.py                # full: 300,000 + 100,000 / 1,000,000
    .venv/bin/python bench/referendum/run.py --quick        # small sizes, for a smoke run

With DATABASE_URL set the log goes there (a database whose name starts with opengov_bench is
dropped and created); by default a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--signatures", type=int, default=300_000)
    parser.add_argument("--paper", type=int, default=100_000)
    parser.add_argument("--roll", type=int, default=1_000_000)
    parser.add_argument("--leaves", type=int, default=1_000_000)
    parser.add_argument("--append-seconds", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--only", choices=["bulk", "log"], help="run one part only")
    parser.add_argument(
        "--quick", action="store_true", help="3,000 + 1,000 / 10,000; 20,000 leaves"
    )
    args = parser.parse_args()
    if args.quick:
        args.signatures, args.paper, args.roll, args.leaves = 3_000, 1_000, 10_000, 20_000
        args.append_seconds = 2.0
    return args


def setup_django() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        from urllib.parse import urlparse, urlunparse

        import psycopg

        parsed = urlparse(url)
        name = parsed.path.lstrip("/")
        if not name.startswith("opengov_bench"):
            raise SystemExit("DATABASE_URL must name a database starting with opengov_bench")
        admin = urlunparse(parsed._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    else:
        path = Path(tempfile.mkdtemp(prefix="bench-referendum-")) / "db.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opengov.settings")
    os.environ["DEBUG"] = "false"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


LETTERS = {"A": 10, "B": 11, "C": 12, "D": 13, "E": 14, "F": 15, "G": 16, "H": 17, "J": 18, "K": 19}
WEIGHTS = (1, 9, 8, 7, 6, 5, 4, 3, 2, 1)


def national_id(n: int) -> str:
    """A valid national ID number for person `n` (check digit computed directly)."""
    letter = "ABCDEFGHJK"[n // 10_000_000 % 10]
    body = f"{1 + n % 2}{n % 10_000_000:07d}"
    code = LETTERS[letter]
    digits = [code // 10, code % 10, *(int(c) for c in body)]
    total = sum(d * w for d, w in zip(digits, WEIGHTS, strict=True))
    return f"{letter}{body}{(10 - total % 10) % 10}"


def build_signatures(e: int, case_id: str):
    """E signed statements, each with its own certificate (keys drawn from a pool of 500)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    from opengov.core import clock
    from opengov.referendums import rules
    from opengov.referendums.testpki import LocalCA

    ca = LocalCA(now=clock.now)
    now = clock.now()
    keys = [ec.generate_private_key(ec.SECP256R1()) for _ in range(500)]
    rng = random.Random(7)
    entries, public_keys, people = [], [], []
    revoked_serials = []
    forged = set(rng.sample(range(e), e // 200))
    not_before, not_after = now - dt.timedelta(days=30), now + dt.timedelta(days=365)
    issuer = ca.cert.subject
    ku = x509.KeyUsage(True, True, False, False, False, False, False, False, False)
    when = now.isoformat()
    for i in range(e):
        twice = i % 100 == 99  # ~1 %: a second signature of the person before
        person = i - 1 if twice else i
        key = keys[person % len(keys)]
        nid = national_id(person)
        cert = (
            x509.CertificateBuilder()
            .subject_name(
                x509.Name(
                    [
                        x509.NameAttribute(NameOID.COMMON_NAME, "citizen"),
                        x509.NameAttribute(NameOID.SERIAL_NUMBER, nid),
                    ]
                )
            )
            .issuer_name(issuer)
            .public_key(key.public_key())
            .serial_number(1_000_000 + i)
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(ku, critical=True)
            .sign(ca.key, hashes.SHA256())
        )
        if i % 100 == 42:
            revoked_serials.append(cert.serial_number)
        text = rules.statement_text(
            case_id=case_id, stage="petition", national_id=nid, signed_at=when
        )
        signature = key.sign(text.encode(), ec.ECDSA(hashes.SHA256()))
        if i in forged:
            signature = keys[(person + 1) % len(keys)].sign(
                text.encode(), ec.ECDSA(hashes.SHA256())
            )
        entries.append((text, signature, cert.public_bytes(serialization.Encoding.DER)))
        public_keys.append(key.public_key())
        people.append(person)
        if i and i % 50_000 == 0:
            log(f"  {i:,} certificates and signatures made")
    for serial in revoked_serials:
        ca.crl_revoked[serial] = now - dt.timedelta(days=1)
    return ca, entries, public_keys, people


def children_cpu() -> float:
    """CPU seconds used by finished child processes (the verification workers)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bench_bulk(args: argparse.Namespace) -> dict[str, float]:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    from opengov.core import clock
    from opengov.referendums import bulk, privacy

    case_id = "0b0e6a8e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
    t0 = time.perf_counter()
    ca, entries, public_keys, _people = build_signatures(args.signatures, case_id)
    log(f"setup: {len(entries):,} certificates and signatures in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    rng = random.Random(11)
    today = clock.today()
    adult, minor = dt.date(1980, 1, 1), today - dt.timedelta(days=365 * 17)
    since_old, since_new = dt.date(2000, 1, 1), today - dt.timedelta(days=60)
    rows = {
        "ok": bulk.RollRow(adult, since_old),
        "minor": bulk.RollRow(minor, since_old),
        "new": bulk.RollRow(adult, since_new),
        "guardian": bulk.RollRow(adult, since_old, True),
    }
    roll = {}
    for n in range(args.roll):
        kind = "ok" if n % 50 else rng.choice(("minor", "new", "guardian"))
        roll[privacy.id_hash(national_id(n))] = rows[kind]
    paper = []
    base = args.signatures
    for k in range(args.paper):
        if k % 5 == 0:
            paper.append(national_id(rng.randrange(args.signatures)))  # also signed online
        elif k % 20 == 1 and paper:
            paper.append(paper[-1])  # typed twice
        else:
            paper.append(national_id(base + k))
    log(
        f"setup: roll of {len(roll):,} and {len(paper):,} paper entries in "
        f"{time.perf_counter() - t0:.1f} s"
    )

    # reference: bare signature verification of the same signatures, keys already loaded
    c0 = time.process_time()
    t0 = time.perf_counter()
    valid = 0
    algorithm = ec.ECDSA(hashes.SHA256())
    for (text, signature, _cert), key in zip(entries, public_keys, strict=True):
        try:
            key.verify(signature, text.encode(), algorithm)
            valid += 1
        except InvalidSignature:
            pass
    reference = time.perf_counter() - t0
    reference_cpu = time.process_time() - c0

    c0 = time.process_time() + children_cpu()
    t0 = time.perf_counter()
    issuers = bulk.Issuers.build([ca.cert], [ca.crl_der()])
    result = bulk.check_case(
        electronic=entries,
        paper=paper,
        issuers=issuers,
        roll=roll,
        reference_date=today,
        case_id=case_id,
        workers=args.workers,
    )
    full = time.perf_counter() - t0
    full_cpu = time.process_time() + children_cpu() - c0
    totals = result.totals()
    log(f"outcomes: {dict(sorted(totals.items()))}")
    print(
        f"bulk check: {args.signatures:,} e-signatures + {args.paper:,} paper entries against "
        f"a roll of {args.roll:,}: {full:.1f} s with {args.workers} process(es) "
        f"(target < 60 s); "
        f"{totals.get('counted', 0):,} counted"
    )
    print(
        f"  reference, bare cryptography ECDSA verification of the same "
        f"{args.signatures:,} signatures ({valid:,} valid), one process: {reference:.1f} s; "
        f"ratio {full / reference:.2f} (each signature also needs its certificate's "
        f"signature verified: at least 2 ECDSA verifications per entry)"
    )
    print(
        f"  CPU time (robust on a shared machine): bulk {full_cpu:.1f} s in all processes, "
        f"reference {reference_cpu:.1f} s; ratio {full_cpu / reference_cpu:.2f}; "
        f"load average at the end {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    return {"bulk": full, "reference": reference}


def bench_log(args: argparse.Namespace) -> None:
    from django.db import connection, transaction

    from opengov.core import tlog

    name = "referendum/bench-appends"
    # single-leaf appends, one transaction each, a checkpoint every second
    deadline = time.perf_counter() + args.append_seconds
    next_checkpoint = time.perf_counter() + 1.0
    appended = checkpoints = 0
    t0 = time.perf_counter()
    while time.perf_counter() < deadline:
        with transaction.atomic():
            tlog.append(name, f"leaf {appended}".encode())
        appended += 1
        if time.perf_counter() >= next_checkpoint:
            tlog.checkpoint(name)
            checkpoints += 1
            next_checkpoint += 1.0
    elapsed = time.perf_counter() - t0
    rate = appended / elapsed
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_plain (id INTEGER PRIMARY KEY, data BLOB)")
    t0 = time.perf_counter()
    for i in range(appended):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_plain (id, data) VALUES (%s, %s)", [i, b"x" * 32])
    plain = appended / (time.perf_counter() - t0)
    print(
        f"log appends: {rate:,.0f} leaves/s, one leaf per transaction, {checkpoints} signed "
        f"checkpoints ({connection.vendor}); reference, plain one-row inserts: "
        f"{plain:,.0f} rows/s; ratio {rate / plain:.2f}"
    )

    # fill a log to L leaves, then time proofs
    big = "referendum/bench-proofs"
    t0 = time.perf_counter()
    batch = 20_000
    for start in range(0, args.leaves, batch):
        with transaction.atomic():
            tlog.append_many(
                big, (f"leaf {i}".encode() for i in range(start, min(args.leaves, start + batch)))
            )
    fill = time.perf_counter() - t0
    size = tlog.tree_size(big)
    root = tlog.root(big)
    rng = random.Random(3)
    inclusion, consistency = [], []
    for _ in range(100):
        index = rng.randrange(size)
        t0 = time.perf_counter()
        proof = tlog.inclusion_proof(big, index, size)
        inclusion.append(time.perf_counter() - t0)
        assert tlog.verify_inclusion(
            tlog.leaf_hash(f"leaf {index}".encode()), index, size, proof, root
        )
        old = rng.randrange(1, size)
        t0 = time.perf_counter()
        cproof = tlog.consistency_proof(big, old, size)
        consistency.append(time.perf_counter() - t0)
        assert tlog.verify_consistency(old, size, tlog.root(big, old), root, cproof)
    print(
        f"log of {size:,} leaves filled in {fill:.1f} s ({size / fill:,.0f} leaves/s in "
        f"batches of {batch:,}); inclusion proof p50 {statistics.median(inclusion) * 1000:.2f} "
        f"ms, consistency proof p50 {statistics.median(consistency) * 1000:.2f} ms "
        f"(100 each, all verified)"
    )


def main() -> None:
    args = parse_args()
    setup_django()
    if args.only != "log":
        bench_bulk(args)
    if args.only != "bulk":
        bench_log(args)


if __name__ == "__main__":
    main()
