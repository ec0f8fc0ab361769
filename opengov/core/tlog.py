"""Transparency logs: append-only Merkle logs with signed checkpoints.

One component for every log the platform keeps (the audit log, one log per referendum case).

* Hashing is RFC 9162 §2.1: a leaf hash is SHA-256(0x00 ‖ data), an interior node
  SHA-256(0x01 ‖ left ‖ right), the empty tree SHA-256(""). Inclusion proofs (§2.1.3) and
  consistency proofs (§2.1.4) are generated and verified here.
* Checkpoints are C2SP tlog-checkpoint bodies (`origin\\nsize\\nbase64(root)\\n`) signed as
  C2SP signed notes with Ed25519 (the format of Go's `golang.org/x/mod/sumdb/note`), so any
  standard verifier or witness can check them.
* Storage: each leaf's hash (`LogLeaf`) and every complete subtree's hash (`LogNode`), so the
  root at any size, an inclusion proof and a consistency proof read O(log n) rows. The
  caller keeps the leaf *data* in its own rows and gives it back to `verify_log` to check.

The pure functions (no database) come first; the database API (`append`, `checkpoint`,
`inclusion_proof`, `verify_log`, ...) follows.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

if TYPE_CHECKING:  # pragma: no cover
    from .models import LogCheckpoint

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

# ---------------------------------------------------------------------------------------
# Merkle tree hashing (RFC 9162 §2.1)
# ---------------------------------------------------------------------------------------


def leaf_hash(data: bytes) -> bytes:
    """RFC 9162 §2.1.1: the hash of one leaf, SHA-256(0x00 ‖ data)."""
    return hashlib.sha256(b"\x00" + bytes(data)).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 9162 §2.1.1: the hash of an interior node, SHA-256(0x01 ‖ left ‖ right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1): where RFC 9162 splits a tree."""
    return 1 << ((n - 1).bit_length() - 1)


def _fold(hashes: Sequence[bytes]) -> bytes:
    """The root over perfect subtrees given left to right (largest first): a right fold."""
    if not hashes:
        return EMPTY_ROOT
    acc = hashes[-1]
    for h in reversed(hashes[:-1]):
        acc = node_hash(h, acc)
    return acc


def root_hash(leaf_hashes: Sequence[bytes]) -> bytes:
    """RFC 9162 §2.1.1: the Merkle tree hash of the leaves (given as leaf hashes)."""
    frontier: list[tuple[int, bytes]] = []  # (height, hash) of the perfect subtrees so far
    for h in leaf_hashes:
        height, acc = 0, h
        while frontier and frontier[-1][0] == height:
            acc = node_hash(frontier.pop()[1], acc)
            height += 1
        frontier.append((height, acc))
    return _fold([h for _, h in frontier])


def _perfect_subtrees(lo: int, hi: int) -> list[tuple[int, int]]:
    """The perfect subtrees, as (level, index), whose right fold is the hash of [lo, hi).

    Every range met while building RFC 9162 proofs starts at a multiple of a power of two
    at least its size, so it splits into at most log2(n) aligned perfect subtrees.
    """
    out: list[tuple[int, int]] = []
    while lo < hi:
        n = hi - lo
        k = n if n & (n - 1) == 0 else _split(n)
        if lo % k:
            raise ValueError(f"range [{lo}, {hi}) is not aligned as in RFC 9162")
        out.append((k.bit_length() - 1, lo // k))
        lo += k
    return out


def _inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """RFC 9162 §2.1.3.1 PATH(m, D[n]): the ranges whose hashes make the proof, leaf first."""
    out: list[tuple[int, int]] = []
    lo, hi, m = 0, size, index
    while hi - lo > 1:
        k = _split(hi - lo)
        if m < k:
            out.append((lo + k, hi))
            hi = lo + k
        else:
            out.append((lo, lo + k))
            lo, m = lo + k, m - k
    out.reverse()
    return out


def _consistency_ranges(old_size: int, new_size: int) -> list[tuple[int, int]]:
    """RFC 9162 §2.1.4.1 PROOF(m, D[n]) = SUBPROOF(m, D[n], true), as ranges, in order."""
    if not 0 < old_size < new_size:
        return []
    out: list[tuple[int, int]] = []
    lo, hi, m, whole = 0, new_size, old_size, True
    while True:
        n = hi - lo
        if m == n:
            if not whole:
                out.append((lo, hi))
            break
        k = _split(n)
        if m <= k:
            out.append((lo + k, hi))
            hi = lo + k
        else:
            out.append((lo, lo + k))
            lo, m, whole = lo + k, m - k, False
    out.reverse()
    return out


def _check_index(index: int, size: int) -> None:
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of size {size}")


def _check_sizes(old_size: int, new_size: int) -> None:
    if not 0 <= old_size <= new_size:
        raise ValueError(f"no consistency proof from size {old_size} to size {new_size}")


def inclusion_proof_from_hashes(leaf_hashes: Sequence[bytes], index: int) -> list[bytes]:
    """RFC 9162 §2.1.3.1: the inclusion proof of leaf `index` in the tree of these leaves."""
    _check_index(index, len(leaf_hashes))
    return [root_hash(leaf_hashes[lo:hi]) for lo, hi in _inclusion_ranges(index, len(leaf_hashes))]


def consistency_proof_from_hashes(leaf_hashes: Sequence[bytes], old_size: int) -> list[bytes]:
    """RFC 9162 §2.1.4.1: the proof that the first `old_size` leaves are a prefix of these."""
    _check_sizes(old_size, len(leaf_hashes))
    return [
        root_hash(leaf_hashes[lo:hi]) for lo, hi in _consistency_ranges(old_size, len(leaf_hashes))
    ]


def _hashes_ok(*hashes: bytes) -> bool:
    return all(isinstance(h, bytes | bytearray) and len(h) == HASH_SIZE for h in hashes)


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: does `proof` show leaf `index` with this hash in the tree `root`?"""
    if not (0 <= index < size) or not _hashes_ok(leaf_hash, root, *proof):
        return False
    fn, sn, r = index, size - 1, bytes(leaf_hash)
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and hmac.compare_digest(r, root)


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: does `proof` show the tree `old_root` is a prefix of `new_root`?"""
    if not 0 <= old_size <= new_size or not _hashes_ok(*proof):
        return False
    if old_size == new_size:
        return not proof and _hashes_ok(old_root, new_root) and old_root == new_root
    if old_size == 0:
        return not proof  # the empty tree is a prefix of every tree
    if not proof or not _hashes_ok(old_root, new_root):
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, bytes(old_root))
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and hmac.compare_digest(fr, old_root) and hmac.compare_digest(sr, new_root)


# ---------------------------------------------------------------------------------------
# Signed notes (C2SP signed-note, Ed25519)
# ---------------------------------------------------------------------------------------

ALG_ED25519 = 0x01
MAX_SIGNATURES = 100
_DASH = "\u2014"


class NoteError(ValueError):
    """A note that is malformed, carries a bad signature, or that no known key verified."""


def _valid_key_name(name: str) -> bool:
    return bool(name) and "+" not in name and not any(c.isspace() for c in name)


def key_hash(name: str, public_key: bytes) -> bytes:
    """The 4-byte key ID: SHA-256(name ‖ "\\n" ‖ 0x01 ‖ public key)[:4]."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([ALG_ED25519]) + public_key).digest()[:4]


def _b64decode(text: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise NoteError("not base64") from exc


@dataclass(frozen=True)
class NoteVerifier:
    """Checks a named Ed25519 key's signatures on notes."""

    name: str
    public_key: bytes

    def __post_init__(self) -> None:
        if not _valid_key_name(self.name):
            raise NoteError(f"invalid key name {self.name!r}")
        if len(self.public_key) != 32:
            raise NoteError("an Ed25519 public key has 32 bytes")

    @property
    def key_hash(self) -> bytes:
        return key_hash(self.name, self.public_key)

    @property
    def vkey(self) -> str:
        """The verifier key string: name+hex8(key hash)+base64(0x01 ‖ public key)."""
        encoded = base64.b64encode(bytes([ALG_ED25519]) + self.public_key).decode()
        return f"{self.name}+{self.key_hash.hex()}+{encoded}"

    @classmethod
    def from_vkey(cls, vkey: str) -> NoteVerifier:
        """Parse a verifier key string; refuse a wrong hash, algorithm or length."""
        parts = vkey.split("+", 2)
        if len(parts) != 3:
            raise NoteError("a verifier key is name+hash+key")
        name, hash_hex, encoded = parts
        if len(hash_hex) != 8 or hash_hex != hash_hex.lower():
            raise NoteError("the key hash must be 8 lower-case hex digits")
        try:
            expected = bytes.fromhex(hash_hex)
        except ValueError as exc:
            raise NoteError("the key hash must be 8 lower-case hex digits") from exc
        raw = _b64decode(encoded)
        if len(raw) != 33 or raw[0] != ALG_ED25519:
            raise NoteError("only Ed25519 verifier keys are supported")
        verifier = cls(name, raw[1:])
        if verifier.key_hash != expected:
            raise NoteError("the key hash does not match the key")
        return verifier

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True


class NoteSigner:
    """Signs notes with a named Ed25519 private key."""

    def __init__(self, name: str, private_key: Ed25519PrivateKey):
        if not _valid_key_name(name):
            raise NoteError(f"invalid key name {name!r}")
        self.name = name
        self._key = private_key
        public = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.verifier = NoteVerifier(name, public)

    @property
    def key_hash(self) -> bytes:
        return self.verifier.key_hash

    @property
    def vkey(self) -> str:
        return self.verifier.vkey

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)

    @classmethod
    def from_skey(cls, skey: str) -> NoteSigner:
        """Parse a Go-format signer key, PRIVATE+KEY+name+hash+base64(0x01 ‖ seed)."""
        parts = skey.split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise NoteError("a signer key is PRIVATE+KEY+name+hash+key")
        raw = _b64decode(parts[4])
        if len(raw) != 33 or raw[0] != ALG_ED25519:
            raise NoteError("only Ed25519 signer keys are supported")
        signer = signer_from_seed(parts[2], raw[1:])
        if signer.key_hash.hex() != parts[3]:
            raise NoteError("the key hash does not match the key")
        return signer

    def __repr__(self) -> str:  # never show the private key
        return f"NoteSigner({self.vkey})"


def signer_from_seed(name: str, seed: bytes) -> NoteSigner:
    """A signer from a 32-byte Ed25519 seed (RFC 8032 private key)."""
    if len(seed) != 32:
        raise NoteError("an Ed25519 seed has 32 bytes")
    return NoteSigner(name, Ed25519PrivateKey.from_private_bytes(bytes(seed)))


@dataclass(frozen=True)
class NoteSignature:
    """One signature line of a note: the key's name, its 4-byte hash and the signature."""

    name: str
    key_hash: bytes
    signature: bytes

    def line(self) -> str:
        encoded = base64.b64encode(self.key_hash + self.signature).decode()
        return f"{_DASH} {self.name} {encoded}\n"


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise NoteError("a note's text must end with a newline")
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise NoteError("a note must not hold control characters")


def _split_note(note: str) -> tuple[str, list[NoteSignature]]:
    """Split a signed note into its text and signature lines (malformed: NoteError)."""
    if isinstance(note, bytes | bytearray):
        try:
            note = bytes(note).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise NoteError("malformed note: not UTF-8") from exc
    _check_text(note)
    cut = note.rfind("\n\n")
    if cut < 0:
        raise NoteError("malformed note: no signatures")
    text, block = note[: cut + 1], note[cut + 2 :]
    if not block:
        raise NoteError("malformed note: no signatures")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError("malformed note: too many signatures")
    sigs = []
    for line in lines:
        prefix = _DASH + " "
        if not line.startswith(prefix):
            raise NoteError("malformed note: a signature line starts with an em dash")
        rest = line[len(prefix) :]
        name, sep, encoded = rest.partition(" ")
        if not sep or not _valid_key_name(name) or " " in encoded:
            raise NoteError("malformed note: bad signature line")
        raw = _b64decode(encoded)
        if len(raw) < 5:
            raise NoteError("malformed note: signature too short")
        sigs.append(NoteSignature(name, raw[:4], raw[4:]))
    return text, sigs


def sign_note(text: str, signers: Iterable[NoteSigner]) -> str:
    """Sign `text` (which ends with a newline) with each signer: the C2SP signed note."""
    _check_text(text)
    sigs = [NoteSignature(s.name, s.key_hash, s.sign(text.encode())) for s in signers]
    if not sigs:
        raise NoteError("a note needs at least one signature")
    return text + "\n" + "".join(s.line() for s in sigs)


def cosign_note(note: str, signers: Iterable[NoteSigner]) -> str:
    """Add signatures (a witness's co-signature) to a signed note.

    The existing signatures are kept, unchecked (the co-signer signs the text, as every
    signer does); a signature already there under the same key is replaced.
    """
    text, sigs = _split_note(note)
    new = [NoteSignature(s.name, s.key_hash, s.sign(text.encode())) for s in signers]
    replaced = {(s.name, s.key_hash) for s in new}
    kept = [s for s in sigs if (s.name, s.key_hash) not in replaced]
    if len(kept) + len(new) > MAX_SIGNATURES:
        raise NoteError("too many signatures")
    return text + "\n" + "".join(s.line() for s in [*kept, *new])


def open_note(note: str | bytes, verifiers: Iterable[NoteVerifier]) -> tuple[str, list[str]]:
    """Check a signed note; return its text and the names of the keys that verified it.

    Signatures by unknown keys are ignored; a bad signature by a known key, a malformed
    note, or a note no known key verified raises NoteError.
    """
    text, sigs = _split_note(note)
    known: dict[tuple[str, bytes], NoteVerifier | None] = {}
    for v in verifiers:
        k = (v.name, v.key_hash)
        known[k] = None if k in known and known[k] != v else v
    verified: list[str] = []
    for sig in sigs:
        k = (sig.name, sig.key_hash)
        if k not in known:
            continue
        verifier = known[k]
        if verifier is None:
            raise NoteError(f"ambiguous key {sig.name}+{sig.key_hash.hex()}")
        if not verifier.verify(text.encode(), sig.signature):
            raise NoteError(f"invalid signature for key {sig.name}+{sig.key_hash.hex()}")
        if sig.name not in verified:
            verified.append(sig.name)
    if not verified:
        raise NoteError("note has no verifiable signatures")
    return text, verified


# ---------------------------------------------------------------------------------------
# Checkpoints (C2SP tlog-checkpoint)
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    """A checkpoint body: the log's origin, its size, its root hash, any extension lines."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = field(default=())

    def body(self) -> str:
        return checkpoint_body(self.origin, self.size, self.root, self.extensions)


def checkpoint_body(origin: str, size: int, root: bytes, extensions: Sequence[str] = ()) -> str:
    """The C2SP checkpoint text: `origin\\nsize\\nbase64(root)\\n` (then extension lines)."""
    if not origin or "\n" in origin or size < 0 or len(root) != HASH_SIZE:
        raise ValueError("a checkpoint needs an origin, a size >= 0 and a 32-byte root")
    lines = [origin, str(size), base64.b64encode(root).decode(), *extensions]
    return "\n".join(lines) + "\n"


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse a checkpoint body (or a whole signed note: its signatures are NOT checked)."""
    if "\n\n" in text:
        text = text[: text.index("\n\n") + 1]
    if not text.endswith("\n"):
        raise NoteError("a checkpoint ends with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3 or not lines[0]:
        raise NoteError("a checkpoint has an origin, a size and a root hash")
    origin, size_text, root_text, *extensions = lines
    if (
        not size_text.isascii()
        or not size_text.isdigit()
        or (len(size_text) > 1 and size_text[0] == "0")
    ):
        raise NoteError("the checkpoint's size is not a decimal number")
    root = _b64decode(root_text)
    if len(root) != HASH_SIZE:
        raise NoteError("the checkpoint's root hash is not 32 bytes")
    if any(not line for line in extensions):
        raise NoteError("a checkpoint has no empty lines")
    return Checkpoint(origin, int(size_text), root, tuple(extensions))


def open_checkpoint(note: str, verifiers: Iterable[NoteVerifier]) -> Checkpoint:
    """Check a signed checkpoint's signatures and parse it."""
    text, _ = open_note(note, verifiers)
    return parse_checkpoint(text)


# ---------------------------------------------------------------------------------------
# Keys and origins, from settings
# ---------------------------------------------------------------------------------------


def origin(log: str) -> str:
    """The log's origin line (and key name): `TLOG_ORIGIN/<log>`, e.g. gov.example/audit."""
    from django.conf import settings

    base = getattr(settings, "TLOG_ORIGIN", "") or _host_path(settings.SITE_URL)
    return f"{base.rstrip('/')}/{log}"


def _host_path(url: str) -> str:
    parts = urlsplit(url)
    return (parts.netloc + parts.path).rstrip("/") or "opengov.local"


def log_signer(log: str) -> NoteSigner:
    """The signer of the log's checkpoints: `TLOG_SIGNING_KEY` under the log's origin."""
    from django.conf import settings

    seed = base64.b64decode(settings.TLOG_SIGNING_KEY)
    return signer_from_seed(origin(log), seed)


def log_verifier(log: str) -> NoteVerifier:
    """The public key that checks the log's checkpoints (published beside them)."""
    return log_signer(log).verifier


# ---------------------------------------------------------------------------------------
# The database-backed log
# ---------------------------------------------------------------------------------------


def _require_transaction() -> None:
    from django.db import transaction

    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("tlog.append() must run inside the caller's transaction")


def _locked_head(log: str):
    from .models import LogHead

    head = LogHead.objects.select_for_update().filter(log=log).first()
    if head is None:
        LogHead.objects.get_or_create(log=log)
        head = LogHead.objects.select_for_update().get(log=log)
    return head


def _frontier(head) -> list[bytes]:
    raw = bytes(head.frontier or b"")
    return [raw[i : i + HASH_SIZE] for i in range(0, len(raw), HASH_SIZE)]


def _append_hashes(head, hashes: Sequence[bytes]) -> range:
    """Add leaf hashes after the head's tree; write leaves and completed nodes; move head."""
    from .models import LogLeaf, LogNode

    start = head.size
    frontier = _frontier(head)
    leaves, nodes = [], []
    size = start
    for h in hashes:
        leaves.append(LogLeaf(log=head.log, index=size, leaf_hash=h))
        acc, level, idx = h, 0, size
        while idx & 1:
            acc = node_hash(frontier.pop(), acc)
            level, idx = level + 1, idx >> 1
            nodes.append(LogNode(log=head.log, level=level, index=idx, hash=acc))
        frontier.append(acc)
        size += 1
    LogLeaf.objects.bulk_create(leaves, batch_size=2000)
    LogNode.objects.bulk_create(nodes, batch_size=2000)
    head.size, head.frontier = size, b"".join(frontier)
    head.save(update_fields=["size", "frontier"])
    return range(start, size)


def reserve(log: str) -> int:
    """Lock `log` for the caller's transaction; return the index the next leaf will get.

    For callers whose leaf data holds its own position (as an audit event holds its
    sequence number): reserve, build the data, then `append`.
    """
    _require_transaction()
    return _locked_head(log).size


def append(log: str, data: bytes | Callable[[int], bytes]) -> int:
    """Append one leaf to `log`; return its index.

    Runs in (and locks the log for) the caller's transaction, so the leaf and the action
    it records commit together or not at all. `data` may be a function of the leaf's
    index, called under the lock.
    """
    _require_transaction()
    head = _locked_head(log)
    payload = data(head.size) if callable(data) else data
    return _append_hashes(head, [leaf_hash(payload)]).start


def append_many(log: str, items: Iterable[bytes]) -> range:
    """Append several leaves in order under one lock; return their indexes."""
    _require_transaction()
    head = _locked_head(log)
    return _append_hashes(head, [leaf_hash(d) for d in items])


def tree_size(log: str) -> int:
    """The number of leaves in the log."""
    from .models import LogHead

    return LogHead.objects.filter(log=log).values_list("size", flat=True).first() or 0


def _check_size(log: str, size: int | None) -> int:
    current = tree_size(log)
    if size is None:
        return current
    if not 0 <= size <= current:
        raise ValueError(f"the log {log!r} has {current} leaves, not {size}")
    return size


def _node_fetcher(log: str, ids: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """Fetch the hashes of these perfect subtrees (level 0: leaves) in one query.

    Plain SQL: each term carries the whole unique key, so SQLite (a multi-index OR) and
    PostgreSQL (a bitmap OR) answer from the index, without the ORM's cost of building a
    40-term condition on every proof.
    """
    from django.db import connection

    from .models import LogLeaf, LogNode

    ids = set(ids)
    if not ids:
        return {}
    qn = connection.ops.quote_name
    parts, params = [], []
    leaf_idx = sorted(i for lvl, i in ids if lvl == 0)
    if leaf_idx:
        marks = ", ".join(["%s"] * len(leaf_idx))
        parts.append(
            # identifiers quoted by the backend, every value a placeholder
            f"SELECT 0, {qn('index')}, {qn('leaf_hash')} FROM {qn(LogLeaf._meta.db_table)} "  # noqa: S608
            f"WHERE {qn('log')} = %s AND {qn('index')} IN ({marks})"
        )
        params += [log, *leaf_idx]
    inner = sorted((lvl, i) for lvl, i in ids if lvl > 0)
    if inner:
        term = f"({qn('log')} = %s AND {qn('level')} = %s AND {qn('index')} = %s)"
        parts.append(
            f"SELECT {qn('level')}, {qn('index')}, {qn('hash')} "  # noqa: S608
            f"FROM {qn(LogNode._meta.db_table)} WHERE " + " OR ".join([term] * len(inner))
        )
        for lvl, i in inner:
            params += [log, lvl, i]
    found: dict[tuple[int, int], bytes] = {}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for lvl, i, h in cursor.fetchall():
            found[(int(lvl), int(i))] = bytes(h)
    missing = ids - found.keys()
    if missing:
        raise LookupError(f"the log {log!r} is missing stored nodes {sorted(missing)[:3]}")
    return found


def _range_hashes(log: str, ranges: Sequence[tuple[int, int]]) -> list[bytes]:
    parts = [_perfect_subtrees(lo, hi) for lo, hi in ranges]
    found = _node_fetcher(log, (node for p in parts for node in p))
    return [_fold([found[node] for node in p]) for p in parts]


def root(log: str, size: int | None = None) -> bytes:
    """The root hash of the log's first `size` leaves (default: all), from O(log n) rows."""
    from .models import LogHead

    if size is None:
        head = LogHead.objects.filter(log=log).first()
        return _fold(_frontier(head)) if head else EMPTY_ROOT
    size = _check_size(log, size)
    return _range_hashes(log, [(0, size)])[0] if size else EMPTY_ROOT


def inclusion_proof(log: str, index: int, size: int | None = None) -> list[bytes]:
    """The proof that leaf `index` is in the tree of the first `size` leaves."""
    size = _check_size(log, size)
    _check_index(index, size)
    return _range_hashes(log, _inclusion_ranges(index, size))


def consistency_proof(log: str, old_size: int, new_size: int | None = None) -> list[bytes]:
    """The proof that the tree of `old_size` leaves is a prefix of the tree of `new_size`."""
    new_size = _check_size(log, new_size)
    _check_sizes(old_size, new_size)
    return _range_hashes(log, _consistency_ranges(old_size, new_size))


def leaf_hash_at(log: str, index: int) -> bytes:
    """The stored hash of leaf `index`."""
    from .models import LogLeaf

    h = LogLeaf.objects.filter(log=log, index=index).values_list("leaf_hash", flat=True).first()
    if h is None:
        raise LookupError(f"the log {log!r} has no leaf {index}")
    return bytes(h)


def latest_checkpoint(log: str) -> LogCheckpoint | None:
    """The most recent checkpoint issued for the log, or None."""
    from .models import LogCheckpoint

    return LogCheckpoint.objects.filter(log=log).order_by("-size", "-id").first()


def checkpoint(log: str, signer: NoteSigner | None = None) -> LogCheckpoint:
    """Sign and store a checkpoint of the log's current size and root.

    Reuses the latest checkpoint when the tree has not grown since, so calling this on
    every page view issues at most one checkpoint per new size.
    """
    from django.db import transaction

    from . import clock
    from .models import LogCheckpoint

    signer = signer or log_signer(log)
    with transaction.atomic():
        head = _locked_head(log)
        latest = latest_checkpoint(log)
        if latest is not None and latest.size == head.size:
            return latest
        r = _fold(_frontier(head))
        note = sign_note(checkpoint_body(origin(log), head.size, r), [signer])
        return LogCheckpoint.objects.create(
            log=log, size=head.size, root=r, note=note, created_at=clock.now()
        )


# ---------------------------------------------------------------------------------------
# Verification
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogProblem:
    """The first place where the stored log disagrees with what it should be.

    kind: leaf (a leaf's data does not match its hash), missing (a leaf, its data or a node
    is gone), inserted (data for a leaf the log does not hold),
    node (a stored node does not match its children), head (the head disagrees with the
    leaves), checkpoint (a stored checkpoint is not signed or not on this tree), truncated,
    wiped, rewritten (against a saved checkpoint), signature (the saved note is not valid).
    """

    kind: str
    index: int | None
    detail: str

    def __str__(self) -> str:
        where = f" at leaf {self.index}" if self.index is not None else ""
        return f"{self.kind}{where}: {self.detail}"


@dataclass
class LogReport:
    """What `verify_log` checked, and the first problem found (None: all is well)."""

    log: str
    size: int = 0
    leaves_checked: int = 0
    checkpoints_checked: int = 0
    against: Checkpoint | None = None
    problem: LogProblem | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _stream_leaves(log: str, batch: int = 5000) -> Iterator[tuple[int, bytes]]:
    from .models import LogLeaf

    last = -1
    while True:
        rows = list(
            LogLeaf.objects.filter(log=log, index__gt=last)
            .order_by("index")
            .values_list("index", "leaf_hash")[:batch]
        )
        if not rows:
            return
        for i, h in rows:
            yield i, bytes(h)
        last = rows[-1][0]


def _stream_nodes(log: str, level: int, batch: int = 5000) -> Iterator[tuple[int, bytes]]:
    from .models import LogNode

    last = -1
    while True:
        rows = list(
            LogNode.objects.filter(log=log, level=level, index__gt=last)
            .order_by("index")
            .values_list("index", "hash")[:batch]
        )
        if not rows:
            return
        for i, h in rows:
            yield i, bytes(h)
        last = rows[-1][0]


class _NodeChecker:
    """Compares each complete subtree, as the leaves fill it, with the stored node: one
    stream per level, read in index order alongside the leaves."""

    def __init__(self, log: str):
        self.log = log
        self.streams: dict[int, Iterator[tuple[int, bytes]]] = {}

    def check(self, level: int, index: int, expected: bytes) -> LogProblem | None:
        stream = self.streams.get(level)
        if stream is None:
            stream = self.streams[level] = _stream_nodes(self.log, level)
        stored = next(stream, None)
        first_leaf = index << level
        if stored is None or stored[0] != index:
            return LogProblem("missing", first_leaf, f"the stored node {level}/{index} is gone")
        if stored[1] != expected:
            return LogProblem(
                "node",
                first_leaf,
                f"the stored node {level}/{index} does not match the leaves under it",
            )
        return None

    def check_no_extra(self, size: int) -> LogProblem | None:
        from .models import LogNode

        expected = sum(size >> level for level in range(1, size.bit_length() + 1))
        if LogNode.objects.filter(log=self.log).count() != expected:
            return LogProblem("node", None, "stored nodes lie beyond the tree")
        return None


_END = object()


def verify_log(
    log: str,
    against: str | None = None,
    *,
    leaf_data: Iterable[bytes] | None = None,
    verifiers: Sequence[NoteVerifier] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> LogReport:
    """Recompute the log from its stored leaves and check everything that depends on them.

    * the leaves are numbered 0..n-1 without gaps, and (if `leaf_data` is given: the
      caller's data for each leaf in order, None where the caller has lost it) each leaf's
      hash is the hash of its data, and there is no data beyond the last leaf;
    * every stored interior node matches its children, and the head matches the leaves;
    * every stored checkpoint is signed by the log's key and its root is the root of the
      leaves at its size;
    * `against`, a checkpoint note someone saved: its signature is checked, and the stored
      tree must contain it (fewer leaves: truncated or wiped; another root: rewritten).
    """
    from .models import LogCheckpoint, LogHead

    report = LogReport(log=log)
    verifiers = list(verifiers) if verifiers is not None else [log_verifier(log)]
    saved: Checkpoint | None = None
    if against is not None:
        try:
            saved = open_checkpoint(against, verifiers)
        except NoteError as exc:
            report.problem = LogProblem("signature", None, f"the saved checkpoint: {exc}")
            return report
        report.against = saved
        if saved.origin != origin(log):
            report.problem = LogProblem(
                "signature", None, f"the saved checkpoint is for {saved.origin}, not {origin(log)}"
            )
            return report

    head = LogHead.objects.filter(log=log).first()
    stored = list(LogCheckpoint.objects.filter(log=log).order_by("size", "id"))
    targets: dict[int, list[tuple[str, bytes]]] = {}
    for cp in stored:
        targets.setdefault(cp.size, []).append((f"stored checkpoint #{cp.pk}", bytes(cp.root)))
    if saved is not None:
        targets.setdefault(saved.size, []).append(("the saved checkpoint", saved.root))

    for cp in stored:
        try:
            body = open_checkpoint(cp.note, verifiers)
        except NoteError as exc:
            report.problem = LogProblem("checkpoint", None, f"checkpoint #{cp.pk}: {exc}")
            return report
        if (body.size, body.root, body.origin) != (cp.size, bytes(cp.root), origin(log)):
            report.problem = LogProblem(
                "checkpoint", None, f"checkpoint #{cp.pk} differs from its signed note"
            )
            return report
        report.checkpoints_checked += 1

    data_iter = iter(leaf_data) if leaf_data is not None else None
    frontier: list[tuple[int, bytes]] = []
    n = 0

    def check_targets(size: int) -> LogProblem | None:
        for label, expected in targets.get(size, ()):
            got = _fold([h for _, h in frontier])
            if got != expected:
                kind = "rewritten" if label == "the saved checkpoint" else "checkpoint"
                return LogProblem(
                    kind, None, f"the first {size} leaves do not have the root of {label}"
                )
        return None

    nodes = _NodeChecker(log)
    problem = check_targets(0)
    for index, h in _stream_leaves(log):
        if problem:
            break
        if index != n:
            problem = LogProblem("missing", n, f"leaves {n}..{index - 1} are missing")
            break
        if data_iter is not None:
            data = next(data_iter, _END)
            if data is _END or data is None:
                problem = LogProblem("missing", n, "the leaf's data is gone")
                break
            if leaf_hash(data) != h:
                problem = LogProblem("leaf", n, "the leaf's data does not match its hash")
                break
        height, acc = 0, h
        while frontier and frontier[-1][0] == height:
            acc = node_hash(frontier.pop()[1], acc)
            height += 1
            problem = nodes.check(height, n >> height, acc)
            if problem:
                break
        if problem:
            break
        frontier.append((height, acc))
        n += 1
        if on_progress and n % 100_000 == 0:
            on_progress(n)
        problem = check_targets(n)
    report.leaves_checked = n
    report.size = n
    if problem is None and data_iter is not None and next(data_iter, _END) is not _END:
        problem = LogProblem("inserted", n, "there is data for a leaf the log does not hold")
    if problem is None:
        beyond = [s for s in targets if s > n]
        if beyond:
            size = max(beyond)
            saved_beyond = saved is not None and saved.size > n
            kind = ("wiped" if n == 0 else "truncated") if saved_beyond else "checkpoint"
            problem = LogProblem(
                kind, n, f"a checkpoint covers {size} leaves, the log holds only {n}"
            )
    if (
        problem is None
        and head is not None
        and (head.size != n or _fold(_frontier(head)) != _fold([h for _, h in frontier]))
    ):
        problem = LogProblem(
            "head", None, f"the log's head says {head.size} leaves, the leaves are {n}"
        )
    if problem is None:
        problem = nodes.check_no_extra(n)
    report.problem = problem
    return report
