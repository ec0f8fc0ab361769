"""Offline checks of a signer's receipt and of a published tally (no database, no network).

`verify_receipt(receipt, trusted_keys)` checks, in order: the checkpoint's signed note by every
trusted key (the log's and, when given, the witness's), that the checkpoint is of the receipt's
log, the leaf's inclusion at its index in the checkpoint's tree (RFC 9162), and, when the
receipt carries the signed statement, that the leaf's commitment is SHA-256(salt || statement).
`verify_tally(leaves, checkpoint, keys)` recomputes the root of all leaves and the count.
Also run from the command line: `python -m opengov.referendums.verify receipt.json`.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from opengov.core import tlog

from . import tally


@dataclass
class Result:
    """The outcome of a check: ok, and each step's message."""

    ok: bool = True
    steps: list[str] = field(default_factory=list)
    error: str = ""

    def fail(self, message: str) -> Result:
        self.ok = False
        self.error = message
        return self


def _verifiers(keys: list[str]) -> list[tlog.NoteVerifier]:
    return [tlog.NoteVerifier.from_vkey(k) for k in keys]


def verify_receipt(receipt: dict[str, Any], trusted_keys: list[str] | None = None) -> Result:
    """Check a receipt offline against `trusted_keys` (default: the keys it carries)."""
    result = Result()
    try:
        keys = trusted_keys if trusted_keys is not None else list(receipt["verifier_keys"])
        verifiers = _verifiers(keys)
        note = receipt["checkpoint"]
        leaf = base64.b64decode(receipt["leaf"], validate=True)
        index = int(receipt["leaf_index"])
        proof = [bytes.fromhex(h) for h in receipt["inclusion_proof"]]
        salt = bytes.fromhex(receipt.get("salt", ""))
    except (KeyError, TypeError, ValueError, binascii.Error, tlog.NoteError) as exc:
        return result.fail(f"the receipt is malformed: {exc}")
    for verifier in verifiers:
        try:
            tlog.open_note(note, [verifier])
        except tlog.NoteError as exc:
            return result.fail(f"checkpoint signature by {verifier.name}: {exc}")
        result.steps.append(f"checkpoint signed by {verifier.name}")
    text, _ = tlog.open_note(note, verifiers)
    checkpoint = tlog.parse_checkpoint(text)
    if not checkpoint.origin.endswith("/" + receipt.get("log", "")):
        return result.fail(f"the checkpoint is of {checkpoint.origin}, not {receipt.get('log')}")
    result.steps.append(f"checkpoint of {checkpoint.origin} at size {checkpoint.size}")
    if not tlog.verify_inclusion(
        tlog.leaf_hash(leaf), index, checkpoint.size, proof, checkpoint.root
    ):
        return result.fail(f"leaf {index} is not included in the checkpoint's tree")
    result.steps.append(f"leaf {index} included in the tree of {checkpoint.size} leaves")
    try:
        parsed = tally.parse_leaf(leaf)
    except ValueError as exc:
        return result.fail(str(exc))
    statement = receipt.get("statement")
    if statement is not None:
        if parsed.get("commitment") != tally.commitment(salt, statement.encode()):
            return result.fail("the leaf's commitment is not of this statement")
        result.steps.append("the leaf commits to the signed statement")
    return result


def verify_consistency(old_note: str, new_note: str, proof: list[str], keys: list[str]) -> Result:
    """Check that the log at `new_note` extends the log at `old_note` (no rewrite, no fork)."""
    result = Result()
    try:
        verifiers = _verifiers(keys)
        old = tlog.parse_checkpoint(tlog.open_note(old_note, verifiers)[0])
        new = tlog.parse_checkpoint(tlog.open_note(new_note, verifiers)[0])
    except tlog.NoteError as exc:
        return result.fail(f"checkpoint: {exc}")
    if old.origin != new.origin:
        return result.fail("the checkpoints are of different logs")
    hashes = [bytes.fromhex(h) for h in proof]
    if not tlog.verify_consistency(old.size, new.size, old.root, new.root, hashes):
        return result.fail(f"the log at {new.size} does not extend the log at {old.size}")
    result.steps.append(f"the log at {new.size} extends the log at {old.size}")
    return result


def verify_tally(leaves: list[bytes], note: str, keys: list[str]) -> tuple[Result, dict]:
    """Recompute the checkpoint's root from every leaf, and the count accepted − deleted."""
    result = Result()
    try:
        checkpoint = tlog.parse_checkpoint(tlog.open_note(note, _verifiers(keys))[0])
    except tlog.NoteError as exc:
        return result.fail(f"checkpoint: {exc}"), {}
    if len(leaves) < checkpoint.size:
        return result.fail(f"{len(leaves)} leaves for a checkpoint of {checkpoint.size}"), {}
    leaves = leaves[: checkpoint.size]
    if tlog.root_hash([tlog.leaf_hash(d) for d in leaves]) != checkpoint.root:
        return result.fail("the leaves do not hash to the checkpoint's root"), {}
    counts = tally.count_leaves(leaves)
    result.steps.append(f"{checkpoint.size} leaves hash to the root; count {counts['count']}")
    return result, counts


def main(argv: list[str] | None = None) -> int:
    """Command line: check a receipt file (JSON) offline; exit 0 when it holds."""
    parser = argparse.ArgumentParser(description="Check a referendum signature receipt offline.")
    parser.add_argument("receipt", help="the receipt (JSON file, - for standard input)")
    parser.add_argument(
        "--key",
        action="append",
        default=None,
        help="a trusted verifier key (vkey); repeat for the witness; default: the receipt's",
    )
    parser.add_argument("--statement", help="the signed statement (file), to check the leaf")
    args = parser.parse_args(argv)
    raw = (
        sys.stdin.read() if args.receipt == "-" else Path(args.receipt).read_text(encoding="utf-8")
    )
    try:
        receipt = json.loads(raw)
    except ValueError:
        print("FAIL: the receipt is not JSON")
        return 2
    if args.statement:
        receipt["statement"] = Path(args.statement).read_text(encoding="utf-8")
    result = verify_receipt(receipt, args.key)
    for step in result.steps:
        print("ok:", step)
    if not result.ok:
        print("FAIL:", result.error)
        return 1
    print("receipt verified")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
