"""What the platform queries of a compiled release (pure, no database): parties, tender, bids,
awards and contracts as plain values, ready for the services to store.

A contract's category is its process's `tender.mainProcurementCategory`; its amount is its own
`value`, else its award's; its performance starts at `period.startDate`, else at `dateSigned`,
and ends at `period.endDate` (none: not finished). A party's business number (統一編號) is an
8-digit identifier under a Taiwanese scheme (`TW-MOEA`, or any `TW-…`), in `identifier` or
`additionalIdentifiers`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .ocds import objects, parse_date, parse_datetime, text, value_of

CATEGORIES = ("works", "goods", "services")
_EIGHT_DIGITS = re.compile(r"\d{8}")


@dataclass
class PartyValues:
    """A party of the compiled release."""

    party_id: str
    name: str
    scheme: str
    identifier: str
    business_number: str
    key: str
    roles: list[str]
    address: str
    telephone: str


@dataclass
class TenderValues:
    """The tender of the compiled release."""

    tender_id: str
    title: str
    status: str
    method: str
    method_details: str
    category: str
    amount: Decimal | None
    currency: str
    period_start: dt.datetime | None
    period_end: dt.datetime | None
    number_of_tenderers: int | None


@dataclass
class BidValues:
    """A bid (bid extension) and the party ids of its tenderers."""

    bid_id: str
    date: dt.datetime | None
    status: str
    amount: Decimal | None
    currency: str
    tenderer_ids: list[str]


@dataclass
class AwardValues:
    """An award and the party ids of its suppliers."""

    award_id: str
    title: str
    status: str
    date: dt.datetime | None
    amount: Decimal | None
    currency: str
    supplier_ids: list[str]


@dataclass
class ContractValues:
    """A contract with its category, amount and performance period."""

    contract_id: str
    award_id: str
    title: str
    status: str
    category: str
    amount: Decimal | None
    currency: str
    date_signed: dt.date | None
    period_start: dt.date | None
    period_end: dt.date | None


@dataclass
class Projection:
    """Everything stored of one compiled release."""

    ocid: str
    title: str
    buyer_name: str
    buyer_identifier: str
    procurement_method: str
    category: str
    date: dt.datetime | None
    parties: list[PartyValues] = field(default_factory=list)
    tender: TenderValues | None = None
    bids: list[BidValues] = field(default_factory=list)
    awards: list[AwardValues] = field(default_factory=list)
    contracts: list[ContractValues] = field(default_factory=list)


def business_number_of(party: dict[str, Any]) -> str:
    """The unified business number a party's identifiers carry, or ""."""
    candidates = [party.get("identifier"), *objects(party.get("additionalIdentifiers"))]
    for ident in candidates:
        if not isinstance(ident, dict):
            continue
        scheme = text(ident.get("scheme"), 60).upper()
        value = text(ident.get("id"), 200).strip()
        if scheme.startswith("TW") and _EIGHT_DIGITS.fullmatch(value):
            return value
    return ""


def _party(p: dict[str, Any]) -> PartyValues:
    ident = p.get("identifier") if isinstance(p.get("identifier"), dict) else {}
    address = p.get("address") if isinstance(p.get("address"), dict) else {}
    contact = p.get("contactPoint") if isinstance(p.get("contactPoint"), dict) else {}
    address_text = " ".join(
        text(address.get(k), 200)
        for k in ("postalCode", "region", "locality", "streetAddress")
        if text(address.get(k), 200)
    )
    roles = (
        [r for r in p.get("roles") or [] if isinstance(r, str)]
        if isinstance(p.get("roles"), list)
        else []
    )
    return PartyValues(
        party_id=text(p.get("id"), 200),
        name=text(p.get("name"), 500),
        scheme=text(ident.get("scheme"), 60),
        identifier=text(ident.get("id"), 200),
        business_number=business_number_of(p),
        key=(text(ident.get("id"), 200).strip() or text(p.get("id"), 200)),
        roles=roles,
        address=address_text[:500],
        telephone=text(contact.get("telephone"), 60),
    )


def _ids(refs: Any) -> list[str]:
    return [text(r.get("id"), 200) for r in objects(refs) if text(r.get("id"), 200)]


def project(compiled: dict[str, Any]) -> Projection:
    """The values stored of one compiled release."""
    tender = compiled.get("tender") if isinstance(compiled.get("tender"), dict) else {}
    buyer = compiled.get("buyer") if isinstance(compiled.get("buyer"), dict) else {}
    parties = [_party(p) for p in objects(compiled.get("parties")) if text(p.get("id"), 200)]
    by_id = {p.party_id: p for p in parties}
    buyer_party = by_id.get(text(buyer.get("id"), 200))
    category = text(tender.get("mainProcurementCategory"), 20)
    category = category if category in CATEGORIES else ""
    amount, currency = value_of(tender.get("value"))
    period = tender.get("tenderPeriod") if isinstance(tender.get("tenderPeriod"), dict) else {}
    count = tender.get("numberOfTenderers")
    result = Projection(
        ocid=text(compiled.get("ocid"), 200),
        title=text(tender.get("title"), 1000),
        buyer_name=text(buyer.get("name"), 500) or (buyer_party.name if buyer_party else ""),
        buyer_identifier=buyer_party.key if buyer_party else text(buyer.get("id"), 200),
        procurement_method=text(tender.get("procurementMethod"), 40),
        category=category,
        date=parse_datetime(compiled.get("date")),
        parties=parties,
    )
    if tender:
        result.tender = TenderValues(
            tender_id=text(tender.get("id"), 200),
            title=result.title,
            status=text(tender.get("status"), 40),
            method=result.procurement_method,
            method_details=text(tender.get("procurementMethodDetails"), 500),
            category=category,
            amount=amount,
            currency=currency[:3],
            period_start=parse_datetime(period.get("startDate")),
            period_end=parse_datetime(period.get("endDate")),
            number_of_tenderers=count if isinstance(count, int) and count >= 0 else None,
        )
    bids = compiled.get("bids") if isinstance(compiled.get("bids"), dict) else {}
    for b in objects(bids.get("details")):
        b_amount, b_currency = value_of(b.get("value"))
        result.bids.append(
            BidValues(
                bid_id=text(b.get("id"), 200),
                date=parse_datetime(b.get("date")),
                status=text(b.get("status"), 20),
                amount=b_amount,
                currency=b_currency[:3],
                tenderer_ids=_ids(b.get("tenderers")),
            )
        )
    award_values: dict[str, tuple[Decimal | None, str]] = {}
    for a in objects(compiled.get("awards")):
        a_amount, a_currency = value_of(a.get("value"))
        award_id = text(a.get("id"), 200)
        award_values[award_id] = (a_amount, a_currency)
        result.awards.append(
            AwardValues(
                award_id=award_id,
                title=text(a.get("title"), 1000),
                status=text(a.get("status"), 20),
                date=parse_datetime(a.get("date")),
                amount=a_amount,
                currency=a_currency[:3],
                supplier_ids=_ids(a.get("suppliers")),
            )
        )
    for c in objects(compiled.get("contracts")):
        c_amount, c_currency = value_of(c.get("value"))
        award_id = text(c.get("awardID"), 200)
        if c_amount is None and award_id in award_values:
            c_amount, c_currency = award_values[award_id]
        c_period = c.get("period") if isinstance(c.get("period"), dict) else {}
        signed = parse_date(c.get("dateSigned"))
        result.contracts.append(
            ContractValues(
                contract_id=text(c.get("id"), 200),
                award_id=award_id,
                title=text(c.get("title"), 1000),
                status=text(c.get("status"), 20),
                category=category,
                amount=c_amount,
                currency=c_currency[:3],
                date_signed=signed,
                period_start=parse_date(c_period.get("startDate")) or signed,
                period_end=parse_date(c_period.get("endDate")),
            )
        )
    return result
