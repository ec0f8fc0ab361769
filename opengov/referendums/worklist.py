"""Referendum cases on the worklist of election officials: the household checks to record,
the proposers' (Art. 10, 15 days) and the signers' (Art. 13, 60 days), by their due date.

Both are derived when read (`rules.proposer_check`, `rules.case_stage`), so a check past its
day shows as overdue whether or not a job ran; the case page records it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opengov.core import clock
from opengov.core.selectors import calendar_for
from opengov.core.worklist import WorkItem, WorkSource, register

from . import rules
from .models import Case
from .permissions import is_election_official

#: the long texts a worklist row does not need
_DEFERRED = ("reasons", "correction_note", "outcome_note")


def checks_due(user: Any) -> list[WorkItem]:
    """Cases waiting for a household check, for election officials only."""
    if not is_election_official(user):
        return []
    now = clock.now()
    items = []
    proposers = Case.objects.filter(
        outcome="",
        filed_at__isnull=False,
        approved_at__isnull=True,
        proposers_checked_at__isnull=True,
    ).defer(*_DEFERRED)
    # one calendar for the cases filed before the check's due time was recorded (if any)
    legacy = any(case.proposers_check_due is None for case in proposers)
    cal = calendar_for() if legacy else None
    for case in proposers:
        check = rules.proposer_check(case, now, cal)
        if check.state in ("pending", "overdue"):
            action = _("Record the household check of the proposers against the roll")
            items.append(_item(case, action, check.due))
    signers = Case.objects.filter(outcome="", submitted_at__isnull=False).defer(*_DEFERRED)
    for case in signers:
        view = rules.case_stage(case, now)
        if view.stage == "checking":
            action = _("Record the household check against the roll")
            items.append(_item(case, action, view.deadline))
    return items


def _item(case: Case, action: Any, due: dt.datetime | None) -> WorkItem:
    return WorkItem(
        source="referendum_checks",
        title=case.main_text,
        action=str(action),
        url=reverse("referendums:detail", args=[case.public_id]),
        due=rules.local_day(due) if due else None,
    )


register(WorkSource("referendum_checks", 40, _("Referendum household checks"), checks_due))
