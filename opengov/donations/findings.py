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
            "id", "public_id", "row_hash", "date", "income", "donor_name", "filing__recipient_id"
        )
    }
    now = clock.now()
    kept = {f.key: f for f in Finding.objects.all()}
    seen = set()
    created = 0
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
        finding = kept.get(key)
        if finding is None:
            Finding.objects.create(key=key, detected_at=now, **values)
            created += 1
        else:
            Finding.objects.filter(pk=finding.pk).update(**values)
    gone = Finding.objects.filter(current=True).exclude(key__in=seen).update(current=False)
    counts = {"found": len(seen), "new": created, "no_longer_found": gone}
    audit.record(actor=actor, verb="donations.findings_refreshed", changes=counts)
    return counts
