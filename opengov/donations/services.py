"""Every write of the donations app: starting an import or a correction list, setting an
election's office, vote date and collection window, refreshing the findings of the
verification rules, reviewing a finding. Each is atomic, checks permission, and records its
audit event in the same transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from opengov.core import audit, clock
from opengov.core.errors import ServiceError

from . import findings, jobs, rules
from .models import Election, Finding, ImportRun, Office
from .permissions import require_analyst


def _queue(
    *, actor: Any, kind: str, verb: str, filename: str, data: bytes, election_name: str
) -> ImportRun:
    require_analyst(actor)
    if not data:
        raise ServiceError("required", _("The file is empty."), field="file")
    limit = rules.donation_rules().import_max_bytes
    if len(data) > limit:
        raise ServiceError(
            "too_large",
            _("The file is larger than %(mib)d MiB.") % {"mib": limit // (1024 * 1024)},
            field="file",
        )
    run = ImportRun.objects.create(
        kind=kind,
        filename=(filename or "upload.csv")[:255],
        data=data,
        size=len(data),
        election_name=(election_name or "").strip()[:200],
        created_by=actor,
        created_at=clock.now(),
    )
    audit.record(
        actor=actor,
        verb=verb,
        target=run,
        changes={"filename": run.filename, "size": run.size, "election": run.election_name},
    )
    pk = run.pk
    transaction.on_commit(lambda: jobs.start_import(pk))
    return run


@transaction.atomic
def import_start(*, actor: Any, filename: str, data: bytes, election_name: str = "") -> ImportRun:
    """Accept a Control Yuan file and queue its import (all or nothing, with a report); the
    job starts once this transaction commits."""
    return _queue(
        actor=actor,
        kind=ImportRun.Kind.DETAIL,
        verb="donations.import_started",
        filename=filename,
        data=data,
        election_name=election_name,
    )


@transaction.atomic
def corrections_start(
    *, actor: Any, filename: str, data: bytes, election_name: str = ""
) -> ImportRun:
    """Accept a Control Yuan correction list (更正資料) and queue its application to the
    transactions already imported (all or nothing, with a report; the verification rules
    run again after it); the job starts once this transaction commits."""
    return _queue(
        actor=actor,
        kind=ImportRun.Kind.CORRECTIONS,
        verb="donations.corrections_started",
        filename=filename,
        data=data,
        election_name=election_name,
    )


def _check_window(
    office: str, vote_date: dt.date | None, start: dt.date | None, end: dt.date | None
) -> None:
    """Refuse a window a person can fix, naming the field: half a window, one that ends
    before it starts, a window or vote date outside the profile's rules (Art. 12 ¶1: from
    the office's months before the vote until the day before it)."""
    if (start is None) != (end is None):
        raise ServiceError(
            "required",
            _("Give both the first and the last day of the collection window, or neither."),
            field="window_end" if end is None else "window_start",
        )
    if start and end and end < start:
        raise ServiceError(
            "invalid",
            _("The window ends (%(end)s) before it starts (%(start)s).")
            % {"end": end.isoformat(), "start": start.isoformat()},
            field="window_end",
        )
    if vote_date is None:
        if start:
            raise ServiceError(
                "required",
                _("A collection window needs the vote date: it ends the day before the vote."),
                field="vote_date",
            )
        return
    months = dict(rules.donation_rules().collection_window_months)
    if office not in months:
        raise ServiceError(
            "invalid",
            _("The profile sets no collection window for this office (Art. 12)."),
            field="office",
        )
    if not (start and end):
        return
    earliest, latest = rules.collection_window(office, vote_date)
    if end > latest:
        raise ServiceError(
            "invalid",
            _(
                "The vote date must come after the window: the window ends on %(end)s, and "
                "donations may be received until the day before the vote at the latest "
                "(Art. 12). Choose a vote date after %(end)s or end the window by %(latest)s."
            )
            % {"end": end.isoformat(), "latest": latest.isoformat()},
            field="vote_date",
        )
    if start < earliest:
        raise ServiceError(
            "invalid",
            _(
                "For this office the window opens %(months)d months before the vote at the "
                "earliest (Art. 12): with a vote on %(vote)s, not before %(earliest)s."
            )
            % {
                "months": months[office],
                "vote": vote_date.isoformat(),
                "earliest": earliest.isoformat(),
            },
            field="window_start",
        )


@transaction.atomic
def election_update(
    *,
    actor: Any,
    election: Election,
    office: str,
    vote_date: dt.date | None,
    window_start: dt.date | None = None,
    window_end: dt.date | None = None,
) -> Election:
    """Set an election's office and vote date, and its collection window when it is not the
    one Art. 12 ¶1 gives for the office (a by-election or a re-run election opens it the day
    after the event); an empty window means the one of Art. 12 ¶1."""
    require_analyst(actor)
    if office not in Office.values:
        raise ServiceError("invalid", _("Choose an office."), field="office")
    _check_window(office, vote_date, window_start, window_end)
    names = ("office", "vote_date", "window_start", "window_end")
    before = {name: getattr(election, name) for name in names}
    election.office = office
    election.vote_date = vote_date
    election.window_start = window_start
    election.window_end = window_end
    election.save(update_fields=list(names))
    audit.record(
        actor=actor,
        verb="donations.election_updated",
        target=election,
        changes={"before": before, "after": {name: getattr(election, name) for name in names}},
    )
    return election


@transaction.atomic
def findings_refresh(*, actor: Any) -> dict[str, int]:
    """Run every verification rule over the stored transactions and the registry, ownership
    and procurement data, and replace the current findings (reviews are kept on findings
    found again; findings no longer found stop being current)."""
    if actor is not None:
        require_analyst(actor)
    return findings.store(actor=actor)


@transaction.atomic
def finding_review(*, actor: Any, finding: Finding, note: str) -> Finding:
    """An analyst marks a finding reviewed, with a note saying what was checked."""
    require_analyst(actor)
    note = (note or "").strip()
    if not note:
        raise ServiceError("required", _("Say what you checked."), field="note")
    if len(note) > 4000:
        raise ServiceError("too_long", _("At most 4000 characters."), field="note")
    finding.reviewed = True
    finding.review_note = note
    finding.reviewed_by = actor
    finding.reviewed_at = clock.now()
    finding.save(update_fields=["reviewed", "review_note", "reviewed_by", "reviewed_at"])
    audit.record(
        actor=actor,
        verb="donations.finding_reviewed",
        target=finding,
        changes={"rule": finding.rule, "note": note},
    )
    return finding
