"""Storing what the verification rules find (`verification.run_all`): the findings are
replaced by the current ones, a finding found again keeps its review (`finding_key`), a
finding no longer found stops being current. Called by `services.findings_refresh` (an
analyst's request) and after every import and correction list has committed
(`runs.refresh_findings`)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction

from opengov.core import audit, clock

from .models import Finding, Transaction

#: findings written per statement (an UPDATE of many rows grows with the square of it)
BATCH = 200


def finding_key(hit: Any) -> str:
    """What makes a finding the same one across refreshes (so its review is kept)."""
    first = min(hit.tx_ids) if hit.tx_ids else 0
    text = f"{hit.code}|{hit.recipient_id}|{hit.donor_key}|{hit.detail}|{first}"
    return hashlib.sha256(text.encode()).hexdigest()


@transaction.atomic
def store(*, actor: Any) -> dict[str, int]:
    """Run every rule and store the findings (the caller checks who may); returns the
    counts: found, new, no longer found."""
    from . import verification  # DuckDB is loaded by the processes that run the rules only

    hits = verification.run_all()
    ids = {i for h in hits for i in h.tx_ids}
    txs = {
        t["id"]: t
        for t in Transaction.objects.filter(id__in=ids).values(
            "id", "public_id", "row_hash", "date", "income", "donor_name"
        )
    }
    now = clock.now()
    kept = dict(Finding.objects.values_list("key", "pk"))  # key -> id, nothing more
    seen = set()
    new: list[Finding] = []
    found_again: list[Finding] = []
    for hit in hits:
        key = finding_key(hit)
        if key in seen:
            continue
        seen.add(key)
        evidence = {
            "detail": hit.detail,
            "transactions": [
                {
                    "id": str(txs[i]["public_id"]),
                    "row_hash": txs[i]["row_hash"],
                    "date": txs[i]["date"].isoformat() if txs[i]["date"] else None,
                    "amount": txs[i]["income"],
                    "donor": txs[i]["donor_name"],
                }
                for i in hit.tx_ids
                if i in txs
            ],
        }
        values = {
            "rule": hit.code,
            "article": hit.article,
            "recipient_id": hit.recipient_id,
            "donor_name": hit.donor_name[:200],
            "business_number": hit.business_number[:8],
            "amount": hit.amount,
            "limit": hit.limit,
            "summary": verification.summary(hit)[:500],
            "evidence": evidence,
            "confidence": hit.confidence,
            "score": hit.score,
            "current": True,
        }
        if key in kept:
            found_again.append(Finding(pk=kept[key], **values))
        else:
            new.append(Finding(key=key, detected_at=now, **values))
    Finding.objects.bulk_create(new, batch_size=BATCH)
    if found_again:  # the fields of `values` (the same for every hit); key, detection, review kept
        Finding.objects.bulk_update(found_again, list(values), batch_size=BATCH)
    gone = Finding.objects.filter(current=True).exclude(key__in=seen).update(current=False)
    counts = {"found": len(seen), "new": len(new), "no_longer_found": gone}
    audit.record(actor=actor, verb="donations.findings_refreshed", changes=counts)
    return counts
