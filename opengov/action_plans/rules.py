"""Pure rules of OGP action plans: progress roll-up, overdue milestones, date and value checks.

Sources: the OGP commitment template and the IRM method (OGP Articles of Governance, IRM
Procedures Manual); Taiwan's national action plan adds inclusion to the OGP values. Numbers
come from `jurisdiction().action_plans`; no database access here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

#: progress is a percentage (0–100 %, by definition, not a legal number)
PROGRESS_MIN = 0
PROGRESS_MAX = 100


def weighted_progress(items: Iterable[tuple[Decimal | float | int, int | float]]) -> float:
    """Weighted mean of (weight, progress) pairs, in percent; 0.0 when there are none.

    OGP peers (e.g. Decidim accountability) track results as a tree where a parent's
    progress is the weighted mean of its children. Non-positive weights never count.
    """
    total_weight = Decimal(0)
    total = Decimal(0)
    for weight, progress in items:
        w = Decimal(str(weight))
        if w <= 0:
            continue
        total_weight += w
        total += w * Decimal(str(progress))
    if total_weight == 0:
        return 0.0
    return float(total / total_weight)


def mean_progress(values: Iterable[float]) -> float:
    """Unweighted mean (a plan's progress is the mean of its commitments'); 0.0 when empty."""
    values = list(values)
    if not values:
        return 0.0
    return sum(values) / len(values)


def is_done(status: str, progress: int) -> bool:
    """A milestone is done when reported complete (or at 100 %), or withdrawn."""
    return status in ("completed", "withdrawn") or progress >= PROGRESS_MAX


def is_overdue(*, end_date: dt.date, status: str, progress: int, today: dt.date) -> bool:
    """Overdue: the end date has passed (the milestone may use all of its last day) and the
    milestone is not done. Derived when read, never stored."""
    return today > end_date and not is_done(status, progress)


def is_due_soon(
    *, end_date: dt.date, status: str, progress: int, today: dt.date, due_soon_days: int
) -> bool:
    """Due soon: not done and ending today or within `due_soon_days` days."""
    return not is_done(status, progress) and today <= end_date <= today + dt.timedelta(
        days=due_soon_days
    )


def progress_problem(progress: object) -> str | None:
    """Why a progress value is unacceptable (an integer percentage 0–100), or None."""
    if isinstance(progress, bool) or not isinstance(progress, int):
        return "not_integer"
    if progress < PROGRESS_MIN or progress > PROGRESS_MAX:
        return "out_of_range"
    return None


def weight_problem(weight: Decimal | float | int) -> str | None:
    """Why a milestone weight is unacceptable (it must be positive), or None."""
    try:
        value = Decimal(str(weight))
    except Exception:
        return "not_number"
    if not value.is_finite():
        return "not_number"
    if value <= 0:
        return "not_positive"
    return None


def dates_problem(
    start: dt.date, end: dt.date, outer_start: dt.date, outer_end: dt.date
) -> str | None:
    """Why a (start, end) span is unacceptable inside its container, or None.

    A milestone must lie within its commitment, a commitment within its plan.
    """
    if end < start:
        return "end_before_start"
    if start < outer_start:
        return "starts_before"
    if end > outer_end:
        return "ends_after"
    return None


def unknown_values(claimed: Iterable[str], allowed: Iterable[str]) -> list[str]:
    """The claimed values that the jurisdiction's list does not know."""
    allowed = set(allowed)
    return [v for v in claimed if v not in allowed]


def parse_sdgs(text: str) -> list[int] | None:
    """'5, 16' -> [5, 16]; None when a part is not a goal number 1–17 (UN SDGs)."""
    goals: list[int] = []
    for part in (text or "").replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= 17:
            return None
        goals.append(int(part))
    return sorted(set(goals))
