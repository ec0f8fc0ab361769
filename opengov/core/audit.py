"""Writing and verifying the hash-chained audit log.

`record()` is called by services inside their transaction; it locks the chain head, so
appends are ordered and gap-free. `verify_chain()` recomputes every hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models, transaction

from . import clock
from .models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def _canonical(event: AuditEvent) -> bytes:
    payload = {
        "seq": event.seq,
        "uuid": str(event.uuid),
        # in UTC: the database gives times back in UTC whatever zone they were written in
        "created_at": event.created_at.astimezone(dt.UTC).isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "agency_code": event.agency_code,
        "verb": event.verb,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_repr": event.target_repr,
        "changes": event.changes,
        "public": event.public,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()


def compute_hash(event: AuditEvent) -> str:
    """HMAC-SHA256 of the event's content, chained through `prev_hash`."""
    return hmac.new(
        settings.AUDIT_CHAIN_KEY.encode(), _canonical(event), hashlib.sha256
    ).hexdigest()


def _target_fields(target: models.Model | None) -> tuple[str, str, str]:
    if target is None:
        return "", "", ""
    public_id = getattr(target, "public_id", None) or getattr(target, "uuid", None) or target.pk
    return target._meta.label_lower, str(public_id), str(target)[:300]


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def record(
    *,
    actor: Any,
    verb: str,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    agency_code: str = "",
    public: bool = False,
) -> AuditEvent:
    """Append one event. Must run inside the transaction of the action it records."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record() must be called inside the action's transaction")
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
    target_type, target_id, target_repr = _target_fields(target)
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    event = AuditEvent(
        seq=head.last_seq + 1,
        created_at=clock.now(),
        actor=actor if is_user else None,
        actor_label=(getattr(actor, "display_name", "") or str(actor))[:200]
        if is_user
        else "system",
        agency_code=agency_code,
        verb=verb,
        target_type=target_type,
        target_id=target_id,
        target_repr=target_repr,
        changes=_json_safe(changes or {}),
        public=public,
        prev_hash=head.last_hash,
    )
    event.hash = compute_hash(event)
    event.save(force_insert=True)
    head.last_seq, head.last_hash = event.seq, event.hash
    head.save(update_fields=["last_seq", "last_hash"])
    return event


@dataclass(frozen=True)
class ChainProblem:
    """The first place where the stored chain disagrees with the recomputed one."""

    seq: int
    kind: str  # altered | removed | inserted | truncated
    detail: str


def _events(batch: int = 2000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def verify_chain() -> tuple[int, ChainProblem | None]:
    """Recompute the chain; return (rows checked, first problem or None)."""
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    for event in _events():
        checked += 1
        if event.seq > expected_seq:
            return checked, ChainProblem(
                expected_seq, "removed", f"rows #{expected_seq}..#{event.seq - 1} are missing"
            )
        if event.prev_hash != expected_prev:
            kind = "inserted" if compute_hash(event) == event.hash else "altered"
            return checked, ChainProblem(
                event.seq, kind, "the link to the previous row does not match"
            )
        if compute_hash(event) != event.hash:
            return checked, ChainProblem(event.seq, "altered", "content does not match its hash")
        expected_prev, expected_seq = event.hash, event.seq + 1
    head = AuditChainHead.objects.filter(id=1).first()
    if head and (head.last_seq != expected_seq - 1 or head.last_hash != expected_prev):
        return checked, ChainProblem(
            expected_seq,
            "truncated",
            f"the chain head says #{head.last_seq}, the log ends at #{expected_seq - 1}",
        )
    return checked, None
