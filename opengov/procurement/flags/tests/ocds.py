"""Hand-made OCDS 1.1 compiled releases (bids extension) for the flag tests."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import duckdb

from opengov.core.jurisdiction import ProcurementFlagRules
from opengov.procurement.flags import load_bidder_links, load_compiled_releases, run


def bn(org: str) -> str:
    """The business number the parties list gives organisation `org`."""
    return f"BN-{org}"


def bid(
    tenderer, amount=None, *, status="valid", date=None, currency="TWD", bid_id=None, tenderers=None
):
    out = {
        "id": bid_id or f"bid-{tenderer}-{amount}",
        "status": status,
        "tenderers": [{"id": t, "name": f"Company {t}"} for t in (tenderers or [tenderer])],
    }
    if amount is not None:
        out["value"] = {"amount": amount, "currency": currency}
    if date is not None:
        out["date"] = date
    return out


def award(
    supplier,
    amount=None,
    *,
    status="active",
    date=None,
    items=(),
    award_id=None,
    suppliers=None,
    currency="TWD",
):
    out = {
        "id": award_id or f"award-{supplier}",
        "status": status,
        "suppliers": [{"id": s, "name": f"Company {s}"} for s in (suppliers or [supplier])],
    }
    if amount is not None:
        out["value"] = {"amount": amount, "currency": currency}
    if date is not None:
        out["date"] = date
    if items:
        out["items"] = [
            {"id": str(i), "classification": {"scheme": "UNSPSC", "id": code}}
            for i, code in enumerate(items)
        ]
    return out


def release(
    ocid,
    *,
    method="open",
    details=None,
    buyer="BUYER",
    tender_status="complete",
    start=None,
    end=None,
    estimate=None,
    number_of_tenderers=None,
    bids=None,
    awards=None,
    date="2025-01-01T00:00:00Z",
):
    tender = {"id": f"{ocid}-tender", "status": tender_status, "procurementMethod": method}
    if details is not None:
        tender["procurementMethodDetails"] = details
    if start or end:
        tender["tenderPeriod"] = {k: v for k, v in (("startDate", start), ("endDate", end)) if v}
    if estimate is not None:
        tender["value"] = {"amount": estimate, "currency": "TWD"}
    if number_of_tenderers is not None:
        tender["numberOfTenderers"] = number_of_tenderers
    orgs = {buyer}
    for b in bids or ():
        orgs.update(t["id"] for t in b["tenderers"])
    for a in awards or ():
        orgs.update(s["id"] for s in a["suppliers"])
    out = {
        "ocid": ocid,
        "id": f"{ocid}-1",
        "date": date,
        "tag": ["compiled"],
        "initiationType": "tender",
        "parties": [
            {"id": o, "name": f"Company {o}", "identifier": {"scheme": "TW-MOEA", "id": bn(o)}}
            for o in sorted(orgs)
        ],
        "buyer": {"id": buyer, "name": f"Company {buyer}"},
        "tender": tender,
    }
    if bids is not None:
        out["bids"] = {"details": bids}
    if awards is not None:
        out["awards"] = awards
    return out


def rules(**changes) -> ProcurementFlagRules:
    return dataclasses.replace(ProcurementFlagRules(), **changes)


def hits_for(tmp_path: Path, releases, code, *, links=(), **rule_changes):
    path = tmp_path / "compiled.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in releases))
    con = duckdb.connect()
    load_compiled_releases(con, path)
    load_bidder_links(con, links)
    return run(con, rules=rules(**rule_changes), codes=[code])


def by_subject(hits, subject):
    return {h.subject_id: h for h in hits if h.subject == subject}
