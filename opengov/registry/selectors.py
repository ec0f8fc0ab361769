"""Reads of the registry, for its own pages and API and for the apps built on it (ownership,
procurement, donations): lookups by business number or public id, an organisation as it was
on a date, organisations that share an address, a representative or a director, search.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from opengov.core import clock
from opengov.core.search import text_search_q

from . import matching, rules
from .models import (
    BoardSeat,
    MatchCandidate,
    Organisation,
    OrganisationName,
    OrganisationRedirect,
    OrganisationStatusRecord,
    Person,
    Position,
)


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def _valid_on(on: dt.date) -> Q:
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=on)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gt=on)
    )


def organisation_by_business_number(
    number: str, *, on: dt.date | None = None
) -> Organisation | None:
    """The organisation with this unified business number (valid ones first), or None.

    With `on`, the number is checked with the rule in force on that date; a number that fails
    the check can still name an organisation registered with it (flagged).
    """
    value, flag = rules.business_number_flag(number, on=on)
    if not value:
        return None
    rows = Organisation.objects.filter(business_number=value).order_by("business_number_flag", "pk")
    if flag:  # a failing number only finds an organisation that carries it as flagged
        rows = rows.exclude(business_number_flag="")
    return rows.first()


def organisation_by_public_id(public_id: Any) -> Organisation | None:
    """The organisation with this public id, or None (also for a malformed id)."""
    value = _uuid(public_id)
    if value is None:
        return None
    found = Organisation.objects.filter(public_id=value).first()
    if found is None:  # merged into another: its id still leads there
        redirect = (
            OrganisationRedirect.objects.filter(public_id=value)
            .select_related("organisation")
            .first()
        )
        found = redirect.organisation if redirect else None
    return found


def person_by_public_id(public_id: Any) -> Person | None:
    """The person with this public id, or None (also for a malformed id)."""
    value = _uuid(public_id)
    if value is None:
        return None
    return Person.objects.filter(public_id=value).first()


def organisations_by_public_ids(public_ids: Iterable[Any]) -> dict[str, Organisation]:
    """Organisations by public id (as text), for apps that hold many references."""
    values = [v for v in (_uuid(p) for p in public_ids) if v is not None]
    found = {str(o.public_id): o for o in Organisation.objects.filter(public_id__in=values)}
    for redirect in OrganisationRedirect.objects.filter(public_id__in=values).select_related(
        "organisation"
    ):
        found.setdefault(str(redirect.public_id), redirect.organisation)
    return found


@dataclass(frozen=True)
class OrganisationOnDate:
    """What the registry says an organisation was on a date: its name, status and board."""

    organisation: Organisation
    on: dt.date
    name: str
    status: str
    status_text: str
    board: list[BoardSeat]


def organisation_as_of(organisation: Organisation, on: dt.date) -> OrganisationOnDate:
    """The organisation's name, status and board on `on` (from the kept history)."""
    name_row = (
        OrganisationName.objects.filter(organisation=organisation)
        .filter(_valid_on(on))
        .exclude(source="merge")
        .order_by("-valid_from", "-id")
        .first()
    )
    status_row = (
        OrganisationStatusRecord.objects.filter(organisation=organisation)
        .filter(_valid_on(on))
        .order_by("-valid_from", "-id")
        .first()
    )
    status = status_row.status if status_row else organisation.status
    status = rules.status_on(
        status,
        suspended_from=organisation.suspended_from,
        suspended_until=organisation.suspended_until,
        on=on,
    )
    board = list(
        BoardSeat.objects.filter(organisation=organisation)
        .filter(_valid_on(on))
        .select_related("person", "represents")
        .order_by("order", "id")
    )
    return OrganisationOnDate(
        organisation=organisation,
        on=on,
        name=name_row.name if name_row else organisation.name,
        status=status,
        status_text=status_row.status_text if status_row else organisation.status_text,
        board=board,
    )


def current_status(organisation: Organisation, on: dt.date | None = None) -> str:
    """The organisation's status today (a suspension past its end date is over)."""
    return rules.status_on(
        organisation.status,
        suspended_from=organisation.suspended_from,
        suspended_until=organisation.suspended_until,
        on=on or clock.today(),
    )


def former_names(organisation: Organisation) -> list[OrganisationName]:
    """Names the organisation no longer bears, newest first."""
    return list(
        organisation.names.exclude(normalised_name=organisation.normalised_name).order_by(
            "-valid_to", "-id"
        )
    )


def board(organisation: Organisation, *, current: bool = True) -> QuerySet[BoardSeat]:
    """The open seats (or every seat ever, with `current=False`)."""
    rows = organisation.board_seats.select_related("person", "represents")
    if current:
        rows = rows.filter(valid_to__isnull=True)
    return rows.order_by("valid_to", "order", "id")


@dataclass
class Sharing:
    """Another organisation linked to one or more organisations by what they share."""

    organisation: Organisation
    reasons: dict[str, list[str]] = field(default_factory=dict)  # reason -> shared values


def _open_seats(on: dt.date | None) -> Q:
    return Q(valid_to__isnull=True) if on is None else _valid_on(on)


def organisations_sharing(
    organisation: Organisation | Iterable[Organisation],
    *,
    on: dt.date | None = None,
    reasons: Iterable[str] = ("address", "representative", "director", "director_name"),
) -> list[Sharing]:
    """Other organisations that share an address, a representative (代表人), a director
    (the same person record) or a director's name with `organisation` (one, or several:
    then links among them and with anyone else). Screens for split donations and colluding
    tenderers use it; a shared name is a weaker sign than a shared person, and is named so.
    """
    orgs = [organisation] if isinstance(organisation, Organisation) else list(organisation)
    ids = {o.pk for o in orgs}
    wanted = set(reasons)
    found: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))

    if "address" in wanted:
        addresses = {o.normalised_address: o.address for o in orgs if o.normalised_address}
        for pk, key in Organisation.objects.filter(
            normalised_address__in=list(addresses)
        ).values_list("pk", "normalised_address"):
            found[pk]["address"].add(addresses[key])
    if "representative" in wanted:
        reps = {
            o.normalised_representative: o.representative
            for o in orgs
            if o.normalised_representative
        }
        for pk, key in Organisation.objects.filter(
            normalised_representative__in=list(reps)
        ).values_list("pk", "normalised_representative"):
            found[pk]["representative"].add(reps[key])
    seats = BoardSeat.objects.filter(_open_seats(on), organisation_id__in=ids, person__isnull=False)
    if "director" in wanted:
        people = dict(seats.values_list("person_id", "person__name"))
        for pk, person_id in (
            BoardSeat.objects.filter(_open_seats(on), person_id__in=list(people))
            .values_list("organisation_id", "person_id")
            .distinct()
        ):
            found[pk]["director"].add(people[person_id])
    if "director_name" in wanted:
        names = dict(seats.values_list("person__normalised_name", "person__name"))
        for pk, key in (
            BoardSeat.objects.filter(_open_seats(on), person__normalised_name__in=list(names))
            .values_list("organisation_id", "person__normalised_name")
            .distinct()
        ):
            found[pk]["director_name"].add(names[key])
    if len(ids) == 1:
        for pk in ids:
            found.pop(pk, None)
    linked = Organisation.objects.in_bulk([pk for pk, r in found.items() if r])
    result = []
    for pk, by_reason in found.items():
        if pk not in linked:
            continue
        if "director" in by_reason and "director_name" in by_reason:
            by_reason["director_name"] -= by_reason["director"]
            if not by_reason["director_name"]:
                del by_reason["director_name"]
        result.append(
            Sharing(linked[pk], {reason: sorted(values) for reason, values in by_reason.items()})
        )
    result.sort(key=lambda s: (-len(s.reasons), s.organisation.normalised_name))
    return result


def search_organisations(term: str) -> QuerySet[Organisation]:
    """Organisations by business number, name (current or former; 臺/台, full-width and legal
    forms folded) or part of a name."""
    term = (term or "").strip()[:100]
    if not term:
        return Organisation.objects.none()
    number, _flag = rules.business_number_flag(term)
    if number:
        return Organisation.objects.filter(business_number=number)
    key = matching.normalise_name(term)
    q = Q(normalised_name__contains=key) if key else Q(pk__in=[])
    q |= Q(
        pk__in=OrganisationName.objects.filter(normalised_name__contains=key).values("organisation")
    )
    q |= text_search_q(
        term, table="registry_organisation", fts_table="registry_organisation_fts", columns=["name"]
    )
    return Organisation.objects.filter(q).order_by("normalised_name", "id")


def search_people(term: str) -> QuerySet[Person]:
    """People by (part of) a name, width and script folded."""
    key = matching.normalise_person_name((term or "").strip()[:100])
    if not key:
        return Person.objects.none()
    return Person.objects.filter(normalised_name__contains=key).order_by("normalised_name", "id")


def person_seats(person: Person) -> QuerySet[BoardSeat]:
    """Every seat a person holds or held, open ones first."""
    return person.board_seats.select_related("organisation", "represents").order_by(
        "valid_to", "-valid_from", "id"
    )


def person_positions(person: Person) -> QuerySet[Position]:
    """The public positions a person holds or held (PEP), newest first."""
    return person.positions.select_related("organisation").order_by("-valid_from", "id")


def is_politically_exposed(person: Person, on: dt.date | None = None) -> bool:
    """True when the person holds a public position on `on` (today by default)."""
    return person.positions.filter(_valid_on(on or clock.today())).exists()


def open_candidates() -> QuerySet[MatchCandidate]:
    """The review queue: undecided matches, most similar first."""
    return MatchCandidate.objects.filter(decision="").select_related("candidate", "organisation")


def organisation_detail_queryset() -> QuerySet[Organisation]:
    """Organisations with their names and open seats loaded, for pages and the API."""
    return Organisation.objects.prefetch_related(
        Prefetch("names", queryset=OrganisationName.objects.order_by("valid_from", "id")),
    )


def main_member_flags(organisation: Organisation, on: dt.date | None = None) -> dict[str, bool]:
    """Whether foreign, mainland-Chinese, Hong Kong or Macau persons are main members on `on`
    (today by default): the flags recorded on the organisation, or what its board shows
    (`rules.main_member_groups`)."""
    seats = BoardSeat.objects.filter(organisation=organisation).filter(
        _valid_on(on or clock.today())
    )
    groups = rules.main_member_groups(
        [
            (role, nationality or "")
            for role, nationality in seats.values_list("role", "person__nationality")
        ]
    )
    return {
        "foreign": organisation.foreign_main_member or "foreign" in groups,
        "mainland": organisation.mainland_main_member or "mainland" in groups,
        "hong_kong": organisation.hong_kong_main_member or "hong_kong" in groups,
        "macau": organisation.macau_main_member or "macau" in groups,
    }
