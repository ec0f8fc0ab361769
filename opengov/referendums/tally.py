"""The verifiable tally of a case: leaves of its transparency log and signed checkpoints.

Every counted signature is a leaf holding a salted commitment (no identity); every deletion
after a household check is a leaf naming the deleted leaf's index and the Art. 10 or 13
reason. The count anyone can compute from the leaves is accepted − deleted. The log itself is
`core.tlog` (RFC 9162 hashing, C2SP checkpoints and signed notes, Ed25519), one log per case.

Leaf formats (UTF-8, LF-terminated lines):

    opengov-referendum-leaf v1      opengov-referendum-leaf v1
    sign                            delete
    <stage>                         <leaf index>
    <commitment, 64 hex>            <reason code>
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from opengov.core import tlog

LEAF_HEADER = "opengov-referendum-leaf v1"


def commitment(salt: bytes, statement: bytes) -> str:
    """The salted commitment to a signed statement: SHA-256(salt || statement), hex."""
    return hashlib.sha256(salt + statement).hexdigest()


def sign_leaf(stage: str, commit: str) -> bytes:
    """The leaf of a counted signature."""
    return f"{LEAF_HEADER}\nsign\n{stage}\n{commit}\n".encode()


def delete_leaf(index: int, reason: str) -> bytes:
    """The leaf of a deletion (Art. 10, 13) of the signature at leaf `index`."""
    return f"{LEAF_HEADER}\ndelete\n{index}\n{reason}\n".encode()


def parse_leaf(data: bytes) -> dict[str, Any]:
    """Read a leaf back: {"kind": "sign", "stage", "commitment"} or {"kind": "delete", ...}."""
    lines = data.decode().split("\n")
    if len(lines) != 5 or lines[0] != LEAF_HEADER or lines[4] != "":
        raise ValueError("not a referendum leaf")
    if lines[1] == "sign":
        return {"kind": "sign", "stage": lines[2], "commitment": lines[3]}
    if lines[1] == "delete":
        return {"kind": "delete", "index": int(lines[2]), "reason": lines[3]}
    raise ValueError("unknown leaf kind")


def count_leaves(leaves: list[bytes], stage: str | None = None) -> dict[str, int]:
    """Accepted, deleted and counted signatures in a list of leaves (what anyone can redo)."""
    accepted: dict[int, str] = {}
    deleted: set[int] = set()
    for index, data in enumerate(leaves):
        leaf = parse_leaf(data)
        if leaf["kind"] == "sign":
            accepted[index] = leaf["stage"]
        elif leaf["index"] in accepted:
            deleted.add(leaf["index"])
    wanted = [i for i, s in accepted.items() if stage is None or s == stage]
    gone = [i for i in deleted if stage is None or accepted[i] == stage]
    return {"accepted": len(wanted), "deleted": len(gone), "count": len(wanted) - len(gone)}


def new_salt() -> bytes:
    """A fresh 32-byte salt for one commitment."""
    return os.urandom(32)


def witness_signer() -> Any | None:
    """The optional witness's signer (`REFERENDUM_WITNESS_KEY`, a base64 Ed25519 seed), or None.

    In production the witness (say, the Control Yuan or a civic group) holds its own key and
    co-signs through `opengov referendum_witness`; a deployment may instead configure the
    seed so checkpoints are co-signed as they are issued.
    """
    seed = getattr(settings, "REFERENDUM_WITNESS_KEY", "")
    if not seed:
        return None
    return tlog.signer_from_seed(settings.REFERENDUM_WITNESS_NAME, base64.b64decode(seed))


def verifier_keys(log: str) -> list[str]:
    """The vkeys that check this log's checkpoints: the log's and the witness's, if any."""
    keys = [tlog.log_verifier(log).vkey]
    witness = witness_signer()
    if witness is not None:
        keys.append(witness.verifier.vkey)
    elif getattr(settings, "REFERENDUM_WITNESS_VKEY", ""):
        keys.append(settings.REFERENDUM_WITNESS_VKEY)
    return keys


@dataclass(frozen=True)
class Receipt:
    """What a signer keeps: their leaf, its inclusion proof and the checkpoint it proves to."""

    case: str
    log: str
    leaf_index: int
    leaf: bytes
    salt: bytes
    proof: list[bytes]
    checkpoint: str
    verifier_keys: list[str]

    def as_dict(self) -> dict[str, Any]:
        """The receipt as JSON-ready data (bytes in base64, hashes in hex)."""
        return {
            "format": "opengov-referendum-receipt v1",
            "case": self.case,
            "log": self.log,
            "leaf_index": self.leaf_index,
            "leaf": base64.b64encode(self.leaf).decode(),
            "salt": self.salt.hex(),
            "inclusion_proof": [h.hex() for h in self.proof],
            "checkpoint": self.checkpoint,
            "verifier_keys": self.verifier_keys,
        }
