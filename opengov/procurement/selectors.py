"""Reads of the procurement app, including those other apps call (donations asks whether a
company held a large-procurement contract in performance on a date: Political Donations Act
Art. 7 ¶1(2))."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse

from opengov.core.clock import local_zone
from opengov.registry import selectors as registry_selectors

from . import rules
from .flags import FLAGS
from .models import Award, Contract, FlagHit, Party, Record


@dataclass(frozen=True)
class LargeContract:
    """A large-procurement (巨額採購) contract and one of its suppliers, with its performance
    period."""

    ocid: str
    contract_id: str
    title: str
    buyer_name: str
    supplier_business_number: str
    supplier_name: str
    category: str  # "works" | "goods" | "services"
    amount: Decimal
    currency: str
    start: dt.date
    end: dt.date | None  # performance period (None: not finished)
    url: str  # the process page


@dataclass(frozen=True)
class ContractWon:
    """An award won by a supplier, with the red flags of its process."""

    ocid: str
    award_id: str
    title: str
    buyer_name: str
    supplier_business_number: str
    supplier_name: str
    amount: Decimal | None
    currency: str
    date: dt.date | None
    flag_codes: tuple[str, ...]
    url: str


def process_url(ocid: str) -> str:
    """The page of a contracting process."""
    return reverse("procurement:process", args=[ocid])


def _large_q() -> Q:
    """Contracts whose amount reaches their category's large-procurement threshold, in the
    profile's currency (rules.is_large, as a query)."""
    currency = rules.rules().currency
    q = Q(pk__in=[])
    for category in rules.CATEGORIES:
        q |= Q(category=category, amount__gte=rules.large_threshold(category))
    return q & Q(currency__in=[currency, ""]) & ~Q(status="cancelled")


def large_contracts() -> QuerySet[Contract]:
    """Every large-procurement contract that has a performance start (not cancelled)."""
    return (
        Contract.objects.filter(_large_q(), period_start__isnull=False, award__isnull=False)
        .select_related("record", "award")
        .order_by("record__ocid", "contract_id", "pk")
    )


def _large_rows(contracts: Iterable[Contract], business_number: str | None = None):
    for contract in contracts:
        suppliers = contract.award.suppliers.all()
        for supplier in suppliers:
            if business_number is not None and supplier.business_number != business_number:
                continue
            yield LargeContract(
                ocid=contract.record.ocid,
                contract_id=contract.contract_id,
                title=contract.title or contract.record.title,
                buyer_name=contract.record.buyer_name,
                supplier_business_number=supplier.business_number,
                supplier_name=supplier.name,
                category=contract.category,
                amount=contract.amount,
                currency=contract.currency or rules.rules().currency,
                start=contract.period_start,
                end=contract.period_end,
                url=process_url(contract.record.ocid),
            )


def large_procurement_in_performance(business_number: str, on: dt.date) -> list[LargeContract]:
    """The large-procurement contracts the organisation with this business number held in
    performance on `on` (start ≤ on ≤ end, or no end yet)."""
    number = (business_number or "").strip()
    if not number:
        return []
    contracts = (
        large_contracts()
        .filter(award__suppliers__business_number=number, period_start__lte=on)
        .filter(Q(period_end__isnull=True) | Q(period_end__gte=on))
        .prefetch_related("award__suppliers")
        .distinct()
    )
    return [
        row
        for row in _large_rows(contracts, number)
        if rules.in_performance(row.start, row.end, on)
    ]


def large_procurement_periods() -> Iterator[LargeContract]:
    """Every large-procurement contract with each of its suppliers (bulk analytics)."""
    contracts = large_contracts().prefetch_related("award__suppliers")
    yield from _large_rows(contracts.iterator(chunk_size=500))


def contracts_won_by(business_numbers: Iterable[str]) -> list[ContractWon]:
    """Awards (active, or without a status; not pending, cancelled or unsuccessful) whose
    suppliers include one of these organisations, newest first, with the codes of the red
    flags of their processes."""
    numbers = sorted({n.strip() for n in business_numbers if n and n.strip()})
    if not numbers:
        return []
    awards = (
        Award.objects.filter(suppliers__business_number__in=numbers)
        .exclude(status__in=["pending", "cancelled", "unsuccessful"])
        .select_related("record")
        .prefetch_related("suppliers")
        .distinct()
        .order_by("-date", "record__ocid", "award_id")
    )
    awards = list(awards)
    ocids = {a.record.ocid for a in awards}
    codes: dict[str, set[str]] = {}
    for ocid, code in FlagHit.objects.filter(ocid__in=ocids).values_list("ocid", "code"):
        codes.setdefault(ocid, set()).add(code)
    wanted = set(numbers)
    rows = []
    for award in awards:
        for supplier in award.suppliers.all():
            if supplier.business_number not in wanted:
                continue
            rows.append(
                ContractWon(
                    ocid=award.record.ocid,
                    award_id=award.award_id,
                    title=award.title or award.record.title,
                    buyer_name=award.record.buyer_name,
                    supplier_business_number=supplier.business_number,
                    supplier_name=supplier.name,
                    amount=award.amount,
                    currency=award.currency,
                    date=award.date.astimezone(local_zone()).date() if award.date else None,
                    flag_codes=tuple(sorted(codes.get(award.record.ocid, ()))),
                    url=process_url(award.record.ocid),
                )
            )
    return rows


# ---- processes ------------------------------------------------------------------------------


def record_by_ocid(ocid: str) -> Record | None:
    """The process with this ocid, or None."""
    return Record.objects.filter(ocid=ocid).first()


def supplier_parties(business_number: str) -> QuerySet[Party]:
    """Every party across processes that carries this business number."""
    return Party.objects.filter(business_number=business_number).select_related("record")


def records(term: str = "") -> QuerySet[Record]:
    """Processes, newest first; `term` searches the ocid, title and buyer."""
    rows = Record.objects.all()
    term = (term or "").strip()[:100]
    if term:
        rows = rows.filter(
            Q(ocid__icontains=term) | Q(title__icontains=term) | Q(buyer_name__icontains=term)
        )
    return rows.order_by("-date", "ocid")


def process_detail(ocid: str) -> Record | None:
    """A process with its stage tables, or None."""
    return (
        Record.objects.filter(ocid=ocid)
        .select_related("tender")
        .prefetch_related("parties", "bids__tenderers", "awards__suppliers", "contracts")
        .first()
    )


def process_flags(record: Record) -> QuerySet[FlagHit]:
    """Every red flag found on this process (whatever its subject)."""
    return FlagHit.objects.filter(ocid=record.ocid).order_by("code", "subject_id", "pk")


def buyer_records(identifier: str) -> QuerySet[Record]:
    """The processes of one buyer (by its key: identifier, else party id)."""
    return Record.objects.filter(buyer_identifier=identifier).order_by("-date", "ocid")


def buyer_name(identifier: str) -> str:
    """The buyer's latest name ("" when unknown)."""
    return (
        buyer_records(identifier)
        .exclude(buyer_name="")
        .values_list("buyer_name", flat=True)
        .first()
        or ""
    )


def subject_flags(subject: str, subject_id: str) -> QuerySet[FlagHit]:
    """Red flags raised on a buyer, supplier or tenderer as a whole, and on its processes."""
    return FlagHit.objects.filter(subject=subject, subject_id=subject_id).order_by(
        "code", "ocid", "pk"
    )


def buyer_process_flags(identifier: str) -> QuerySet[FlagHit]:
    """Process flags of one buyer's processes."""
    return FlagHit.objects.filter(record__buyer_identifier=identifier, subject="process").order_by(
        "code", "ocid", "pk"
    )


def supplier_key_parties(key: str) -> QuerySet[Party]:
    """The parties a supplier page is about: by their key (business number or identifier,
    else party id; as the red-flag engine keys organisations)."""
    return Party.objects.filter(key=key)


def supplier_awards(key: str) -> QuerySet[Award]:
    """Awards won by the supplier (by business number or party id)."""
    return (
        Award.objects.filter(suppliers__in=supplier_key_parties(key))
        .select_related("record")
        .distinct()
        .order_by("-date", "record__ocid")
    )


def supplier_bids(key: str):
    """Bids the supplier took part in."""
    from .models import Bid

    return (
        Bid.objects.filter(tenderers__in=supplier_key_parties(key))
        .select_related("record")
        .distinct()
        .order_by("-date", "record__ocid")
    )


def supplier_flags(key: str) -> QuerySet[FlagHit]:
    """Flags raised on the supplier as supplier or tenderer, and on processes it won."""
    ocids = supplier_awards(key).values_list("record__ocid", flat=True)
    return FlagHit.objects.filter(
        Q(subject__in=["supplier", "tenderer"], subject_id=key)
        | Q(subject="process", ocid__in=ocids)
    ).order_by("code", "ocid", "pk")


def import_runs() -> QuerySet:
    """Every import run, newest first."""
    from .models import ImportRun

    return ImportRun.objects.all()


def process_releases(record: Record) -> QuerySet:
    """The releases of a process as published, oldest first (their ids, dates and tags: the
    published JSON, which can be large, is read only when a release is downloaded)."""
    from .models import Release

    return Release.objects.filter(ocid=record.ocid).defer("data").order_by("date", "pk")


def large_contract_ids(record: Record) -> set[int]:
    """Primary keys of the process's contracts that are large procurement."""
    return set(Contract.objects.filter(_large_q(), record=record).values_list("pk", flat=True))


def registry_organisation(party: Party) -> Any:
    """The registry organisation of a party (by its business number), or None."""
    if party.organisation_public_id:
        found = registry_selectors.organisation_by_public_id(party.organisation_public_id)
        if found is not None:
            return found
    if party.business_number:
        return registry_selectors.organisation_by_business_number(party.business_number)
    return None


def flag_definitions() -> dict[str, Any]:
    """The red-flag definitions by code (the engine's registry)."""
    return dict(FLAGS)


def supplier_key_for(business_number: str) -> str:
    """The supplier-page key of an organisation known by business number."""
    key = (
        Party.objects.filter(business_number=business_number).values_list("key", flat=True).first()
    )
    return key or business_number


def release(ocid: str, release_id: str):
    """One stored release, or None."""
    from .models import Release

    return Release.objects.filter(ocid=ocid, release_id=release_id).first()


def all_flags(code: str = "") -> QuerySet[FlagHit]:
    """Every stored red flag (of one code, when given)."""
    rows = FlagHit.objects.all()
    if code:
        rows = rows.filter(code=code)
    return rows.order_by("code", "ocid", "subject_id", "pk")


def flag_counts() -> dict[str, int]:
    """How many hits each flag has."""
    from django.db.models import Count

    return dict(
        FlagHit.objects.values_list("code").annotate(n=Count("pk")).values_list("code", "n")
    )


def notice_max_bytes() -> int:
    """The largest PCC notice file accepted."""
    return rules.rules().notice_import_max_bytes


def records_by_ocids(ocids: Iterable[str]) -> QuerySet[Record]:
    """The processes with these ocids (a project's processes)."""
    return Record.objects.filter(ocid__in=list(ocids)).order_by("-date", "ocid")


def registry_board(organisation: Any) -> QuerySet:
    """The current directors and supervisors of a registry organisation."""
    return registry_selectors.board(organisation).select_related("person")


def public_questions(project: Any) -> QuerySet:
    """A project's questions that are not hidden, newest first."""
    return project.questions.filter(hidden_reason="").order_by("-asked_at", "id")
