"""Referendum Act rules as pure functions (no database access).

Numbers come from `jurisdiction().referendums` (Taiwan: 公民投票法 and 全國性公民投票電子連署及查對
作業辦法); each function names its article. Periods follow the Administrative Procedure Act
Art. 48 (`core.calendar.period_last_day`) and end at local midnight.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from opengov.core import clock
from opengov.core.calendar import Calendar, period_last_day
from opengov.core.jurisdiction import Period, ReferendumRules, jurisdiction

#: derived stages of a case, in the order of its life
STAGES = (
    "proposal",  # gathering first-stage proposers, not yet filed
    "review",  # filed; the CEC reviews (Art. 10)
    "correction",  # the CEC asked for a correction, or proposers fell short (Art. 10)
    "awaiting_code",  # approved; the lead proposer must collect the code (Art. 10)
    "collecting",  # second-stage signatures (Art. 12)
    "checking",  # submitted; household offices check (Art. 13)
    "top_up",  # short after the check; one top-up (Art. 13)
    "established",
    "not_established",
    "abandoned",
    "rejected",
)
FINAL_STAGES = frozenset({"established", "not_established", "abandoned", "rejected"})


def rules() -> ReferendumRules:
    """The referendum rules of the profile in force."""
    return jurisdiction().referendums


def proposal_threshold(electorate: int | None = None) -> int:
    """Proposers needed: 1/10,000 of the last presidential electorate, rounded up (Art. 10)."""
    r = rules()
    electorate = r.last_presidential_electorate if electorate is None else electorate
    return math.ceil(electorate / r.proposal_ratio_denominator)


def petition_threshold(electorate: int | None = None) -> int:
    """Signatures needed: 1.5 % of the last presidential electorate, rounded up (Art. 12)."""
    r = rules()
    electorate = r.last_presidential_electorate if electorate is None else electorate
    return math.ceil(electorate * r.signature_ratio_per_mille / 1000)


def local_day(moment: dt.datetime) -> dt.date:
    """The local (legal) date of an instant."""
    return moment.astimezone(clock.local_zone()).date()


def deadline(
    event: dt.datetime,
    period: Period,
    cal: Calendar,
    *,
    outages: Iterable[tuple[dt.datetime, dt.datetime]] = (),
) -> dt.datetime:
    """End of the last day of `period` counted from the day after `event` (APA Art. 48).

    A system outage does not extend the deadline (Referendum Act Art. 11): `outages` only
    count where the profile's `outage_extends_deadline` says so.
    """
    last = period_last_day(local_day(event), period, cal)
    if rules().outage_extends_deadline:
        lost = sum(((end - start) for start, end in outages), dt.timedelta())
        if lost > dt.timedelta():
            last = period_last_day(last, Period(days=math.ceil(lost / dt.timedelta(days=1))), cal)
    return clock.end_of_local_day(last)


def check_texts(main_text: str, reasons: str) -> dict[str, str]:
    """Field errors of a case's texts: main text ≤ 100 characters, reasons ≤ 2,000 (Art. 9)."""
    r = rules()
    errors: dict[str, str] = {}
    if not main_text.strip():
        errors["main_text"] = "required"
    elif len(main_text) > r.main_text_max_chars:
        errors["main_text"] = "too_long"
    if not reasons.strip():
        errors["reasons"] = "required"
    elif len(reasons) > r.reasons_max_chars:
        errors["reasons"] = "too_long"
    return errors


def issue_key(main_text: str) -> str:
    """A key that is the same for the same issue written with other spacing or punctuation."""
    text = unicodedata.normalize("NFKC", main_text).casefold()
    kept = "".join(ch for ch in text if ch.isalnum())
    return hashlib.sha256(kept.encode()).hexdigest()


@dataclass(frozen=True)
class PriorCase:
    """What the re-filing bar needs of an earlier case."""

    lead_id_hash: str
    issue_key: str
    outcome: str
    outcome_at: dt.datetime | None
    voted_at: dt.datetime | None = None


def refiling_barred_until(
    *, lead_id_hash: str, key: str, prior: Iterable[PriorCase], cal: Calendar
) -> dt.datetime | None:
    """The end of a two-year bar that stops this filing, or None (Art. 12, 32).

    The same lead proposer may not file again for 2 years after a case was abandoned; the same
    issue may not be proposed again for 2 years after a vote (an established case's vote).
    """
    bars = []
    for case in prior:
        if case.outcome == "abandoned" and case.lead_id_hash == lead_id_hash and case.outcome_at:
            bars.append(deadline(case.outcome_at, rules().refiling_bar, cal))
        voted = case.voted_at or (case.outcome_at if case.outcome == "established" else None)
        if case.issue_key == key and voted:
            bars.append(deadline(voted, rules().refiling_bar, cal))
    now = clock.now()
    live = [b for b in bars if b >= now]
    return max(live) if live else None


@dataclass(frozen=True)
class StageView:
    """A case's derived stage, the deadline that runs in it, and why it ended if it did."""

    stage: str
    deadline: dt.datetime | None
    reason: str = ""


def case_stage(case: Any, now: dt.datetime | None = None) -> StageView:
    """The stage of `case` at `now`, derived from its recorded acts and deadlines.

    A missed correction rejects the case; a code not collected within 10 days or signatures
    not submitted within 6 months abandon it (Art. 10, 12); a missed top-up leaves it not
    established (Art. 13). No job needs to have run.
    """
    now = now or clock.now()
    if case.outcome:
        return StageView(case.outcome, None)
    if not case.filed_at:
        return StageView("proposal", None)
    if not case.approved_at:
        if case.correction_requested_at and not case.corrected_at:
            if now > case.correction_due:
                return StageView("rejected", None, "correction_missed")
            return StageView("correction", case.correction_due)
        return StageView("review", case.review_due)
    if not case.code_collected_at:
        if now > case.code_due:
            return StageView("abandoned", None, "code_not_collected")
        return StageView("awaiting_code", case.code_due)
    if not case.submitted_at:
        if now > case.signature_deadline:
            return StageView("abandoned", None, "not_submitted")
        return StageView("collecting", case.signature_deadline)
    if case.top_up_due and not case.top_up_submitted_at:
        if now > case.top_up_due:
            return StageView("not_established", None, "top_up_missed")
        return StageView("top_up", case.top_up_due)
    return StageView("checking", case.check_due)


@dataclass(frozen=True)
class ProposerCheckView:
    """Where the household offices' check of a case's proposers stands (Art. 10).

    `state`: "" when there is no check to show (not filed yet, or decided before the check
    was recorded here), "pending" (due by `due`), "overdue" (past `due` and not recorded: the
    law's deadline is never moved), or "done" (recorded at `checked_at`; `late` when that was
    after `due`).
    """

    state: str
    due: dt.datetime | None = None
    checked_at: dt.datetime | None = None
    late: bool = False


def proposer_check(
    case: Any, now: dt.datetime | None = None, cal: Calendar | None = None
) -> ProposerCheckView:
    """The household offices' check of the proposers, derived from the case and the clock.

    After a case is filed (and again after a correction that brings new proposers) the CEC
    sends the proposers' list to the household offices, which check it within 15 days,
    inside the CEC's 60-day review (Referendum Act Art. 10). The due time is fixed when the
    list is sent; for a case filed before it was recorded, it is counted from the filing
    with `cal`.
    """
    now = now or clock.now()
    if not case.filed_at:
        return ProposerCheckView("")
    due = case.proposers_check_due
    if case.proposers_checked_at:
        checked = case.proposers_checked_at
        return ProposerCheckView("done", due, checked, late=bool(due and checked > due))
    if case.approved_at or case_stage(case, now).stage in FINAL_STAGES:
        return ProposerCheckView("")
    if due is None:
        due = deadline(case.filed_at, rules().proposer_check_period, cal or Calendar.of())
    return ProposerCheckView("overdue" if now > due else "pending", due)


def approvable(proposer_check_state: str) -> bool:
    """Whether the household offices' check of the proposers lets the CEC approve: not while
    it is pending or overdue (`proposer_check`'s state; Art. 10)."""
    return proposer_check_state not in ("pending", "overdue")


def correction_available(corrections_used: int) -> bool:
    """Whether a case that had `corrections_used` corrections may have another: fewer than
    the profile's `max_corrections` (Taiwan: one, Art. 10)."""
    return corrections_used < rules().max_corrections


def proposers_short(*, count: int, threshold: int, corrections_used: int) -> str:
    """What follows when the household check leaves `count` proposers (Art. 10).

    "" when they still reach the threshold; "correction" when they fall short and a
    correction (30 days, in which the lead proposer may add proposers) is still available
    (`correction_available`); "rejected" when they fall short after the last one.
    """
    if count >= threshold:
        return ""
    return "correction" if correction_available(corrections_used) else "rejected"


def accepting_signatures(case: Any, now: dt.datetime | None = None) -> str | None:
    """The stage whose signatures `case` accepts now (proposal/petition), or None.

    Proposers sign while the case gathers them and during its one correction, in which the
    lead proposer may add the proposers the case lacks (Art. 10).
    """
    view = case_stage(case, now)
    if view.stage in ("proposal", "correction"):
        return "proposal"
    if view.stage in ("collecting", "top_up"):
        return "petition"
    return None


def eligibility_reason(
    *,
    on_roll: bool,
    birth_date: dt.date | None = None,
    registered_since: dt.date | None = None,
    under_guardianship: bool = False,
    national: bool = True,
    reference_date: dt.date,
) -> str:
    """Why a signer is not eligible on `reference_date`, or "" when eligible (Art. 7, 8, 13).

    Codes: not_on_roll; not_national; under_18; residence_short; under_guardianship.
    """
    r = rules()
    if not on_roll:
        return "not_on_roll"
    if not national:
        return "not_national"
    assert birth_date is not None and registered_since is not None
    try:
        adult_on = birth_date.replace(year=birth_date.year + r.min_age)
    except ValueError:  # born 29 February: of age on 1 March
        adult_on = dt.date(birth_date.year + r.min_age, 3, 1)
    if adult_on > reference_date:
        return "under_18"
    months = r.residence_months
    index = registered_since.month - 1 + months
    year, month = registered_since.year + index // 12, index % 12 + 1
    try:
        resident_on = registered_since.replace(year=year, month=month)
    except ValueError:
        resident_on = dt.date(year, month % 12 + 1, 1) if month < 12 else dt.date(year + 1, 1, 1)
    if resident_on > reference_date:
        return "residence_short"
    if under_guardianship:
        return "under_guardianship"
    return ""


#: the Art. 13 deletion reason (profile code) that each eligibility failure maps to
ELIGIBILITY_DELETION = {
    "not_on_roll": "not_on_roll",
    "not_national": "ineligible",
    "under_18": "ineligible",
    "residence_short": "ineligible",
    "under_guardianship": "ineligible",
}


def retention_ends(case: Any, cal: Calendar) -> dt.datetime | None:
    """When the signers' personal data must be gone (Art. 12), or None while it is kept.

    Two years after the outcome was announced; with litigation, 3 months after the final
    judgment (and no earlier than the two years).
    """
    r = rules()
    outcome_at = case.outcome_at
    if not outcome_at:
        return None
    if case.litigated:
        if not case.final_judgment_at:
            return None
        return deadline(case.final_judgment_at, r.retention_after_judgment, cal)
    return deadline(outcome_at, r.retention_after_outcome, cal)


def statement_text(*, case_id: str, stage: str, national_id: str, signed_at: str) -> str:
    """The canonical statement a signer signs with their certificate (UTF-8, LF-separated)."""
    return (
        "opengov referendum signature v1\n"
        f"case: {case_id}\n"
        f"stage: {stage}\n"
        f"national-id: {national_id}\n"
        f"time: {signed_at}\n"
    )
