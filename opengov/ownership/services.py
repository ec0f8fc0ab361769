"""Every write to beneficial-ownership data, each atomic with its audit event.

Parties are linked to the registry's organisations and persons through `registry.services`
(`organisation_resolve`, `person_resolve`), never its models.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from opengov.core import audit, clock
from opengov.core.errors import NotFound, ServiceError
from opengov.core.identifiers import (
    mask_national_id,
    national_id_checksum_ok,
    national_id_hash,
    normalise_national_id,
)
from opengov.core.jurisdiction import jurisdiction
from opengov.registry import selectors as registry_selectors
from opengov.registry import services as registry_services

from . import bods, permissions
from .models import Interest, Party, Relationship, Representative, Source
from .rules import INTEREST_TYPES, ShareError, check_share


class ImportRefused(ServiceError):
    """A BODS file refused whole; `problems` names every bad statement."""

    status = 422

    def __init__(self, problems: list[bods.Problem]) -> None:
        super().__init__(
            "invalid_file",
            _("The file was refused: %(n)d problem(s); nothing was imported.")
            % {"n": len(problems)},
            field="file",
        )
        self.problems = problems


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _spool(stream: IO[bytes]) -> tuple[str, list[str], int]:
    """Statements streamed from the upload (JSON array or JSON Lines) into a temporary JSON
    array file, as libcovebods reads it; returns (path, statement ids, count)."""
    handle, path = tempfile.mkstemp(suffix=".json")
    ids: list[str] = []
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write("[")
            for i, statement in enumerate(bods.read_statements(stream)):
                if i:
                    out.write(",\n")
                out.write(json.dumps(statement, ensure_ascii=False, default=float))
                ids.append(
                    str(statement.get("statementId", "")) if isinstance(statement, dict) else ""
                )
            out.write("]")
    except BaseException:
        os.unlink(path)
        raise
    return path, ids, len(ids)


def _statements_from(path: str) -> Iterator[dict[str, Any]]:
    with open(path, "rb") as fp:
        yield from bods.read_statements(fp)


def bods_import(
    *, actor: Any, stream: IO[bytes], filename: str = "", size: int | None = None
) -> Source:
    """Import a BODS 0.4 file, all or nothing: validated with libcovebods (offline), every
    reference and share checked; refused whole with every problem named."""
    if not permissions.manages_register(actor):
        raise NotFound()
    limit = jurisdiction().ownership.import_max_bytes
    if size is not None and size > limit:
        raise ServiceError(
            "too_large",
            _("The file is larger than %(mb)d MiB.") % {"mb": limit // (1024 * 1024)},
            field="file",
        )
    try:
        path, ids, count = _spool(stream)
    except bods.BodsError as exc:
        raise ImportRefused(exc.problems) from None
    try:
        if count == 0:
            raise ImportRefused(
                [bods.Problem(None, "", "", "empty", _("The file holds no statement."))]
            )
        problems = bods.libcove_problems(path, ids)
        parsed, own = bods.parse(_statements_from(path), known_record_ids=None)
        unknown = {p.message for p in own if p.code == "unknown_record"}
        if unknown:
            referenced = {r.subject for r in parsed.relationships.values()} | {
                r.interested_party for r in parsed.relationships.values() if r.interested_party
            }
            stored = set(
                Party.objects.filter(record_id__in=referenced).values_list("record_id", flat=True)
            )
            parsed, own = bods.parse(_statements_from(path), known_record_ids=stored)
        problems.extend(own)
    finally:
        os.unlink(path)
    problems = [p for p in problems if not p.is_warning]
    if problems:
        problems.sort(key=lambda p: (p.statement or 0, p.field))
        raise ImportRefused(problems[: bods.MAX_PROBLEMS])
    return _store(actor=actor, parsed=parsed, filename=filename)


@transaction.atomic
def _store(*, actor: Any, parsed: bods.Parsed, filename: str) -> Source:
    now = clock.now()
    source = Source.objects.create(
        kind=Source.Kind.IMPORT,
        filename=filename[:300],
        statements=parsed.statements,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=now,
    )
    by_record: dict[str, Party] = {
        p.record_id: p
        for p in Party.objects.filter(
            record_id__in=set(parsed.parties)
            | {r.subject for r in parsed.relationships.values()}
            | {r.interested_party for r in parsed.relationships.values() if r.interested_party}
        )
    }
    for record in parsed.parties.values():
        party = by_record.get(record.record_id) or Party(record_id=record.record_id, created_at=now)
        for name in (
            "kind",
            "subtype",
            "name",
            "jurisdiction",
            "business_number",
            "identifiers",
            "nationality",
            "birth_date",
            "masked_id",
            "address",
        ):
            setattr(party, name, getattr(record, name))
        party.updated_at = now
        _link_registry(actor, party)
        party.save()
        by_record[record.record_id] = party
    for rel in parsed.relationships.values():
        existing = Relationship.objects.filter(record_id=rel.record_id).first()
        if rel.closed:
            if existing:
                existing.delete()
            continue
        row = existing or Relationship(record_id=rel.record_id, created_at=now)
        row.subject = by_record[rel.subject]
        row.interested_party = by_record.get(rel.interested_party) if rel.interested_party else None
        row.unspecified_reason = rel.unspecified_reason
        row.unspecified_description = rel.unspecified_description
        row.statement_date = _date(rel.statement_date)
        row.source = source
        row.save()
        row.interests.all().delete()
        Interest.objects.bulk_create(
            Interest(
                relationship=row,
                type=i.type,
                direct_or_indirect=i.direct_or_indirect
                if i.direct_or_indirect in Interest.Directness.values
                else Interest.Directness.UNKNOWN,
                beneficial_ownership_or_control=i.beneficial,
                share_min=i.share_min,
                share_max=i.share_max,
                start_date=_date(i.start_date),
                end_date=_date(i.end_date),
                details=i.details,
            )
            for i in rel.interests
        )
    audit.record(
        actor=actor,
        verb="ownership.bods_imported",
        target=source,
        changes={
            "statements": parsed.statements,
            "parties": len(parsed.parties),
            "relationships": len(parsed.relationships),
        },
    )
    return source


def _link_registry(actor: Any, party: Party) -> None:
    """Find (or create) the registry's organisation or person for a named party."""
    if party.registry_id or not party.name:
        return
    if party.is_person:
        if party.subtype in ("anonymousPerson", "unknownPerson"):
            return
        found = registry_services.person_resolve(
            actor=actor,
            name=party.name,
            masked_id=party.masked_id,
            nationality=party.nationality,
        )
    else:
        if party.subtype in ("anonymousEntity", "unknownEntity"):
            return
        found = registry_services.organisation_resolve(
            actor=actor,
            business_number=party.business_number,
            name=party.name,
            context="ownership",
        )
    party.registry_id = found.public_id


@transaction.atomic
def registry_links_refresh(*, actor: Any = None, batch: int = 1000) -> int:
    """Follow registry merges: a party whose organisation was merged into another points to
    the one it became (through `registry.selectors.organisations_by_public_ids`). Returns the
    number of parties moved."""
    moved = 0
    rows = Party.objects.filter(kind=Party.Kind.ENTITY, registry_id__isnull=False).order_by("id")
    last = 0
    while True:
        chunk = list(rows.filter(id__gt=last).values_list("id", "registry_id")[:batch])
        if not chunk:
            break
        last = chunk[-1][0]
        found = registry_selectors.organisations_by_public_ids([r for _, r in chunk])
        for pk, registry_id in chunk:
            org = found.get(str(registry_id))
            if org is not None and org.public_id != registry_id:
                Party.objects.filter(pk=pk).update(registry_id=org.public_id)
                moved += 1
    if moved:
        audit.record(
            actor=actor, verb="ownership.registry_links_refreshed", changes={"moved": moved}
        )
    return moved


# --- representatives and declarations ---------------------------------------------------------


@transaction.atomic
def representative_grant(*, actor: Any, user: Any, party: Party) -> Representative:
    """Record that `user` may declare `party`'s beneficial owners (AML reviewers, operators)."""
    if not permissions.manages_register(actor):
        raise NotFound()
    if party.is_person:
        raise ServiceError("not_entity", _("Only an entity has representatives."), field="party")
    grant, _created = Representative.objects.update_or_create(
        user=user,
        party=party,
        defaults={"granted_by": actor, "created_at": clock.now(), "active": True},
    )
    audit.record(
        actor=actor,
        verb="ownership.representative_granted",
        target=party,
        changes={"user": str(user.public_id)},
    )
    return grant


@transaction.atomic
def entity_register(
    *, actor: Any, name: str, business_number: str = "", jurisdiction: str = "TW"
) -> Party:
    """Add an entity to the ownership register (AML reviewers, operators), linked to the
    registry's organisation."""
    if not permissions.manages_register(actor):
        raise NotFound()
    name = (name or "").strip()
    if not name:
        raise ServiceError("required", _("A name is required."), field="name")
    now = clock.now()
    party = Party(
        record_id=f"tw-entity-{uuid.uuid4()}",
        kind=Party.Kind.ENTITY,
        subtype="registeredEntity",
        name=name[:300],
        jurisdiction=jurisdiction[:10],
        business_number=(business_number or "").strip()[:20],
        identifiers=[{"scheme": "TW-MOEA", "id": business_number.strip()}]
        if business_number
        else [],
        created_at=now,
        updated_at=now,
    )
    _link_registry(actor, party)
    party.save()
    audit.record(actor=actor, verb="ownership.entity_registered", target=party)
    return party


@transaction.atomic
def declaration_submit(
    *,
    actor: Any,
    subject: Party,
    holder_kind: str,
    holder_name: str,
    interest_type: str,
    share_exact: Any = None,
    share_min: Any = None,
    share_max: Any = None,
    direct_or_indirect: str = "direct",
    nationality: str = "",
    national_id: str = "",
    birth_date: str = "",
    business_number: str = "",
    start_date: dt.date | None = None,
) -> Relationship:
    """A representative declares one holder of one interest in `subject` (Company Act
    Art. 22-1 report). A full ID number is kept only as its keyed hash and masked form."""
    if not permissions.declares_for(actor, subject):
        raise NotFound()
    holder_name = (holder_name or "").strip()
    if not holder_name:
        raise ServiceError("required", _("Name the holder."), field="holder_name")
    if holder_kind not in ("person", "entity"):
        raise ServiceError("invalid", _("Choose a person or an entity."), field="holder_kind")
    if interest_type not in INTEREST_TYPES:
        raise ServiceError("invalid", _("Choose an interest type."), field="interest_type")
    if direct_or_indirect not in Interest.Directness.values:
        raise ServiceError("invalid", _("Direct or indirect?"), field="direct_or_indirect")
    try:
        lo, hi = check_share(exact=share_exact, minimum=share_min, maximum=share_max)
    except ShareError as exc:
        raise ServiceError("invalid_share", exc.message, field=f"share_{exc.field}") from None
    if lo is None and interest_type == "shareholding":
        raise ServiceError(
            "required", _("State the share, exact or as a range."), field="share_exact"
        )
    id_hash = masked = ""
    if national_id:
        normalised = normalise_national_id(national_id)
        if not national_id_checksum_ok(normalised):
            raise ServiceError(
                "invalid", _("This ID number fails its check digit."), field="national_id"
            )
        id_hash, masked = national_id_hash(normalised), mask_national_id(normalised)
    if birth_date and _date(birth_date) is None:
        raise ServiceError("invalid", _("A date is YYYY-MM-DD."), field="birth_date")
    now = clock.now()
    source = Source.objects.create(
        kind=Source.Kind.DECLARATION,
        statements=1,
        created_by=actor,
        created_at=now,
    )
    holder = None
    if id_hash:
        holder = Party.objects.filter(kind="person", id_hash=id_hash).first()
    if holder is None:
        holder = Party(
            record_id=f"tw-{holder_kind}-{uuid.uuid4()}",
            kind=holder_kind,
            subtype="knownPerson" if holder_kind == "person" else "registeredEntity",
            name=holder_name[:300],
            created_at=now,
        )
    if holder_kind == "person":
        holder.nationality = (nationality or holder.nationality)[:10]
        holder.birth_date = birth_date or holder.birth_date
        holder.masked_id = masked or holder.masked_id
        holder.id_hash = id_hash or holder.id_hash
        if not holder.registry_id:
            found = registry_services.person_resolve(
                actor=actor,
                name=holder_name,
                masked_id=masked,
                national_id=normalise_national_id(national_id) if national_id else "",
                nationality=nationality,
            )
            holder.registry_id = found.public_id
    else:
        holder.business_number = (business_number or "").strip()[:20]
        if holder.business_number:
            holder.identifiers = [{"scheme": "TW-MOEA", "id": holder.business_number}]
        holder.jurisdiction = holder.jurisdiction or "TW"
        _link_registry(actor, holder)
    holder.updated_at = now
    holder.save()
    rel = Relationship.objects.create(
        record_id=f"tw-rel-{uuid.uuid4()}",
        subject=subject,
        interested_party=holder,
        statement_date=now.date(),
        source=source,
        created_at=now,
    )
    Interest.objects.create(
        relationship=rel,
        type=interest_type,
        direct_or_indirect=direct_or_indirect,
        beneficial_ownership_or_control=holder_kind == "person",
        share_min=lo,
        share_max=hi,
        start_date=start_date,
    )
    audit.record(
        actor=actor,
        verb="ownership.declared",
        target=subject,
        changes={
            "relationship": rel.record_id,
            "holder": str(holder.public_id),
            "interest": interest_type,
            "share": [str(lo) if lo is not None else None, str(hi) if hi is not None else None],
        },
    )
    return rel


@transaction.atomic
def restricted_view_record(*, actor: Any, party: Party | None, what: str) -> None:
    """Write an AML reviewer's view of the confidential register to the audit log; anyone
    else is refused as "not found" and nothing is written."""
    if not permissions.sees_restricted(actor):
        raise NotFound()
    audit.record(
        actor=actor,
        verb="ownership.restricted_viewed",
        target=party,
        changes={"view": what},
    )


def as_decimal(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))
