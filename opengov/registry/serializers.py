"""The public shape of registry records, shared by the API, the pages and the open data.

`id_hash` never leaves the platform; a person's ID appears only as published (masked).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import selectors
from .models import BoardSeat, ImportRun, MatchCandidate, Organisation, Person, Position


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def organisation_summary(org: Organisation) -> dict[str, Any]:
    """Identity, name, kind and status of an organisation."""
    return {
        "id": str(org.public_id),
        "business_number": org.business_number or org.business_number_raw,
        "business_number_flag": org.business_number_flag,
        "name": org.name,
        "name_en": org.name_en,
        "kind": org.kind,
        "status": selectors.current_status(org),
        "status_text": org.status_text,
    }


def organisation_fields(org: Organisation) -> dict[str, Any]:
    """Every public field of an organisation (no history)."""
    return {
        **organisation_summary(org),
        "set_up_on": _date(org.set_up_on),
        "registered_on": _date(org.registered_on),
        "suspended_from": _date(org.suspended_from),
        "suspended_until": _date(org.suspended_until),
        "dissolved_on": _date(org.dissolved_on),
        "revoked_on": _date(org.revoked_on),
        "address": org.address,
        "representative": org.representative,
        "capital": org.capital,
        "paid_in_capital": org.paid_in_capital,
        "government_share": str(org.government_share) if org.government_share is not None else None,
        "party_invested": org.party_invested,
        "accumulated_loss_years": list(org.accumulated_loss_years or []),
        "foreign_main_member": org.foreign_main_member,
        "mainland_main_member": org.mainland_main_member,
        "hong_kong_main_member": org.hong_kong_main_member,
        "macau_main_member": org.macau_main_member,
    }


def person_ref(person: Person | None) -> dict[str, Any] | None:
    """A person as others' records show them: id and name."""
    if person is None:
        return None
    return {"id": str(person.public_id), "name": person.name}


def seat(item: BoardSeat) -> dict[str, Any]:
    """One board seat."""
    return {
        "position": item.position,
        "role": item.role,
        "person": person_ref(item.person),
        "represents": (
            {"id": str(item.represents.public_id), "name": item.represents.name}
            if item.represents_id
            else None
        ),
        "represents_name": item.represents_name,
        "shareholding": item.shareholding,
        "valid_from": _date(item.valid_from),
        "valid_to": _date(item.valid_to),
    }


def organisation_detail(org: Organisation, *, on: dt.date | None = None) -> dict[str, Any]:
    """An organisation with its names, status history and board (current, or on a date)."""
    data = organisation_fields(org)
    data["names"] = [
        {"name": n.name, "valid_from": _date(n.valid_from), "valid_to": _date(n.valid_to)}
        for n in org.names.order_by("valid_from", "id")
    ]
    data["status_history"] = [
        {
            "status": r.status,
            "status_text": r.status_text,
            "valid_from": _date(r.valid_from),
            "valid_to": _date(r.valid_to),
        }
        for r in org.status_records.order_by("valid_from", "id")
    ]
    if on is not None:
        state = selectors.organisation_as_of(org, on)
        data["as_of"] = {
            "date": on.isoformat(),
            "name": state.name,
            "status": state.status,
            "status_text": state.status_text,
        }
        data["board"] = [seat(s) for s in state.board]
    else:
        data["board"] = [seat(s) for s in selectors.board(org)]
    data["board_history"] = [
        seat(s) for s in selectors.board(org, current=False).filter(valid_to__isnull=False)
    ]
    return data


def position(item: Position) -> dict[str, Any]:
    """One public position of a person."""
    return {
        "title": item.title,
        "category": item.category,
        "organisation": (
            {"id": str(item.organisation.public_id), "name": item.organisation.name}
            if item.organisation_id
            else None
        ),
        "organisation_name": item.organisation_name,
        "valid_from": _date(item.valid_from),
        "valid_to": _date(item.valid_to),
        "source": item.source,
    }


def person_summary(person: Person) -> dict[str, Any]:
    """A person's public identity: name, the ID as published (masked), nationality."""
    return {
        "id": str(person.public_id),
        "name": person.name,
        "masked_id": person.masked_id,
        "nationality": person.nationality,
    }


def person_detail(person: Person) -> dict[str, Any]:
    """A person with the seats and public positions they hold or held."""
    data = person_summary(person)
    data["politically_exposed"] = selectors.is_politically_exposed(person)
    data["positions"] = [position(p) for p in selectors.person_positions(person)]
    data["seats"] = [
        {
            **seat(s),
            "organisation": {"id": str(s.organisation.public_id), "name": s.organisation.name},
        }
        for s in selectors.person_seats(person)
    ]
    return data


def import_run(run: ImportRun, progress: dict[str, Any]) -> dict[str, Any]:
    """An import run with its progress and its report of rejected rows."""
    return {
        "id": str(run.public_id),
        "dataset": run.dataset,
        "filename": run.filename,
        "size": run.size,
        "as_of": run.as_of.isoformat(),
        "state": run.state,
        "encoding": run.encoding,
        "format": run.file_format,
        "progress": progress,
        "created": run.created,
        "updated": run.updated,
        "unchanged": run.unchanged,
        "message": run.message,
        "rejections": run.rejections,
        "created_at": run.created_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
    }


def candidate(item: MatchCandidate) -> dict[str, Any]:
    """A match in the review queue."""
    return {
        "id": str(item.public_id),
        "name": item.name,
        "organisation": organisation_summary(item.organisation) if item.organisation_id else None,
        "candidate": organisation_summary(item.candidate),
        "score": round(item.score, 4),
        "context": item.context,
        "decision": item.decision,
    }
