"""Reads of political donations: recipients, elections, transactions, who gave to whom,
findings, search, and the money trail from a donation to the donor company's directors,
ultimate owners and public contracts (registry, ownership and procurement selectors)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Count, Q, QuerySet, Sum

from opengov.ownership import selectors as ownership_selectors
from opengov.registry import selectors as registry_selectors

from . import names
from .models import (
    DonorKind,
    Election,
    Finding,
    ImportRun,
    Recipient,
    Transaction,
    TransactionVersion,
)


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def recipient_by_public_id(public_id: Any) -> Recipient | None:
    """The candidate or party with this public id, or None."""
    key = _uuid(public_id)
    return Recipient.objects.filter(public_id=key).first() if key else None


def election_by_public_id(public_id: Any) -> Election | None:
    """The election with this public id, or None."""
    key = _uuid(public_id)
    return Election.objects.filter(public_id=key).first() if key else None


def transaction_by_public_id(public_id: Any) -> Transaction | None:
    """The transaction with this public id, or None."""
    key = _uuid(public_id)
    if key is None:
        return None
    return (
        Transaction.objects.select_related("filing__recipient", "filing__election")
        .filter(public_id=key)
        .first()
    )


def finding_by_public_id(public_id: Any) -> Finding | None:
    """The finding with this public id, or None."""
    key = _uuid(public_id)
    return (
        Finding.objects.select_related("recipient").filter(public_id=key).first() if key else None
    )


def import_run_by_public_id(runs: QuerySet[ImportRun], public_id: Any) -> ImportRun | None:
    """An import run among those the caller may see, to show: without its uploaded file
    (`data`, read by the job only; the import page polls this)."""
    key = _uuid(public_id)
    return runs.defer("data").filter(public_id=key).first() if key else None


def transactions() -> QuerySet[Transaction]:
    """Every transaction with its filing, recipient and election, newest first."""
    return Transaction.objects.select_related("filing__recipient", "filing__election").order_by(
        "-date", "id"
    )


def donations() -> QuerySet[Transaction]:
    """Income rows (donations), newest first."""
    return transactions().exclude(donor_kind="expense").filter(income__gt=0)


def search_donations(term: str) -> QuerySet[Transaction]:
    """Donations whose donor, recipient, election or business number contains `term`
    (Chinese without spaces: 臺/台 and widths folded on the donor's name)."""
    term = (term or "").strip()[:100]
    if not term:
        return donations()
    key = names.normalise(term)
    q = (
        Q(donor_name__icontains=term)
        | Q(filing__recipient__name__icontains=term)
        | Q(filing__election__name__icontains=term)
        | Q(business_number=term)
    )
    if key:
        q |= Q(normalised_donor__contains=key)
    return donations().filter(q)


def recipients(term: str = "") -> QuerySet[Recipient]:
    """Candidates and parties with their donation totals, by name."""
    qs = Recipient.objects.annotate(
        received=Sum("filings__transactions__income"),
        rows=Count("filings__transactions"),
    ).order_by("normalised_name", "id")
    term = (term or "").strip()[:100]
    if term:
        qs = qs.filter(Q(name__icontains=term) | Q(normalised_name__contains=names.normalise(term)))
    return qs


def elections() -> QuerySet[Election]:
    """Elections, latest vote first."""
    return Election.objects.order_by("-vote_date", "name")


@dataclass
class GiverRow:
    """One donor's total to one recipient."""

    donor_name: str
    business_number: str
    donor_kind: str
    recipient: Recipient | None
    total: int
    count: int

    @property
    def kind_label(self) -> str:
        """The donor kind in the reader's language."""
        return str(DonorKind(self.donor_kind).label)


def givers(
    *,
    recipient: Recipient | None = None,
    business_number: str = "",
    election: Election | None = None,
    limit: int = 200,
) -> list[GiverRow]:
    """Who gave to whom and how much, biggest totals first."""
    qs = donations()
    if recipient is not None:
        qs = qs.filter(filing__recipient=recipient)
    if business_number:
        qs = qs.filter(business_number=business_number)
    if election is not None:
        qs = qs.filter(filing__election=election)
    rows = (
        qs.values("donor_name", "business_number", "donor_kind", "filing__recipient_id")
        .annotate(total=Sum("income"), count=Count("id"))
        .order_by("-total", "donor_name")[:limit]
    )
    people = Recipient.objects.in_bulk({r["filing__recipient_id"] for r in rows})
    return [
        GiverRow(
            r["donor_name"],
            r["business_number"],
            r["donor_kind"],
            people.get(r["filing__recipient_id"]),
            r["total"] or 0,
            r["count"],
        )
        for r in rows
    ]


def totals_by_kind(
    *, recipient: Recipient | None = None, election: Election | None = None
) -> list[dict[str, Any]]:
    """Donation income by donor kind (for the charts and their tables), with shares."""
    qs = donations()
    if recipient is not None:
        qs = qs.filter(filing__recipient=recipient)
    if election is not None:
        qs = qs.filter(filing__election=election)
    rows = list(qs.values("donor_kind").annotate(total=Sum("income"), count=Count("id")))
    grand = sum(r["total"] or 0 for r in rows) or 1
    rows.sort(key=lambda r: -(r["total"] or 0))
    for r in rows:
        r["percent"] = round((r["total"] or 0) * 100 / grand, 1)
        r["label"] = str(DonorKind(r["donor_kind"]).label)
    return rows


def findings(
    *,
    rule: str = "",
    recipient: Recipient | None = None,
    business_number: str = "",
    include_old: bool = False,
) -> QuerySet[Finding]:
    """Findings (current ones unless `include_old`), by rule then amount."""
    qs = Finding.objects.select_related("recipient")
    if not include_old:
        qs = qs.filter(current=True)
    if rule:
        qs = qs.filter(rule=rule)
    if recipient is not None:
        qs = qs.filter(recipient=recipient)
    if business_number:
        qs = qs.filter(business_number=business_number)
    return qs.order_by("rule", "-amount", "id")


def findings_for_transaction(tx: Transaction) -> list[Finding]:
    """Current findings whose evidence includes this transaction."""
    key = str(tx.public_id)
    qs = Finding.objects.filter(current=True, recipient_id=tx.filing.recipient_id)
    return [f for f in qs if any(t["id"] == key for t in f.evidence.get("transactions", []))]


def versions(tx: Transaction) -> QuerySet[TransactionVersion]:
    """Every version of a transaction, oldest first, with what each changed."""
    return tx.versions.order_by("version")


# --- the money trail -----------------------------------------------------------------------


def contracts_won_by(business_numbers: Iterable[str]) -> list[Any]:
    """Contracts awarded to these companies, with their red flags (procurement selector;
    none on a platform that runs without the procurement app)."""
    if not apps.is_installed("opengov.procurement"):
        return []
    from opengov.procurement import selectors as procurement_selectors

    numbers = sorted({n for n in business_numbers if n})
    return list(procurement_selectors.contracts_won_by(numbers)) if numbers else []


@dataclass
class CompanyTrail:
    """A donor company: its registry record, directors, ultimate owners, the owner companies
    above it, the contracts it and they won, and the other recipients it gave to."""

    business_number: str
    name: str
    organisation: Any = None
    directors: list[Any] = field(default_factory=list)
    owners: list[dict[str, Any]] = field(default_factory=list)
    owner_companies: list[dict[str, str]] = field(default_factory=list)
    contracts: list[Any] = field(default_factory=list)
    gave_to: list[GiverRow] = field(default_factory=list)


def _registry_side(trail: CompanyTrail, *, full: bool) -> list[str]:
    """Fill the trail from the registry and the ownership register; returns the business
    numbers of the owner companies. Without `full`, only the name and the owner companies
    (what the recipient page shows): no directors, no beneficial-owner determination."""
    org = registry_selectors.organisation_by_business_number(trail.business_number)
    if org is None:
        return []
    trail.organisation = org
    trail.name = org.name
    if full:
        trail.directors = list(registry_selectors.board(org))
    party = ownership_selectors.party_by_registry_id(org.public_id)
    if party is None or party.is_person:
        return []
    net = ownership_selectors.network(party, down=False)
    if full:
        view = ownership_selectors.public_view(net, ownership_selectors.determination(net))
        trail.owners = view["owners"]
    for p in net.parties.values():
        if not p.is_person and p.pk != party.pk and p.business_number:
            trail.owner_companies.append({"name": p.name, "business_number": p.business_number})
    return [c["business_number"] for c in trail.owner_companies]


def company_trail(business_number: str, name: str = "") -> CompanyTrail:
    """The money trail of one donor company."""
    trail = CompanyTrail(business_number, name)
    owner_numbers = _registry_side(trail, full=True)
    trail.contracts = contracts_won_by([business_number, *owner_numbers])
    trail.gave_to = givers(business_number=business_number)
    return trail


def recipient_companies(recipient: Recipient) -> list[CompanyTrail]:
    """The companies behind a recipient's donations, biggest first, each with its name, its
    owner companies and the contracts it and they won (one contracts query for all)."""
    rows = (
        donations()
        .filter(filing__recipient=recipient)
        .exclude(business_number="")
        .values("business_number")
        .annotate(total=Sum("income"))
        .order_by("-total")[:50]
    )
    trails = [CompanyTrail(r["business_number"], "") for r in rows]
    numbers = {
        t.business_number: {t.business_number, *_registry_side(t, full=False)} for t in trails
    }
    won = contracts_won_by(set().union(*numbers.values())) if trails else []
    for t in trails:
        mine = numbers[t.business_number]
        t.contracts = [c for c in won if c.supplier_business_number in mine]
    return trails


def company_donations(business_number: str) -> list[GiverRow]:
    """What a company gave, to whom (the registry's company page)."""
    if not business_number:
        return []
    return givers(business_number=business_number)
