"""Builds the verification tables from the stored filings and from what the registry,
ownership and procurement apps know (through their selectors), matches individual donors
(`persons`), and runs the checks (`checks`). Read-only: `services.findings_refresh` stores
the results."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import duckdb
from django.apps import apps
from django.utils.translation import gettext as _

from opengov.ownership import selectors as ownership_selectors
from opengov.registry import selectors as registry_selectors

from . import checks, names, persons, rules
from .models import Transaction


def large_contracts(business_numbers: set[str]) -> Iterator[tuple[Any, ...]]:
    """(business number, ocid, title, category, amount, start, end) of large procurement
    contracts held by
    these companies (the procurement app's `large_procurement_periods`; none on a platform
    that runs without the procurement app)."""
    if not apps.is_installed("opengov.procurement"):
        return
    from opengov.procurement import selectors as procurement_selectors

    for c in procurement_selectors.large_procurement_periods():
        if c.supplier_business_number in business_numbers:
            yield (
                c.supplier_business_number,
                c.ocid,
                c.title,
                c.category,
                float(c.amount),
                c.start,
                c.end,
            )


def _foreign_members(org: Any) -> str:
    flags = registry_selectors.main_member_flags(org)
    found = [name for name, value in flags.items() if value]
    party = ownership_selectors.party_by_registry_id(org.public_id)
    if party is not None and not party.is_person:
        det = ownership_selectors.determination(ownership_selectors.network(party, down=False))
        net_parties = {
            p.record_id: p for p in ownership_selectors.network(party, down=False).parties.values()
        }
        for owner in det.owners:
            person = net_parties.get(owner.person)
            nationality = (getattr(person, "nationality", "") or "").upper()
            if nationality and nationality not in ("TW", "TWN", "中華民國"):
                found.append(f"owner:{nationality}")
    return " ".join(found)


def _ended_on(org: Any, status: str, recorded: dt.date | None) -> dt.date | None:
    """When the registry's history first shows the company dissolved (or revoked)."""
    days = [r.valid_from for r in org.status_records.all() if r.status == status and r.valid_from]
    if recorded:
        days.append(recorded)
    return min(days) if days else None


def _company_rows(
    numbers: set[str],
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    companies, history, links = [], [], []
    orgs = []
    for number in sorted(numbers):
        org = registry_selectors.organisation_by_business_number(number)
        if org is None or org.business_number != number:
            continue
        orgs.append(org)
        companies.append(
            (
                number,
                names.normalise(org.name),
                org.status,
                _ended_on(org, "dissolved", org.dissolved_on),
                _ended_on(org, "revoked", org.revoked_on),
                float(org.government_share) if org.government_share is not None else None,
                org.party_invested,
                [int(y) for y in (org.accumulated_loss_years or [])],
                _foreign_members(org),
            )
        )
        history.append((number, names.normalise(org.name), None, None))
        for former in registry_selectors.former_names(org):
            history.append(
                (number, names.normalise(former.name), former.valid_from, former.valid_to)
            )
    if orgs:
        for sharing in registry_selectors.organisations_sharing(
            orgs, reasons=("address", "representative", "director")
        ):
            other = sharing.organisation.business_number
            for org in orgs:
                if org.business_number == other or not other:
                    continue
                for reason, values in sharing.reasons.items():
                    shared = _shared_with(org, sharing.organisation, reason, values)
                    if shared:
                        a, b = sorted((org.business_number, other))
                        links.append((a, b, reason, shared))
    return companies, history, links


def _shared_with(a: Any, b: Any, reason: str, values: list[str]) -> str:
    if reason == "address":
        return a.address if a.normalised_address == b.normalised_address else ""
    if reason == "representative":
        ok = a.normalised_representative == b.normalised_representative
        return a.representative if ok else ""
    mine = {s.person.name for s in registry_selectors.board(a) if s.person_id}
    return ", ".join(sorted(mine & set(values)))


def build(con: duckdb.DuckDBPyConnection | None = None) -> duckdb.DuckDBPyConnection:
    """The verification tables over every stored transaction."""
    con = con or checks.connect()
    rows = list(
        Transaction.objects.select_related("filing__recipient", "filing__election")
        .order_by("id")
        .values_list(
            "id",
            "row_hash",
            "filing__recipient_id",
            "filing__recipient__kind",
            "filing__election__office",
            "filing__election__vote_date",
            "date",
            "donor_kind",
            "donor_name",
            "normalised_donor",
            "business_number",
            "masked_id",
            "address",
            "income",
            "method",
            "flags",
            "filing__election__window_start",
            "filing__election__window_end",
        )
    )
    people = [
        persons.PersonRecord(r[0], r[9], r[11], names.normalise(r[12]))
        for r in rows
        if r[7] == "individual"
    ]
    matched = persons.match(people, threshold=rules.donation_rules().person_match_score)
    tx = []
    numbers = set()
    for r in rows:
        (
            pk,
            digest,
            recipient,
            kind,
            office,
            vote,
            date,
            donor_kind,
            name,
            norm,
            number,
            _masked,
            _address,
            income,
            method,
            flags,
            window_start,
            window_end,
        ) = r
        valid_number = number and not any(f.startswith("bn_") for f in flags)
        score = None
        if donor_kind == "individual" and pk in matched:
            key, score = matched[pk]
        elif valid_number:
            key = f"bn:{number}"
            numbers.add(number)
        else:
            key = f"n:{donor_kind}:{norm}"
        tx.append(
            (
                pk,
                digest,
                recipient,
                kind,
                office or None,
                vote,
                date,
                donor_kind,
                key,
                name,
                norm,
                number if valid_number else "",
                income,
                rules.is_cash(method),
                list(flags),
                score,
                window_start,
                window_end,
            )
        )
    checks.load(con, "tx", tx)
    companies, history, links = _company_rows(numbers)
    checks.load(con, "companies", companies)
    checks.load(con, "company_names", history)
    checks.load(con, "links", links)
    checks.load(con, "contracts", large_contracts(numbers))
    return con


def run_all() -> list[checks.Hit]:
    """Every check over the stored data."""
    con = build()
    try:
        return checks.run(con)
    finally:
        con.close()


TITLES = {
    "limit_candidate": _("Over the annual limit to one candidate"),
    "limit_candidates_total": _("Over the annual limit to all candidates"),
    "limit_party": _("Over the annual limit to one party"),
    "limit_parties_total": _("Over the annual limit to all parties"),
    "party_to_nominee": _("Party over its limit to its nominee"),
    "anonymous_each": _("Anonymous donation above the limit"),
    "anonymous_share": _("Anonymous donations above the share of income"),
    "cash": _("Cash donation above the limit"),
    "window": _("Donation outside the collection window"),
    "state_owned": _("Donor company owned by the government"),
    "contractor": _("Donor holds a large procurement contract"),
    "accumulated_loss": _("Donor company with accumulated losses"),
    "dissolved": _("Donor company dissolved or revoked"),
    "foreign": _("Donor company with foreign or mainland main members"),
    "party_business": _("Donor company run or invested in by a party"),
    "invalid_number": _("Invalid business number"),
    "name_mismatch": _("Donor name differs from the registry"),
    "split_donor": _("Donations split across related companies"),
    "double_cap": _("December and January donations around a January vote"),
    "heaping": _("Amounts heaped at or just under a limit"),
    "benford_first": _("First digits unlike Benford's law"),
    "benford_second": _("Second digits unlike Benford's law"),
}


def title(code: str) -> str:
    """The rule's title in the current language."""
    return str(TITLES.get(code, code))


def summary(hit: checks.Hit) -> str:
    """One line saying what the finding is."""
    parts = [title(hit.code)]
    if hit.donor_name:
        parts.append(hit.donor_name)
    if hit.amount is not None:
        parts.append(f"NT${hit.amount:,}")
    if hit.limit is not None:
        parts.append(_("limit NT$%(limit)s") % {"limit": f"{hit.limit:,}"})
    if hit.detail:
        parts.append(hit.detail)
    return " · ".join(parts)


def collection_window(election: Any) -> tuple[dt.date, dt.date] | None:
    """The election's collection window: the one set for it, else the one of Art. 12 ¶1
    when its vote date is known."""
    return rules.window_for(
        election.office, election.vote_date, election.window_start, election.window_end
    )
