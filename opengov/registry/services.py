"""Every write on the registry: resolving an organisation or a person (find, else create),
keeping history when data changes (names, status, board seats), reviewers' match decisions,
merging duplicates, and starting imports (the import itself is in `importer.py`).

`organisation_resolve` and `person_resolve` are what the other transparency apps call when a
filing names a company or a person, so that procurement, donations and ownership refer to the
same rows. They do not check permissions: the calling service decides who may file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Length
from django.utils.translation import gettext as _

from opengov.core import audit, clock
from opengov.core.errors import Conflict, ServiceError
from opengov.core.identifiers import (
    mask_national_id,
    national_id_checksum_ok,
    national_id_hash,
    normalise_national_id,
)
from opengov.core.jurisdiction import jurisdiction

from . import matching, rules
from .models import (
    BoardSeat,
    ImportRun,
    Kind,
    MatchCandidate,
    MatchDecision,
    NumberFlag,
    Organisation,
    OrganisationName,
    OrganisationRedirect,
    OrganisationStatusRecord,
    Person,
    Position,
    Status,
)
from .permissions import require_manager

#: fields of Organisation that `organisation_resolve` and `organisation_update` accept
ORGANISATION_FIELDS = frozenset(
    {
        "name_en",
        "kind",
        "status",
        "status_text",
        "set_up_on",
        "registered_on",
        "suspended_from",
        "suspended_until",
        "dissolved_on",
        "revoked_on",
        "address",
        "representative",
        "capital",
        "paid_in_capital",
        "government_share",
        "party_invested",
        "accumulated_loss_years",
        "foreign_main_member",
        "mainland_main_member",
        "hong_kong_main_member",
        "macau_main_member",
        "source",
    }
)


def _clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - ORGANISATION_FIELDS
    if unknown:
        name = sorted(unknown)[0]
        raise ServiceError("unknown_field", _("Unknown field."), field=name)
    cleaned = dict(fields)
    if "kind" in cleaned and cleaned["kind"] not in Kind.values:
        raise ServiceError("invalid", _("Unknown kind of organisation."), field="kind")
    if "status" in cleaned and cleaned["status"] not in Status.values:
        raise ServiceError("invalid", _("Unknown status."), field="status")
    if cleaned.get("government_share") is not None:
        try:
            share = Decimal(str(cleaned["government_share"]))
        except InvalidOperation:
            share = Decimal(-1)
        if not (0 <= share <= 100):
            raise ServiceError(
                "invalid",
                _("The government share is a percentage from 0 to 100."),
                field="government_share",
            )
        cleaned["government_share"] = share
    for name in ("capital", "paid_in_capital"):
        if cleaned.get(name) is not None and int(cleaned[name]) < 0:
            raise ServiceError("invalid", _("An amount cannot be negative."), field=name)
    if "accumulated_loss_years" in cleaned:
        years = cleaned["accumulated_loss_years"] or []
        try:
            cleaned["accumulated_loss_years"] = sorted({int(y) for y in years})
        except (TypeError, ValueError):
            raise ServiceError(
                "invalid", _("Years are whole numbers."), field="accumulated_loss_years"
            ) from None
    for name in ("address", "representative"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    return cleaned


def _derived(org: Organisation) -> None:
    org.normalised_name = matching.normalise_name(org.name)[:300]
    org.normalised_address = matching.normalise_address(org.address)[:300]
    org.normalised_representative = matching.normalise_person_name(org.representative)[:200]


def _number_fields(business_number: str, on: dt.date | None) -> dict[str, str]:
    number, flag = rules.business_number_flag(business_number, on=on)
    return {
        "business_number": number,
        "business_number_flag": flag,
        "business_number_raw": rules.clean_business_number(business_number)[:40],
    }


def _create(
    *,
    name: str,
    numbers: dict[str, str],
    fields: dict[str, Any],
    valid_from: dt.date | None,
    now: dt.datetime,
) -> Organisation:
    org = Organisation(name=name.strip()[:300], created_at=now, updated_at=now, **numbers, **fields)
    if fields.get("status_text") and "status" not in fields:
        org.status = rules.status_from_text(fields["status_text"])
    _derived(org)
    if (
        org.business_number
        and not org.business_number_flag
        and Organisation.objects.filter(
            business_number=org.business_number, business_number_flag=""
        ).exists()
    ):
        org.business_number_flag = NumberFlag.DUPLICATE
    org.save()
    OrganisationName.objects.create(
        organisation=org,
        name=org.name,
        normalised_name=org.normalised_name,
        valid_from=valid_from or org.set_up_on,
        source=org.source,
    )
    OrganisationStatusRecord.objects.create(
        organisation=org,
        status=org.status,
        status_text=org.status_text,
        valid_from=valid_from or org.set_up_on,
    )
    return org


def _apply_changes(
    org: Organisation, *, name: str | None, fields: dict[str, Any], as_of: dt.date
) -> dict[str, Any]:
    """Set new values on `org`, keeping name and status history; returns what changed."""
    changes: dict[str, Any] = {}
    if fields.get("status_text") and "status" not in fields:
        fields = {**fields, "status": rules.status_from_text(fields["status_text"])}
    if name and name.strip() and name.strip() != org.name:
        new_name = name.strip()[:300]
        changes["name"] = [org.name, new_name]
        OrganisationName.objects.filter(organisation=org, valid_to__isnull=True).update(
            valid_to=as_of
        )
        org.name = new_name
        OrganisationName.objects.create(
            organisation=org,
            name=new_name,
            normalised_name=matching.normalise_name(new_name)[:300],
            valid_from=as_of,
            source=fields.get("source", org.source),
        )
    for key, value in fields.items():
        if getattr(org, key) != value:
            changes[key] = [getattr(org, key), value]
            setattr(org, key, value)
    if "status" in changes:
        OrganisationStatusRecord.objects.filter(organisation=org, valid_to__isnull=True).update(
            valid_to=as_of
        )
        OrganisationStatusRecord.objects.create(
            organisation=org, status=org.status, status_text=org.status_text, valid_from=as_of
        )
    if changes:
        _derived(org)
        org.updated_at = clock.now()
        org.save()
    return changes


def _decision(kind: str, left: str, right: str) -> str:
    first, second = matching.pair_key(left, right)
    return (
        MatchDecision.objects.filter(kind=kind, left_key=first, right_key=second)
        .values_list("decision", flat=True)
        .first()
        or ""
    )


@dataclass(frozen=True)
class NameMatch:
    """The best registry organisation for a name, with its score and what to do."""

    organisation: Organisation | None
    score: float
    verdict: str  # match | review | none
    decided: str = ""  # a stored reviewer decision that settled it


def _candidates(normalised: str, *, limit: int = 500) -> list[tuple[Organisation, str]]:
    """Organisations whose current or former key shares the first two characters and whose
    length allows a score at the review threshold (2·shorter/(sum) ≥ review score)."""
    block = matching.blocking_key(normalised)
    if not block:
        return []
    ratio = jurisdiction().registry.review_score
    size = len(normalised)
    shortest = max(1, int(size * ratio / (2 - ratio)))
    longest = int(size * (2 - ratio) / ratio) + 1
    lengths = {"key_length__gte": shortest, "key_length__lte": longest}
    current = (
        Organisation.objects.filter(normalised_name__startswith=block)
        .annotate(key_length=Length("normalised_name"))
        .filter(**lengths)[:limit]
    )
    pairs = [(org, org.normalised_name) for org in current]
    former = (
        OrganisationName.objects.filter(normalised_name__startswith=block)
        .annotate(key_length=Length("normalised_name"))
        .filter(**lengths)
        .select_related("organisation")[:limit]
    )
    pairs.extend((n.organisation, n.normalised_name) for n in former)
    return pairs


def match_name(name: str) -> NameMatch:
    """The registry organisation that a name (without a valid business number) refers to.

    An exact normalised match (current or former name) wins when it names one organisation;
    otherwise the best-scoring candidate sharing the key's first two characters. A reviewer's
    stored decision on the pair overrides the score: "same" matches, "different" skips the
    candidate, "unsure" keeps it out of the queue.
    """
    normalised = matching.normalise_name(name)
    if not normalised:
        return NameMatch(None, 0.0, "none")
    exact = set(
        Organisation.objects.filter(normalised_name=normalised).values_list("pk", flat=True)
    ) | set(
        OrganisationName.objects.filter(normalised_name=normalised).values_list(
            "organisation_id", flat=True
        )
    )
    if len(exact) == 1:
        return NameMatch(Organisation.objects.get(pk=exact.pop()), 1.0, "match")
    best: tuple[float, Organisation | None, str] = (0.0, None, "")
    seen: set[tuple[int, str]] = set()
    for org, key in _candidates(normalised):
        if (org.pk, key) in seen:
            continue
        seen.add((org.pk, key))
        decision = _decision(MatchDecision.Kind.ORGANISATION, normalised, key)
        if decision == MatchDecision.Decision.SAME:
            return NameMatch(org, matching.score(normalised, key), "match", decision)
        if decision in (MatchDecision.Decision.DIFFERENT, MatchDecision.Decision.UNSURE):
            continue
        value = matching.score(normalised, key)
        if value > best[0]:
            best = (value, org, key)
    if len(exact) > 1:  # several organisations share this name: a reviewer must choose
        org = Organisation.objects.filter(pk__in=exact).order_by("pk").first()
        return NameMatch(org, 1.0, "review")
    value, org, _key = best
    return NameMatch(org, value, rules.match_verdict(value) if org else "none")


@transaction.atomic
def organisation_resolve(
    *,
    actor: Any,
    business_number: str = "",
    name: str,
    on: dt.date | None = None,
    context: str = "",
    **fields: Any,
) -> Organisation:
    """The organisation a filing names: found by a valid business number, else by its
    normalised name, else created (an uncertain name match is created and queued for review).

    A business number that fails the check is kept with its flag on the organisation created
    for it, never dropped. Values in `fields` fill in what the registry does not know yet;
    they never overwrite registry data.
    """
    name = (name or "").strip()
    if not name:
        raise ServiceError("required", _("A name is required."), field="name")
    if len(name) > 300:
        raise ServiceError("too_long", _("The name is too long."), field="name")
    fields = _clean_fields(fields)
    numbers = _number_fields(business_number, on)
    identified = bool(numbers["business_number"]) and not numbers["business_number_flag"]
    match: NameMatch | None = None
    if identified:
        found = Organisation.objects.filter(
            business_number=numbers["business_number"], business_number_flag=""
        ).first()
        if found is None:  # known by name only so far: the number completes that record
            named = match_name(name)
            if (
                named.verdict == "match"
                and named.organisation is not None
                and not named.organisation.business_number_raw
            ):
                found = named.organisation
                for key, value in numbers.items():
                    setattr(found, key, value)
                found.updated_at = clock.now()
                found.save()
                audit.record(
                    actor=actor,
                    verb="registry.organisation_number_recorded",
                    target=found,
                    changes={"business_number": found.business_number},
                )
        if found is not None:
            _fill_blanks(found, fields)
            return found
    else:
        match = match_name(name)
        if match.verdict == "match" and match.organisation is not None:
            _fill_blanks(match.organisation, fields)
            return match.organisation
    try:
        with transaction.atomic():  # a savepoint: a concurrent resolve may create it first
            org = _create(
                name=name, numbers=numbers, fields=fields, valid_from=None, now=clock.now()
            )
    except IntegrityError:
        found = Organisation.objects.filter(
            business_number=numbers["business_number"], business_number_flag=""
        ).first()
        if not identified or found is None:
            raise
        return found
    audit.record(
        actor=actor,
        verb="registry.organisation_created",
        target=org,
        changes={"business_number": org.business_number_raw, "flag": org.business_number_flag},
    )
    if match is not None and match.verdict == "review" and match.organisation is not None:
        _queue(org=org, name=name, candidate=match.organisation, score=match.score, ctx=context)
    return org


def _fill_blanks(org: Organisation, fields: dict[str, Any]) -> None:
    blanks = {
        k: v
        for k, v in fields.items()
        if v not in (None, "", [], False) and getattr(org, k) in (None, "", [], False)
    }
    if blanks:
        for key, value in blanks.items():
            setattr(org, key, value)
        _derived(org)
        org.updated_at = clock.now()
        org.save()


def _queue(
    *, org: Organisation | None, name: str, candidate: Organisation, score: float, ctx: str
) -> MatchCandidate:
    return MatchCandidate.objects.create(
        name=name[:300],
        normalised_name=matching.normalise_name(name)[:300],
        organisation=org,
        candidate=candidate,
        score=score,
        context=ctx[:300],
        created_at=clock.now(),
    )


@transaction.atomic
def organisation_update(
    *, actor: Any, organisation: Organisation, as_of: dt.date | None = None, **fields: Any
) -> Organisation:
    """Change an organisation's data (registry managers); a new name or status closes the
    old one on `as_of` (today by default), so the history stays readable."""
    require_manager(actor)
    name = fields.pop("name", None)
    fields = _clean_fields(fields)
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    changes = _apply_changes(org, name=name, fields=fields, as_of=as_of or clock.today())
    if changes:
        audit.record(actor=actor, verb="registry.organisation_updated", target=org, changes=changes)
    return org


@transaction.atomic
def person_resolve(
    *,
    actor: Any,
    name: str,
    masked_id: str = "",
    national_id: str = "",
    nationality: str = "",
    organisation: Organisation | None = None,
) -> Person:
    """The person a filing names: by the keyed hash of a full ID; else by name and the masked
    ID as published; else (with `organisation`) by name among that organisation's board;
    else created. The ID itself is never stored, only its keyed hash and a masked form.
    """
    return _person_resolve(
        actor=actor,
        name=name,
        masked_id=masked_id,
        national_id=national_id,
        nationality=nationality,
        organisation=organisation,
        record=True,
    )


def _person_resolve(
    *,
    actor: Any,
    name: str,
    masked_id: str,
    national_id: str,
    nationality: str,
    organisation: Organisation | None,
    record: bool,
) -> Person:
    name = (name or "").strip()
    if not name:
        raise ServiceError("required", _("A name is required."), field="name")
    if len(name) > 200:
        raise ServiceError("too_long", _("The name is too long."), field="name")
    normalised = matching.normalise_person_name(name)
    masked_id = normalise_national_id(masked_id)[:20]
    id_hash = ""
    if national_id:
        if not national_id_checksum_ok(national_id):
            raise ServiceError("invalid", _("This is not a valid ID number."), field="national_id")
        id_hash = national_id_hash(national_id)
        masked_id = masked_id or mask_national_id(national_id)
        found = Person.objects.filter(id_hash=id_hash).first()
        if found is not None:
            return _fill_person(found, masked_id=masked_id, nationality=nationality)
    if masked_id:
        found_list = list(
            Person.objects.filter(normalised_name=normalised, masked_id=masked_id).filter(
                Q(id_hash="") | Q(id_hash=id_hash)
            )[:2]
        )
        if len(found_list) == 1:
            return _fill_person(
                found_list[0], masked_id=masked_id, nationality=nationality, id_hash=id_hash
            )
    elif organisation is not None and not id_hash:
        found = (
            Person.objects.filter(
                normalised_name=normalised, board_seats__organisation=organisation
            )
            .distinct()
            .first()
        )
        if found is not None:
            return _fill_person(found, masked_id="", nationality=nationality)
    now = clock.now()
    try:
        with transaction.atomic():  # a savepoint: a concurrent resolve may create it first
            person = Person.objects.create(
                name=name,
                normalised_name=normalised[:200],
                masked_id=masked_id,
                id_hash=id_hash,
                nationality=(nationality or "").strip()[:40],
                created_at=now,
                updated_at=now,
            )
    except IntegrityError:
        found = Person.objects.filter(id_hash=id_hash).first() if id_hash else None
        if found is None:
            raise
        return found
    if record:  # an import records one event for the whole run
        audit.record(actor=actor, verb="registry.person_created", target=person)
    return person


def _fill_person(person: Person, *, masked_id: str, nationality: str, id_hash: str = "") -> Person:
    changed = False
    if masked_id and not person.masked_id:
        person.masked_id, changed = masked_id, True
    if nationality and not person.nationality:
        person.nationality, changed = nationality.strip()[:40], True
    if id_hash and not person.id_hash:
        person.id_hash, changed = id_hash, True
    if changed:
        person.updated_at = clock.now()
        person.save()
    return person


@transaction.atomic
def position_add(
    *,
    actor: Any,
    person: Person,
    title: str,
    category: str = Position.Category.OTHER,
    organisation: Organisation | None = None,
    organisation_name: str = "",
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    source: str = "",
) -> Position:
    """Record a public position (politically exposed person) held by `person`."""
    require_manager(actor)
    title = (title or "").strip()
    if not title:
        raise ServiceError("required", _("A title is required."), field="title")
    if category not in Position.Category.values:
        raise ServiceError("invalid", _("Unknown category."), field="category")
    if valid_from and valid_to and valid_to < valid_from:
        raise ServiceError("invalid", _("The end comes before the start."), field="valid_to")
    position = Position.objects.create(
        person=person,
        title=title[:200],
        category=category,
        organisation=organisation,
        organisation_name=(organisation_name or (organisation.name if organisation else ""))[:300],
        valid_from=valid_from,
        valid_to=valid_to,
        source=source[:200],
    )
    audit.record(
        actor=actor, verb="registry.position_added", target=person, changes={"title": title}
    )
    return position


@dataclass(frozen=True)
class SeatIn:
    """One board seat as a source lists it."""

    position: str
    person_name: str = ""
    represents_name: str = ""
    shareholding: int | None = None


def _seat_key(seat: BoardSeat) -> tuple[str, str, str, int | None]:
    return (
        seat.position,
        seat.person.normalised_name if seat.person_id else "",
        matching.normalise_name(seat.represents_name) if seat.represents_name else "",
        seat.shareholding,
    )


def board_replace(
    *,
    actor: Any,
    organisation: Organisation,
    seats: Iterable[SeatIn],
    as_of: dt.date,
    import_run: ImportRun | None = None,
) -> tuple[int, int]:
    """Make the open board of `organisation` what `seats` lists, from `as_of`: seats that stay
    the same stay open; those gone are closed on `as_of`; new ones open on `as_of` (a change
    of shareholding closes the old seat and opens a new one). Returns (opened, closed).

    Runs inside the caller's transaction (an import or `organisation_board_set`).
    """
    current = list(
        BoardSeat.objects.filter(organisation=organisation, valid_to__isnull=True).select_related(
            "person"
        )
    )
    by_key: dict[tuple[Any, ...], list[BoardSeat]] = {}
    for seat in current:
        by_key.setdefault(_seat_key(seat), []).append(seat)
    opened = 0
    kept: set[int] = set()
    first = not current and not BoardSeat.objects.filter(organisation=organisation).exists()
    for order, item in enumerate(seats):
        key = (
            item.position.strip(),
            matching.normalise_person_name(item.person_name) if item.person_name else "",
            matching.normalise_name(item.represents_name) if item.represents_name else "",
            item.shareholding,
        )
        matches = [s for s in by_key.get(key, []) if s.pk not in kept]
        if matches:
            seat = matches[0]
            kept.add(seat.pk)
            if seat.order != order:
                seat.order = order
                seat.save(update_fields=["order"])
            continue
        person = None
        if item.person_name.strip():
            person = person_resolve(actor=actor, name=item.person_name, organisation=organisation)
        represents = None
        if item.represents_name.strip():
            match = match_name(item.represents_name)
            represents = match.organisation if match.verdict == "match" else None
        BoardSeat.objects.create(
            organisation=organisation,
            person=person,
            represents=represents,
            represents_name=item.represents_name.strip()[:300],
            position=item.position.strip()[:100],
            role=rules.role_from_position(item.position),
            shareholding=item.shareholding,
            order=order,
            valid_from=None if first else as_of,
            import_run=import_run,
        )
        opened += 1
    closed = BoardSeat.objects.filter(pk__in=[s.pk for s in current if s.pk not in kept]).update(
        valid_to=as_of
    )
    return opened, closed


@transaction.atomic
def organisation_board_set(
    *, actor: Any, organisation: Organisation, seats: Iterable[SeatIn], as_of: dt.date
) -> tuple[int, int]:
    """A registry manager sets an organisation's board from `as_of` (history kept)."""
    require_manager(actor)
    opened, closed = board_replace(
        actor=actor, organisation=organisation, seats=list(seats), as_of=as_of
    )
    audit.record(
        actor=actor,
        verb="registry.board_set",
        target=organisation,
        changes={"opened": opened, "closed": closed, "as_of": as_of.isoformat()},
    )
    return opened, closed


@transaction.atomic
def match_decide(
    *,
    actor: Any,
    candidate: MatchCandidate | None = None,
    left: str = "",
    right: str = "",
    kind: str = MatchDecision.Kind.ORGANISATION,
    decision: str,
    note: str = "",
) -> MatchDecision:
    """A reviewer decides whether two names are the same (a queued `candidate`, or any pair
    of names `left`/`right`). The decision is stored under the normalised pair and reused by
    every later match; "same" on a queued name that became its own organisation merges it
    into the candidate."""
    require_manager(actor)
    if decision not in MatchDecision.Decision.values:
        raise ServiceError("invalid", _("Choose same, different or unsure."), field="decision")
    normalise = (
        matching.normalise_person_name
        if kind == MatchDecision.Kind.PERSON
        else matching.normalise_name
    )
    if kind not in MatchDecision.Kind.values:
        raise ServiceError("invalid", _("Unknown kind."), field="kind")
    score = None
    if candidate is not None:
        candidate = MatchCandidate.objects.select_for_update().get(pk=candidate.pk)
        if candidate.decision:
            raise Conflict("decided", _("This match has already been decided."))
        left_key, right_key = candidate.normalised_name, candidate.candidate.normalised_name
        score = candidate.score
    else:
        left_key, right_key = normalise(left), normalise(right)
        if not left_key:
            raise ServiceError("required", _("A name is required."), field="left")
        if not right_key:
            raise ServiceError("required", _("A name is required."), field="right")
        score = matching.score(left_key, right_key)
    first, second = matching.pair_key(left_key[:300], right_key[:300])
    now = clock.now()
    record, _created = MatchDecision.objects.update_or_create(
        kind=kind,
        left_key=first,
        right_key=second,
        defaults={
            "decision": decision,
            "score": score,
            "note": (note or "")[:1000],
            "decided_by": actor,
            "decided_at": now,
        },
    )
    changes: dict[str, Any] = {"pair": [first, second], "decision": decision}
    if candidate is not None:
        candidate.decision, candidate.decided_at = decision, now
        candidate.save(update_fields=["decision", "decided_at"])
        if (
            decision == MatchDecision.Decision.SAME
            and candidate.organisation_id
            and candidate.organisation_id != candidate.candidate_id
        ):
            _merge(duplicate=candidate.organisation, into=candidate.candidate)
            changes["merged"] = str(candidate.candidate.public_id)
    audit.record(actor=actor, verb="registry.match_decided", target=record, changes=changes)
    return record


def _merge(*, duplicate: Organisation, into: Organisation) -> None:
    """Point every reference to `duplicate` (in any app) at `into`, keep its names as other
    spellings of `into` (not as its history), and delete it with its own status history."""
    duplicate = Organisation.objects.select_for_update().get(pk=duplicate.pk)
    known = set(into.names.values_list("normalised_name", flat=True))
    for name in duplicate.names.order_by("id"):
        if name.normalised_name not in known:
            known.add(name.normalised_name)
            OrganisationName.objects.create(
                organisation=into,
                name=name.name,
                normalised_name=name.normalised_name,
                source="merge",
            )
    for relation in Organisation._meta.related_objects:
        if relation.related_model in (OrganisationName, OrganisationStatusRecord):
            continue  # deleted with the duplicate
        if relation.many_to_many or not (relation.one_to_many or relation.one_to_one):
            continue
        relation.related_model._base_manager.filter(**{relation.field.name: duplicate}).update(
            **{relation.field.name: into}
        )
    _fill_blanks(
        into,
        {
            name: getattr(duplicate, name)
            for name in ("name_en", "address", "representative", "capital", "set_up_on")
        },
    )
    OrganisationRedirect.objects.create(
        public_id=duplicate.public_id, organisation=into, created_at=clock.now()
    )
    duplicate.delete()


@transaction.atomic
def organisation_merge(*, actor: Any, duplicate: Organisation, into: Organisation) -> Organisation:
    """A registry manager merges two records of one organisation."""
    require_manager(actor)
    if duplicate.pk == into.pk:
        raise ServiceError("invalid", _("An organisation cannot be merged into itself."))
    if (
        duplicate.business_number
        and into.business_number
        and not (duplicate.business_number_flag or into.business_number_flag)
        and duplicate.business_number != into.business_number
    ):
        raise Conflict(
            "different_numbers", _("Both organisations have different valid business numbers.")
        )
    label = str(duplicate.public_id)
    _merge(duplicate=duplicate, into=into)
    audit.record(
        actor=actor, verb="registry.organisation_merged", target=into, changes={"merged": label}
    )
    return into
