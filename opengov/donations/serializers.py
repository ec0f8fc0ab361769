"""The JSON shapes of the donations API and datasets (public data only: an individual's ID
stays as the Control Yuan masked it, addresses of individuals are left out)."""

from __future__ import annotations

from typing import Any

from . import rules
from .models import Election, Finding, ImportRun, Recipient, Transaction


def recipient(r: Recipient) -> dict[str, Any]:
    return {
        "id": str(r.public_id),
        "kind": r.kind,
        "name": r.name,
        "received": getattr(r, "received", None),
    }


def election(e: Election) -> dict[str, Any]:
    return {
        "id": str(e.public_id),
        "name": e.name,
        "office": e.office,
        "vote_date": e.vote_date,
        "window_set": bool(e.window_start and e.window_end),
        "collection_window": (
            {"start": window[0], "end": window[1]}
            if (window := rules.window_for(e.office, e.vote_date, e.window_start, e.window_end))
            else None
        ),
    }


def transaction(t: Transaction) -> dict[str, Any]:
    individual = t.donor_kind == "individual"
    return {
        "id": str(t.public_id),
        "recipient": t.filing.recipient.name,
        "recipient_id": str(t.filing.recipient.public_id),
        "election": t.filing.election.name if t.filing.election else None,
        "filing": t.filing.serial,
        "line": t.line,
        "date": t.date,
        "date_as_published": t.date_raw,
        "account": t.account,
        "donor_kind": t.donor_kind,
        "donor": t.donor_name,
        "business_number": t.business_number,
        "id_as_published": t.masked_id if individual else t.donor_id_raw,
        "income": t.income,
        "expenditure": t.expenditure,
        "method": t.method,
        "address": "" if individual else t.address,
        "flags": list(t.flags),
        "row_hash": t.row_hash,
        "version": t.version,
        "correction": t.correction_note,
    }


def finding(f: Finding) -> dict[str, Any]:
    return {
        "id": str(f.public_id),
        "rule": f.rule,
        "article": f.article,
        "recipient": f.recipient.name if f.recipient else None,
        "recipient_id": str(f.recipient.public_id) if f.recipient else None,
        "donor": f.donor_name,
        "business_number": f.business_number,
        "amount": f.amount,
        "limit": f.limit,
        "summary": f.summary,
        "confidence": f.confidence,
        "score": f.score,
        "evidence": f.evidence,
        "current": f.current,
        "reviewed": f.reviewed,
        "review_note": f.review_note,
        "detected_at": f.detected_at,
    }


def import_run(run: ImportRun, progress: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(run.public_id),
        "kind": run.kind,
        "filename": run.filename,
        "state": run.state,
        "encoding": run.encoding,
        "layout": run.layout,
        "total": run.total,
        "created": run.created,
        "corrected": run.corrected,
        "unchanged": run.unchanged,
        "flagged": run.flagged,
        "message": run.message,
        "rejections": run.rejections,
        "progress": progress,
    }
