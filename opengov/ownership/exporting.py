"""Writing the register out: BODS 0.4 statements and FollowTheMoney entities.

The public export holds what `rules.py` says may be published: entities, the links between
them, and beneficial owners with their links, shares as bands and no personal details. The
full export (AML reviewers, audited by the caller) holds every party and exact share.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings

from opengov.core import clock

from . import bods, rules, selectors
from .models import Interest, Party, Relationship, Source

PUBLISHER = "opengov"


def _band_range(share_min: Any, share_max: Any) -> tuple[float | None, float | None, bool]:
    """The public band of an exact share or range, as (minimum, maximum, exclusiveMinimum)."""
    fraction = rules.share_fraction(share_min, share_max)
    if fraction is None:
        return None, None, False
    bands = sorted(rules.jurisdiction().ownership.public_share_bands)
    lo = fraction.lo * 100
    lower = 0.0
    exclusive = False
    for b in bands:
        if b < 100 and lo > b + 1e-9:
            lower, exclusive = b, True
    upper = next((b for b in bands if b > lower), 100.0)
    if lo >= 100 - 1e-9:
        return 100.0, 100.0, False
    return lower, upper, exclusive


class Publication:
    """Which parties and links an export holds."""

    def __init__(self, *, full: bool) -> None:
        self.full = full
        self.public_people: set[int] = set()
        self.public_links: set[tuple[int, int]] = set()
        if not full:
            self._compute()

    def _compute(self) -> None:
        for entity in Party.objects.filter(kind=Party.Kind.ENTITY).order_by("id"):
            if not entity.owned_by.exists():
                continue
            net = selectors.network(entity, down=False)
            det = selectors.determination(net)
            by_record = net.parties
            for owner in det.owners:
                self.public_people.add(by_record[owner.person].pk)
            for a, b in selectors.public_edges(net, det):
                self.public_links.add((by_record[a].pk, by_record[b].pk))

    def party_shown(self, party: Party) -> bool:
        return self.full or not party.is_person or party.pk in self.public_people

    def link_shown(self, rel: Relationship) -> bool:
        if self.full or rel.interested_party_id is None:
            return True
        return (rel.interested_party_id, rel.subject_id) in self.public_links


def _entity_details(p: Party) -> dict[str, Any]:
    details: dict[str, Any] = {
        "isComponent": False,
        "entityType": {"type": p.subtype or "registeredEntity"},
        "name": p.name,
    }
    if p.jurisdiction:
        details["jurisdiction"] = {"code": p.jurisdiction, "name": p.jurisdiction}
    identifiers = [
        {"scheme": i["scheme"], "id": str(i["id"])}
        for i in p.identifiers or []
        if isinstance(i, dict) and i.get("scheme") and i.get("id")
    ]
    if identifiers:
        details["identifiers"] = identifiers
    return details


def _person_details(p: Party, full: bool) -> dict[str, Any]:
    details: dict[str, Any] = {"isComponent": False, "personType": p.subtype or "knownPerson"}
    if details["personType"] == "knownPerson" or p.name:
        details["names"] = [{"type": "legal", "fullName": p.name}] if p.name else []
        if not details["names"]:
            details.pop("names")
    if p.nationality:
        details["nationalities"] = [{"code": p.nationality, "name": p.nationality}]
    if full:
        if p.birth_date:
            details["birthDate"] = p.birth_date
        if p.address:
            details["addresses"] = [{"type": "residence", "address": p.address}]
    return details


def _interest(i: Interest, full: bool, owner_is_public_person: bool) -> dict[str, Any]:
    item: dict[str, Any] = {
        "type": i.type,
        "directOrIndirect": i.direct_or_indirect,
        "beneficialOwnershipOrControl": i.beneficial_ownership_or_control,
    }
    if i.share_min is not None or i.share_max is not None:
        if full:
            item["share"] = bods.share_object(i.share_min, i.share_max)
        else:
            lo, hi, exclusive = _band_range(i.share_min, i.share_max)
            if lo is not None:
                item["share"] = bods.share_object(lo, hi, exclusive_minimum=exclusive)
    if i.start_date:
        item["startDate"] = i.start_date.isoformat()
    if i.end_date:
        item["endDate"] = i.end_date.isoformat()
    if full and i.details:
        item["details"] = i.details
    return item


def bods_statements(*, full: bool = False) -> Iterator[dict[str, Any]]:
    """Every record as BODS 0.4 statements: parties first, then relationships."""
    today = clock.today()
    publication = bods.publication(today, getattr(settings, "OPENGOV_PUBLISHER", PUBLISHER))
    shown = Publication(full=full)
    subject_of: dict[int, str] = {}
    for rel in Relationship.objects.select_related("subject").order_by("id"):
        if rel.interested_party_id and rel.interested_party_id not in subject_of:
            subject_of[rel.interested_party_id] = rel.subject.record_id
    for p in Party.objects.order_by("kind", "id"):
        if not shown.party_shown(p):
            continue
        yield {
            "statementId": bods.statement_id(p.record_id, p.updated_at.isoformat()),
            "declarationSubject": p.record_id
            if not p.is_person
            else subject_of.get(p.pk, p.record_id),
            "statementDate": p.updated_at.date().isoformat(),
            "recordId": p.record_id,
            "recordType": "person" if p.is_person else "entity",
            "recordStatus": "new",
            "recordDetails": _person_details(p, full) if p.is_person else _entity_details(p),
            "publicationDetails": publication,
            "source": {"type": ["officialRegister"]},
        }
    rels = (
        Relationship.objects.select_related("subject", "interested_party", "source")
        .prefetch_related("interests")
        .order_by("id")
    )
    for rel in rels:
        if not shown.link_shown(rel):
            continue
        if rel.interested_party_id and not shown.party_shown(rel.interested_party):
            continue
        party: Any = (
            rel.interested_party.record_id
            if rel.interested_party_id
            else {
                "reason": rel.unspecified_reason,
                **(
                    {"description": rel.unspecified_description}
                    if rel.unspecified_description
                    else {}
                ),
            }
        )
        details: dict[str, Any] = {
            "isComponent": False,
            "subject": rel.subject.record_id,
            "interestedParty": party,
        }
        interests = [_interest(i, full, True) for i in rel.interests.all()]
        if interests:
            details["interests"] = interests
        source_type = (
            "selfDeclaration"
            if rel.source and rel.source.kind == Source.Kind.DECLARATION
            else "officialRegister"
        )
        yield {
            "statementId": bods.statement_id(rel.record_id, rel.created_at.isoformat()),
            "declarationSubject": rel.subject.record_id,
            "statementDate": (rel.statement_date or rel.created_at.date()).isoformat(),
            "recordId": rel.record_id,
            "recordType": "relationship",
            "recordStatus": "new",
            "recordDetails": details,
            "publicationDetails": publication,
            "source": {"type": [source_type]},
        }


# --- FollowTheMoney -------------------------------------------------------------------------


def ftm_entities(*, full: bool = False) -> Iterator[dict[str, Any]]:
    """Company, Person, Ownership and Directorship entities (followthemoney), public part
    unless `full`."""
    from followthemoney import model

    shown = Publication(full=full)
    ids: dict[int, str] = {}
    for p in Party.objects.order_by("id"):
        if not shown.party_shown(p):
            continue
        schema = (
            "Person"
            if p.is_person
            else ("Company" if p.subtype != "arrangement" else "LegalEntity")
        )
        proxy = model.make_entity(schema)
        proxy.id = f"og-{p.public_id}"
        proxy.add("name", p.name or p.record_id)
        if p.is_person:
            proxy.add("nationality", p.nationality.lower() if p.nationality else None, quiet=True)
            if full and p.birth_date:
                proxy.add("birthDate", p.birth_date, quiet=True)
        else:
            proxy.add(
                "jurisdiction", p.jurisdiction.lower() if p.jurisdiction else None, quiet=True
            )
            if p.business_number:
                proxy.add("registrationNumber", p.business_number)
        ids[p.pk] = proxy.id
        yield proxy.to_dict()
    rels = (
        Relationship.objects.filter(interested_party__isnull=False)
        .select_related("subject", "interested_party")
        .prefetch_related("interests")
        .order_by("id")
    )
    control = (
        set(rules.ubo_rules().control_types)
        | set(rules.ubo_rules().senior_types)
        | {
            "boardMember",
            "boardChair",
        }
    )
    for rel in rels:
        if not shown.link_shown(rel):
            continue
        owner, asset = ids.get(rel.interested_party_id), ids.get(rel.subject_id)
        if owner is None or asset is None:
            continue
        for i in rel.interests.all():
            if i.type in control:
                proxy = model.make_entity("Directorship")
                proxy.id = f"og-dir-{rel.public_id}-{i.pk}"
                proxy.add("director", owner)
                proxy.add("organization", asset)
                proxy.add("role", i.type)
            else:
                proxy = model.make_entity("Ownership")
                proxy.id = f"og-own-{rel.public_id}-{i.pk}"
                proxy.add("owner", owner)
                proxy.add("asset", asset)
                proxy.add("ownershipType", i.type)
                if i.share_min is not None:
                    if full:
                        proxy.add(
                            "percentage",
                            rules.format_share(rules.share_fraction(i.share_min, i.share_max)),
                        )
                    else:
                        proxy.add(
                            "percentage",
                            rules.share_band(rules.share_fraction(i.share_min, i.share_max)),
                        )
            if i.start_date:
                proxy.add("startDate", i.start_date.isoformat())
            if i.end_date:
                proxy.add("endDate", i.end_date.isoformat())
            yield proxy.to_dict()
