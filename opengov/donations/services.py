"""Every write of the donations app: starting an import, setting an election's office and
vote date, refreshing the findings of the verification rules, reviewing a finding. Each is
atomic, checks permission, and records its audit event in the same transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from opengov.core import audit, clock
from opengov.core.errors import ServiceError

from . import jobs, rules
from .models import Election, Finding, ImportRun, Office, Transaction
from .permissions import require_analyst


@transaction.atomic
def import_start(*, actor: Any, filename: str, data: bytes, election_name: str = "") -> ImportRun:
    """Accept a Control Yuan file and queue its import (all or nothing, with a report); the
    job starts once this transaction commits."""
    require_analyst(actor)
    if not data:
        raise ServiceError("required", _("The file is empty."), field="file")
    limit = rules.donation_rules().import_max_bytes
    if len(data) > limit:
        raise ServiceError(
            "too_large",
            _("The file is larger than %(mib)d MiB.") % {"mib": limit // (1024 * 1024)},
            field="file",
        )
    run = ImportRun.objects.create(
        filename=(filename or "upload.csv")[:255],
        data=data,
        size=len(data),
        election_name=(election_name or "").strip()[:200],
        created_by=actor,
        created_at=clock.now(),
    )
    audit.record(
        actor=actor,
        verb="donations.import_started",
        target=run,
        changes={"filename": run.filename, "size": run.size, "election": run.election_name},
    )
    pk = run.pk
    transaction.on_commit(lambda: jobs.start_import(pk))
    return run


@transaction.atomic
def election_update(
    *, actor: Any, election: Election, office: str, vote_date: dt.date | None
) -> Election:
    """Set an election's office and vote date (the collection window follows, Art. 12)."""
    require_analyst(actor)
    if office not in Office.values:
        raise ServiceError("invalid", _("Choose an office."), field="office")
    before = {"office": election.office, "vote_date": election.vote_date}
    election.office = office
    election.vote_date = vote_date
    election.save(update_fields=["office", "vote_date"])
    audit.record(
        actor=actor,
        verb="donations.election_updated",
        target=election,
        changes={"before": before, "after": {"office": office, "vote_date": vote_date}},
    )
    return election


def finding_key(hit: Any) -> str:
    """What makes a finding the same one across refreshes (so its review is kept)."""
    first = min(hit.tx_ids) if hit.tx_ids else 0
    text = f"{hit.code}|{hit.recipient_id}|{hit.donor_key}|{hit.detail}|{first}"
    return hashlib.sha256(text.encode()).hexdigest()


@transaction.atomic
def findings_refresh(*, actor: Any) -> dict[str, int]:
    """Run every verification rule over the stored transactions and the registry, ownership
    and procurement data, and replace the current findings (reviews are kept on findings
    found again; findings no longer found stop being current)."""
    from . import verification

    if actor is not None:
        require_analyst(actor)
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


@transaction.atomic
def finding_review(*, actor: Any, finding: Finding, note: str) -> Finding:
    """An analyst marks a finding reviewed, with a note saying what was checked."""
    require_analyst(actor)
    note = (note or "").strip()
    if not note:
        raise ServiceError("required", _("Say what you checked."), field="note")
    if len(note) > 4000:
        raise ServiceError("too_long", _("At most 4000 characters."), field="note")
    finding.reviewed = True
    finding.review_note = note
    finding.reviewed_by = actor
    finding.reviewed_at = clock.now()
    finding.save(update_fields=["reviewed", "review_note", "reviewed_by", "reviewed_at"])
    audit.record(
        actor=actor,
        verb="donations.finding_reviewed",
        target=finding,
        changes={"rule": finding.rule, "note": note},
    )
    return finding
