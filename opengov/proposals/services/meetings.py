"""The collaboration meeting: calling it, changing it, taking a seat."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from opengov.accounts.permissions import require_signed_in
from opengov.core import audit, clock
from opengov.core.errors import Conflict, NotFound, ServiceError

from .. import rules
from ..models import (
    Meeting,
    MeetingSeat,
    Proposal,
    Signature,
)
from .checks import _notify_followers, _text
from .responses import _for_answer

# --- the collaboration meeting -------------------------------------------------------------


def _meeting_fields(
    starts_at: Any, place: str, details: str, now: dt.datetime
) -> tuple[dt.datetime, str, str]:
    """A meeting's time (in the future), place or link, and agenda, checked and cleaned."""
    if not isinstance(starts_at, dt.datetime) or starts_at <= now:
        raise ServiceError("invalid_date", _("Choose a time in the future."), field="starts_at")
    place = _text(place, "place", max_length=300)
    return starts_at, place, _text(details, "details", required=False, max_length=3000)


@transaction.atomic
def meeting_call(
    *, actor: Any, proposal: Proposal, starts_at: Any, place: str, details: str = ""
) -> Meeting:
    """An official of a responsible agency calls the collaboration meeting of a passed
    proposal: the proposer takes part, co-signers take the profile's number of seats first
    come; everyone following the proposal is told."""
    proposal, agency = _for_answer(actor, proposal)
    seats = rules.rules().collaboration_meeting_cosigners
    if seats <= 0:
        raise Conflict("no_meetings", _("The rules in force have no collaboration meetings."))
    if proposal.passed_at is None:
        raise Conflict(
            "not_passed", _("Only a proposal that passed can have a collaboration meeting.")
        )
    now = clock.now()
    starts_at, place, details = _meeting_fields(starts_at, place, details, now)
    try:
        with transaction.atomic():
            meeting = Meeting.objects.create(
                proposal=proposal,
                agency=agency,
                called_by=actor,
                starts_at=starts_at,
                place=place,
                details=details,
                seats=seats,
                called_at=now,
            )
    except IntegrityError:
        raise Conflict(
            "already_called", _("This proposal's collaboration meeting has already been called.")
        ) from None
    audit.record(
        actor=actor,
        verb="proposal.meeting_called",
        target=proposal,
        agency_code=agency.code,
        changes={"starts_at": starts_at, "seats": seats},
        public=True,
    )
    _notify_followers(proposal, "meeting")
    return meeting


@transaction.atomic
def meeting_change(
    *, actor: Any, proposal: Proposal, starts_at: Any, place: str, details: str = ""
) -> Meeting:
    """An official of a responsible agency moves the collaboration meeting or changes its
    place or agenda, before it starts; seats already taken stay, everyone following is told."""
    proposal, agency = _for_answer(actor, proposal)
    meeting = Meeting.objects.select_for_update().filter(proposal=proposal).first()
    if meeting is None:
        raise NotFound(_("No collaboration meeting has been called."))
    now = clock.now()
    if meeting.starts_at <= now:
        raise Conflict("meeting_started", _("The meeting has already started."))
    meeting.starts_at, meeting.place, meeting.details = _meeting_fields(
        starts_at, place, details, now
    )
    meeting.save(update_fields=["starts_at", "place", "details"])
    audit.record(
        actor=actor,
        verb="proposal.meeting_changed",
        target=proposal,
        agency_code=agency.code,
        changes={"starts_at": starts_at},
        public=True,
    )
    _notify_followers(proposal, "meeting_changed")
    return meeting


@transaction.atomic
def meeting_take_seat(*, actor: Any, proposal: Proposal) -> MeetingSeat:
    """A co-signer takes a seat at the collaboration meeting: first come (the meeting's row
    is locked while the seats are counted), while seats are left and before it starts."""
    require_signed_in(actor)
    meeting = Meeting.objects.select_for_update().filter(proposal=proposal).first()
    if meeting is None:
        raise NotFound(_("No collaboration meeting has been called."))
    now = clock.now()
    if meeting.starts_at <= now:
        raise Conflict("meeting_started", _("The meeting has already started."))
    if proposal.proposer_id == actor.pk:
        raise Conflict("proposer_attends", _("As the proposer you take part without a seat."))
    if not Signature.objects.filter(proposal=proposal, signer=actor).exists():
        raise Conflict("not_a_cosigner", _("Only the proposal's co-signers can take a seat."))
    if MeetingSeat.objects.filter(meeting=meeting, user=actor).exists():
        raise Conflict("already_seated", _("You already have a seat."))
    if meeting.seats_taken.count() >= meeting.seats:
        raise Conflict("meeting_full", _("All %(n)d seats are taken.") % {"n": meeting.seats})
    seat = MeetingSeat.objects.create(meeting=meeting, user=actor, taken_at=now)
    audit.record(actor=actor, verb="proposal.meeting_seat_taken", target=proposal)
    return seat
