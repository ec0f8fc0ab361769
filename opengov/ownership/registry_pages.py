"""The ownership section of the registry's company and person pages (public view only)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import rules, selectors
from .models import Interest, Party

#: entities below a person looked at for the person page
MAX_ENTITIES = 50


def organisation_section(org: Any, request: HttpRequest) -> dict[str, Any] | None:
    """The organisation's beneficial owners, when the ownership register knows it."""
    party = selectors.party_by_registry_id(org.public_id)
    if party is None or party.is_person:
        return None
    net = selectors.network(party)
    det = selectors.determination(net)
    return {"party": party, "view": selectors.public_view(net, det), "restricted": False}


def person_section(person: Any, request: HttpRequest) -> dict[str, Any] | None:
    """The entities the person is a beneficial owner of."""
    party = selectors.party_by_registry_id(person.public_id)
    if party is None or not party.is_person:
        return None
    seen = {party.pk}
    frontier = {party.pk}
    entities: list[Party] = []
    while frontier and len(entities) < MAX_ENTITIES:
        below = (
            set(
                Interest.objects.filter(relationship__interested_party_id__in=frontier).values_list(
                    "relationship__subject_id", flat=True
                )
            )
            - seen
        )
        seen |= below
        frontier = below
        entities.extend(Party.objects.filter(pk__in=below).order_by("name"))
    held = []
    for entity in entities[:MAX_ENTITIES]:
        det = selectors.determination(selectors.network(entity, down=False))
        for owner in det.owners:
            if owner.person == party.record_id:
                band = rules.share_band(owner.share) if owner.share is not None else owner.basis
                held.append({"entity": entity, "band": band})
    if not held:
        return None
    return {"held": held}


def register() -> None:
    from opengov.registry.pages import register_section

    register_section(
        "ownership",
        title=_("Beneficial owners"),
        template="ownership/_registry_section.html",
        organisation=organisation_section,
        order=10,
    )
    register_section(
        "ownership-person",
        title=_("Beneficial owner of"),
        template="ownership/_registry_person.html",
        person=person_section,
        order=10,
    )
