"""What the action-plan services share: checks of typed-in values, the plan's revision."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import F
from django.utils.translation import gettext as _

from opengov.accounts.permissions import require_signed_in
from opengov.core import clock
from opengov.core.errors import Forbidden, ServiceError
from opengov.core.text import clean_plain

from .. import rules
from ..models import ActionPlan
from ..permissions import manages_plan

LANGS = ("zh_hant", "en")
#: path segments of the action-plan pages that a plan's short name cannot take
RESERVED_SLUGS = ("commitments", "milestones", "updates", "new")
COMMITMENT_TEXT_FIELDS = (
    "actors_government",
    "actors_civil_society",
    "actors_private_sector",
    "problem",
    "description",
    "how_it_helps",
    "budget",
    "other_plans",
)


# --- helpers ----------------------------------------------------------------------------------
def _bump(plan: ActionPlan) -> None:
    ActionPlan.objects.filter(pk=plan.pk).update(revision=F("revision") + 1, updated_at=clock.now())


def _required(value: Any, field: str, message: str) -> str:
    text = clean_plain(str(value or ""))
    if not text:
        raise ServiceError("required", message, field=field)
    return text


def _date(value: Any, field: str) -> dt.date:
    """A date given as a date (forms and schemas parse what is typed); anything else refused."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise ServiceError("invalid_date", _("Enter a date as YYYY-MM-DD."), field=field)


def _whole_number(value: Any, field: str) -> int:
    """A whole number of at least 1, given as an int (forms and schemas parse what is typed)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ServiceError("invalid_number", _("Enter a whole number."), field=field)
    return value


def _check_span(
    start: dt.date, end: dt.date, outer_start: dt.date, outer_end: dt.date, outer: str
) -> None:
    problem = rules.dates_problem(start, end, outer_start, outer_end)
    if problem == "end_before_start":
        raise ServiceError(
            "end_before_start", _("The end date cannot be before the start date."), field="end_date"
        )
    if problem == "starts_before":
        raise ServiceError(
            "outside_dates",
            _("The start date must be on or after %(outer)s's start (%(date)s).")
            % {"outer": outer, "date": outer_start.isoformat()},
            field="start_date",
        )
    if problem == "ends_after":
        raise ServiceError(
            "outside_dates",
            _("The end date must be on or before %(outer)s's end (%(date)s).")
            % {"outer": outer, "date": outer_end.isoformat()},
            field="end_date",
        )


def _progress(value: Any) -> int:
    """A whole percentage given as an int (forms and schemas parse what is typed)."""
    problem = rules.progress_problem(value)
    if problem:
        raise ServiceError(
            "invalid_progress", _("Progress is a whole percentage from 0 to 100."), field="progress"
        )
    return value


def _weight(value: Any) -> Decimal:
    """A weight given as a Decimal or an int (forms and schemas parse what is typed)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, Decimal | int)
        or rules.weight_problem(value)
    ):
        raise ServiceError(
            "invalid_weight", _("The weight must be a number greater than zero."), field="weight"
        )
    try:
        weight = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ServiceError(
            "invalid_weight", _("The weight must be a number greater than zero."), field="weight"
        ) from None
    if weight <= 0 or weight >= Decimal("100000"):
        raise ServiceError(
            "invalid_weight",
            _("The weight must be a number greater than zero (and below 100,000)."),
            field="weight",
        )
    return weight


def _status(value: Any, choices: Iterable[str], field: str = "status") -> str:
    value = str(value or "")
    if value not in choices:
        raise ServiceError("invalid_choice", _("Choose one of the listed values."), field=field)
    return value


def _translated(data: dict[str, Any], base: str) -> dict[str, str]:
    return {f"{base}_{lang}": clean_plain(str(data.get(f"{base}_{lang}") or "")) for lang in LANGS}


def _require_manager(actor: Any, plan: ActionPlan) -> None:
    require_signed_in(actor)
    if not manages_plan(actor, plan):
        raise Forbidden(_("Only the plan's co-conveners and platform operators can do this."))
