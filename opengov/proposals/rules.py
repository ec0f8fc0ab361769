"""The legal rules of citizen proposals as pure functions (no database access).

Numbers come from `jurisdiction().proposals` (Taiwan: 公共政策網路參與實施要點, the
Directions for Implementing Online Participation in Public Policy, NDC, rev. 2018); periods
are counted by the Administrative Procedure Act Art. 48 (`opengov.core.calendar`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opengov.core import clock
from opengov.core.calendar import Calendar, period_last_day
from opengov.core.jurisdiction import BlackoutPeriod, Period, ProposalRules, jurisdiction
from opengov.core.scopes import jurisdiction_for


def rules(space: str = "") -> ProposalRules:
    """The proposal rules in force (in a participation space: with its overrides)."""
    if space:
        return jurisdiction_for(space).proposals
    return jurisdiction().proposals


# --- states ----------------------------------------------------------------------------------

STATE_LABELS = {
    "draft": gettext_lazy("Draft"),
    "submitted": gettext_lazy("Submitted"),
    "under_review": gettext_lazy("Under review"),
    "changes_requested": gettext_lazy("Changes requested"),
    "rejected": gettext_lazy("Rejected"),
    "open": gettext_lazy("Open for co-signing"),
    "failed": gettext_lazy("Did not pass"),
    "awaiting_response": gettext_lazy("Passed, awaiting response"),
    "overdue": gettext_lazy("Passed, response overdue"),
    "responded": gettext_lazy("Responded"),
}
#: states in which the proposal is public
PUBLIC_STATES = ("open", "failed", "awaiting_response", "overdue", "responded")
GROUND_LABELS = {
    "illegal": gettext_lazy(
        "Threats, obscenity, defamation, fraud, insult or other illegal content"
    ),
    "infringes_rights": gettext_lazy("Infringes the rights of others"),
    "discrimination": gettext_lazy(
        "Racial, religious or gender discrimination, or a personal attack"
    ),
    "liability_or_pending_case": gettext_lazy("Risk of liability, or a case pending in court"),
    "unclear_or_personal": gettext_lazy("Unclear request, or only a personal interest"),
    "virtual_persons": gettext_lazy("Concerns virtual or online persons or things"),
    "advertising": gettext_lazy("Commercial self-promotion or advertising"),
}


def ground_label(code: str) -> str:
    """The published wording of a rejection or hiding ground."""
    return str(GROUND_LABELS.get(code, code))


#: states in which the responsible agency owes an answer
AWAITING_STATES = ("awaiting_response", "overdue")


def proposal_state(
    *,
    status: str,
    now: dt.datetime,
    cosign_deadline: dt.datetime | None,
    passed_at: dt.datetime | None,
    response_due: dt.datetime | None,
) -> str:
    """The state a reader sees, derived from what was stored and the time (Directions §§ 7–10).

    A published proposal is open until its window ends, then failed unless it passed; a
    passed one awaits the agency's answer and is overdue once the (extended) date has passed.
    """
    if status != "published":
        return status
    if passed_at is not None:
        if response_due is not None and now > response_due:
            return "overdue"
        return "awaiting_response"
    if cosign_deadline is not None and now > cosign_deadline:
        return "failed"
    return "open"


# --- the parts a response point answers ------------------------------------------------------

#: a point that answers the proposal as a whole
WHOLE_PROPOSAL = ""
BENEFITS_PART = "benefits"


def content_paragraphs(content: str) -> list[str]:
    """The paragraphs of a proposal's content: its non-empty lines (people rarely leave blank
    lines between numbered requests, so each line counts as one)."""
    return [line.strip() for line in (content or "").splitlines() if line.strip()]


def proposal_parts(content: str) -> list[tuple[str, int, str]]:
    """What a response point may answer, besides the whole proposal: each paragraph of the
    content (`content:N`, numbered from 1) and the benefits and impact (`benefits`), as
    (key, paragraph number or 0, text). The Directions (§ 10) ask for a point-by-point answer."""
    parts = [(f"content:{n}", n, text) for n, text in enumerate(content_paragraphs(content), 1)]
    parts.append((BENEFITS_PART, 0, ""))
    return parts


def is_proposal_part(key: str, content: str) -> bool:
    """True for the whole proposal or one of its parts."""
    return key == WHOLE_PROPOSAL or key in {k for k, _n, _t in proposal_parts(content)}


# --- deadlines -------------------------------------------------------------------------------


def _end_of(day: dt.date) -> dt.datetime:
    return clock.end_of_local_day(day)


def _local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(clock.local_zone()).date()


def review_due(submitted_at: dt.datetime, cal: Calendar) -> dt.datetime:
    """End of the operator's review period: working days from the day after submission."""
    return _end_of(period_last_day(_local_day(submitted_at), rules().review_period, cal))


def cosign_deadline(
    published_at: dt.datetime, cal: Calendar, *, window: Period | None = None
) -> dt.datetime:
    """End of the co-signature window (the profile's, or `window`, e.g. a space's), counted
    from the day after publication (Art. 48)."""
    window = window or rules().cosign_window
    return _end_of(period_last_day(_local_day(published_at), window, cal))


def response_due(
    passed_at: dt.datetime, cal: Calendar, *, extended_to: dt.date | None = None
) -> dt.datetime:
    """End of the agency's response period (2 months in Taiwan) or of its latest extension."""
    if extended_to is not None:
        return _end_of(extended_to)
    return _end_of(period_last_day(_local_day(passed_at), rules().response_period, cal))


def feedback_ends(response_published_at: dt.datetime, cal: Calendar) -> dt.datetime:
    """End of the feedback period on a response (3 days in Taiwan practice)."""
    day = period_last_day(
        _local_day(response_published_at), rules().feedback_period, cal, move_off_rest_days=False
    )
    return _end_of(day)


def latest_extension_date(current_due: dt.datetime, cal: Calendar) -> dt.date:
    """The latest new date one extension may set: the current due date plus the maximum."""
    return period_last_day(_local_day(current_due), rules().extension_max_period, cal)


def working_days_left(deadline: dt.datetime, now: dt.datetime, cal: Calendar) -> int:
    """Working days from today to the deadline's day (negative when overdue)."""
    from opengov.core.calendar import working_days_between

    return working_days_between(_local_day(now), _local_day(deadline), cal)


# --- co-signing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    """Why an action is refused: a stable code and a message a person can act on."""

    code: str
    message: str


def blackout_on(day: dt.date) -> BlackoutPeriod | None:
    """The election blackout period covering `day`, if any (Directions: 60 days before)."""
    for period in rules().election_blackouts:
        if period.start <= day <= period.end:
            return period
    return None


def blackout_refusal(now: dt.datetime) -> Refusal | None:
    """Proposing and co-signing are paused during an election blackout period."""
    period = blackout_on(_local_day(now))
    if period is None:
        return None
    return Refusal(
        "election_blackout",
        _(
            "Proposing and co-signing are paused from %(start)s to %(end)s because of an "
            "election (%(label)s)."
        )
        % {"start": period.start.isoformat(), "end": period.end.isoformat(), "label": period.label},
    )


def cosign_refusal(
    *, state: str, now: dt.datetime, cosign_deadline: dt.datetime | None
) -> Refusal | None:
    """Why co-signing a proposal in `state` at `now` is refused, or None when it is allowed.

    Co-signing runs from publication to the end of the window (Directions § 8); a proposal
    that passed may still gather support until its window ends.
    """
    if state in ("draft", "submitted", "under_review", "changes_requested"):
        return Refusal("not_open", _("This proposal is not published yet."))
    if state == "rejected":
        return Refusal("rejected", _("This proposal was rejected and cannot be co-signed."))
    if cosign_deadline is not None and now > cosign_deadline:
        return Refusal(
            "window_closed",
            _("The co-signing period ended on %(date)s.")
            % {"date": _local_day(cosign_deadline).isoformat()},
        )
    return blackout_refusal(now)


def threshold_reached(count: int, threshold: int) -> bool:
    """A proposal passes (成案) when its co-signatures reach the threshold (Directions § 8)."""
    return count >= threshold


def progress_percent(count: int, threshold: int) -> int:
    """Whole percentage toward the threshold, capped at 100."""
    if threshold <= 0:
        return 100
    return max(0, min(100, count * 100 // threshold))


# --- responses -------------------------------------------------------------------------------


def extension_refusal(
    *, extensions_so_far: int, new_due: dt.date, current_due: dt.datetime, cal: Calendar
) -> Refusal | None:
    """Why an extension is refused: too many, not later than now, or beyond the maximum."""
    if extensions_so_far >= rules().max_extensions:
        return Refusal(
            "too_many_extensions",
            _("The response deadline may be extended at most %(n)d time(s).")
            % {"n": rules().max_extensions},
        )
    if new_due <= _local_day(current_due):
        return Refusal("not_later", _("The new date must be after the current deadline."))
    latest = latest_extension_date(current_due, cal)
    if new_due > latest:
        return Refusal(
            "too_long",
            _("The new date may be at most %(date)s.") % {"date": latest.isoformat()},
        )
    return None


def comment_editable(created_at: dt.datetime, now: dt.datetime) -> bool:
    """Comments can be edited for a few minutes after posting (15 by default)."""
    return now - created_at <= dt.timedelta(minutes=rules().comment_edit_minutes)
