"""Reads of beneficial-ownership data: the graph around an entity, its ultimate owners, and the
public and restricted views of them."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from opengov.core import clock

from . import rules
from .models import Interest, Party, Relationship
from .ubo import Determination, Edge, Graph, Node, Path

#: how far up the network an entity page reads (levels of owners)
MAX_LEVELS = 30


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError):
        return None


def party_by_public_id(public_id: Any) -> Party | None:
    key = _uuid(public_id)
    return Party.objects.filter(public_id=key).first() if key else None


def party_by_registry_id(registry_id: Any) -> Party | None:
    key = _uuid(registry_id)
    return Party.objects.filter(registry_id=key).order_by("id").first() if key else None


def entities(term: str = "") -> QuerySet[Party]:
    """Entities, searchable by name or business number, by name."""
    qs = Party.objects.filter(kind=Party.Kind.ENTITY)
    term = (term or "").strip()
    if term:
        qs = qs.filter(Q(name__icontains=term) | Q(business_number=term))
    return qs.order_by("name", "record_id")


def _current(today) -> Q:
    return Q(end_date__isnull=True) | Q(end_date__gte=today)


@dataclass
class Network:
    """The parties and interests around one entity, as the computation and the page use them."""

    subject: Party
    parties: dict[str, Party]  # record_id -> party
    interests: list[tuple[Relationship, Interest]]
    unspecified: list[Relationship]
    graph: Graph


def _edge(rel: Relationship, interest: Interest) -> Edge:
    return Edge(
        owner=rel.interested_party.record_id,
        owned=rel.subject.record_id,
        kind=interest.type,
        share=rules.share_fraction(interest.share_min, interest.share_max),
        indirect=interest.direct_or_indirect == Interest.Directness.INDIRECT,
        ref=f"{rel.record_id}#{interest.pk}",
    )


def network(subject: Party, *, down: bool = True) -> Network:
    """Everything upstream of `subject` (its owners, their owners, ...) and, with `down`, the
    entities it holds directly: a few queries per level, never the whole register."""
    today = clock.today()
    seen = {subject.pk}
    frontier = {subject.pk}
    rows: dict[int, Interest] = {}
    unspecified: list[Relationship] = []
    for _ in range(MAX_LEVELS):
        if not frontier:
            break
        found = (
            Interest.objects.filter(_current(today), relationship__subject_id__in=frontier)
            .select_related("relationship__subject", "relationship__interested_party")
            .order_by("id")
        )
        nxt = set()
        for interest in found:
            rel = interest.relationship
            if rel.interested_party_id is None:
                continue
            rows[interest.pk] = interest
            if rel.interested_party_id not in seen:
                seen.add(rel.interested_party_id)
                nxt.add(rel.interested_party_id)
        frontier = nxt
    unspecified = list(
        Relationship.objects.filter(subject_id__in=seen, interested_party__isnull=True)
        .select_related("subject")
        .order_by("record_id")
    )
    if down:
        for interest in (
            Interest.objects.filter(_current(today), relationship__interested_party=subject)
            .select_related("relationship__subject", "relationship__interested_party")
            .order_by("id")
        ):
            rows.setdefault(interest.pk, interest)
    parties: dict[str, Party] = {subject.record_id: subject}
    pairs = []
    for interest in rows.values():
        rel = interest.relationship
        parties[rel.subject.record_id] = rel.subject
        parties[rel.interested_party.record_id] = rel.interested_party
        pairs.append((rel, interest))
    nodes = [Node(p.record_id, p.is_person, p.name) for p in parties.values()]
    graph = Graph(nodes, [_edge(rel, i) for rel, i in pairs])
    return Network(subject, parties, pairs, unspecified, graph)


def determination(net: Network) -> Determination:
    """The subject's beneficial owners under the profile in force."""
    from .ubo import beneficial_owners

    return beneficial_owners(net.graph, net.subject.record_id, rules.ubo_rules())


# --- views ----------------------------------------------------------------------------------


def _party_public(p: Party) -> dict[str, Any]:
    return {
        "id": str(p.public_id),
        "kind": p.kind,
        "type": p.subtype,
        "name": p.name,
        "jurisdiction": p.jurisdiction,
        "business_number": p.business_number if not p.is_person else "",
        "nationality": p.nationality if p.is_person else "",
        "registry_id": str(p.registry_id) if p.registry_id else None,
    }


def _party_full(p: Party) -> dict[str, Any]:
    return {
        **_party_public(p),
        "record_id": p.record_id,
        "birth_date": p.birth_date,
        "masked_id": p.masked_id,
        "address": p.address,
    }


def _path_public(path: Path, parties: dict[str, Party]) -> list[dict[str, Any]]:
    return [
        {
            "owner": parties[e.owner].name,
            "owned": parties[e.owned].name,
            "interest": e.kind,
            "band": rules.share_band(e.share) if e.share is not None else "",
            "indirect": e.indirect,
        }
        for e in path.edges
    ]


def _path_full(path: Path, parties: dict[str, Party]) -> dict[str, Any]:
    return {
        "share": rules.format_share(path.share),
        "share_min": round(path.share.lo * 100, 6),
        "share_max": round(path.share.hi * 100, 6),
        "steps": [
            {
                "owner": parties[e.owner].name,
                "owner_id": str(parties[e.owner].public_id),
                "owned": parties[e.owned].name,
                "interest": e.kind,
                "share": rules.format_share(e.share),
                "indirect": e.indirect,
            }
            for e in path.edges
        ],
    }


def public_edges(net: Network, det: Determination) -> set[tuple[str, str]]:
    """The links the public sees: between entities, and those on a beneficial owner's paths.
    A person who is not a beneficial owner, and their holdings, stay in the register."""
    shown = set()
    for rel, _ in net.interests:
        if not rel.interested_party.is_person:
            shown.add((rel.interested_party.record_id, rel.subject.record_id))
    for owner in det.owners:
        for path in owner.paths:
            for e in path.edges:
                shown.add((e.owner, e.owned))
    return shown


def public_view(net: Network, det: Determination) -> dict[str, Any]:
    """What the law lets be published about the subject's ownership (see `rules.py`)."""
    p = net.parties
    owners = [
        {
            "person": _party_public(p[h.person]),
            "basis": h.basis,
            "measure": h.measure,
            "band": rules.share_band(h.share) if h.share is not None else "",
            "direct": h.direct,
            "paths": [_path_public(x, p) for x in h.paths],
        }
        for h in det.owners
    ]
    shown = public_edges(net, det)
    links = []
    for rel, interest in net.interests:
        key = (rel.interested_party.record_id, rel.subject.record_id)
        if key not in shown:
            continue
        share = rules.share_fraction(interest.share_min, interest.share_max)
        links.append(
            {
                "owner": _party_public(rel.interested_party),
                "owned": _party_public(rel.subject),
                "interest": interest.type,
                "interest_label": rules.interest_label(interest.type),
                "direct_or_indirect": interest.direct_or_indirect,
                "band": rules.share_band(share) if share is not None else "",
            }
        )
    hidden = {h.person for h in det.holdings if h.person not in {o.person for o in det.owners}}
    return {
        "subject": _party_public(net.subject),
        "basis": det.basis,
        "steps": list(det.steps),
        "threshold_percent": rules.ubo_rules().threshold * 100,
        "owners": owners,
        "links": links,
        "cycles": [[p[k].name for k in c] for c in det.cycles],
        "converged": det.converged,
        "declared_unknown": [
            {"reason": r.unspecified_reason, "description": r.unspecified_description}
            for r in net.unspecified
            if r.subject_id == net.subject.pk
        ],
        "other_holders_not_shown": len(hidden),
    }


def restricted_view(net: Network, det: Determination) -> dict[str, Any]:
    """The whole register around the subject (AML reviewers; the caller audits the view)."""
    p = net.parties

    def holding(h) -> dict[str, Any]:
        return {
            "person": _party_full(p[h.person]),
            "basis": h.basis,
            "measure": h.measure,
            "share": rules.format_share(h.share) if h.share is not None else "",
            "share_min": round(h.share.lo * 100, 6) if h.share is not None else None,
            "share_max": round(h.share.hi * 100, 6) if h.share is not None else None,
            "through_cycles": rules.format_share(h.through_cycles),
            "passes": h.passes,
            "may_pass": h.may_pass,
            "direct": h.direct,
            "paths": [_path_full(x, p) for x in h.paths],
        }

    return {
        **public_view(net, det),
        "owners": [holding(h) for h in det.owners],
        "uncertain": [holding(h) for h in det.uncertain],
        "holdings": [holding(h) for h in det.holdings],
        "links": [
            {
                "owner": _party_full(rel.interested_party),
                "owned": _party_full(rel.subject),
                "interest": interest.type,
                "interest_label": rules.interest_label(interest.type),
                "direct_or_indirect": interest.direct_or_indirect,
                "share": rules.format_share(
                    rules.share_fraction(interest.share_min, interest.share_max)
                )
                if interest.share_min is not None or interest.share_max is not None
                else "",
                "share_min": float(interest.share_min) if interest.share_min is not None else None,
                "share_max": float(interest.share_max) if interest.share_max is not None else None,
            }
            for rel, interest in net.interests
        ],
        "paths_truncated": det.paths_truncated,
        "other_holders_not_shown": 0,
    }


def all_entities_for_export() -> Iterable[Party]:
    return Party.objects.filter(kind=Party.Kind.ENTITY).order_by("id").iterator(chunk_size=500)
