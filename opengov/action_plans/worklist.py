"""Action-plan milestones on the worklist: unfinished milestones of commitments the person's
agency leads, once they end within the profile's "due soon" window or have passed it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opengov.accounts.permissions import agency_scope_q
from opengov.core import clock
from opengov.core.jurisdiction import jurisdiction
from opengov.core.worklist import WorkItem, WorkSource, register

from .models import Milestone, MilestoneStatus


def milestones_due(user: Any) -> list[WorkItem]:
    """Milestones not completed or withdrawn that end by today + the due-soon window."""
    horizon = clock.today() + dt.timedelta(days=jurisdiction().action_plans.due_soon_days)
    due = (
        Milestone.objects.filter(agency_scope_q(user, "commitment__lead_agency"))
        .exclude(status__in=(MilestoneStatus.COMPLETED, MilestoneStatus.WITHDRAWN))
        .filter(end_date__lte=horizon)
        .select_related("commitment")
        .order_by("end_date", "id")
    )
    return [
        WorkItem(
            source="milestones",
            title=m.title,
            action=str(_("Report progress")),
            url=reverse("action_plans:milestone_report", args=[m.public_id]),
            due=m.end_date,
            detail=str(_("Commitment: %(title)s")) % {"title": m.commitment.title},
        )
        for m in due
    ]


register(WorkSource("milestones", 30, _("Milestones due"), milestones_due))
