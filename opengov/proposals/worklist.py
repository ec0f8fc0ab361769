"""Proposals on the worklist: answers an agency owes (by their legal due date) and, for
operators, proposals waiting for review (by their review deadline)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opengov.accounts.permissions import agency_scope_q
from opengov.core import clock
from opengov.core.worklist import WorkItem, WorkSource, register

from .models import Proposal
from .permissions import reviewable_proposals
from .selectors import state_q


def _local_date(moment: Any):
    return moment.astimezone(clock.local_zone()).date() if moment else None


def answers_due(user: Any) -> list[WorkItem]:
    """Passed proposals naming one of the person's agencies that are not answered yet."""
    now = clock.now()
    waiting = (
        Proposal.objects.filter(state_q("awaiting_response", now) | state_q("overdue", now))
        .filter(agency_scope_q(user, "agencies"))
        .distinct()
        .only("public_id", "title", "response_due")
    )
    return [
        WorkItem(
            source="proposals",
            title=p.title,
            action=str(_("Answer point by point")),
            url=reverse("proposals:respond", args=[p.public_id]),
            due=_local_date(p.response_due),
        )
        for p in waiting
    ]


def reviews_due(user: Any) -> list[WorkItem]:
    """Submitted proposals an operator must review (operators only)."""
    return [
        WorkItem(
            source="proposal_reviews",
            title=p.title,
            action=str(_("Review against the published rules")),
            url=reverse("proposals:review", args=[p.public_id]),
            due=_local_date(p.review_due),
        )
        for p in reviewable_proposals(user).only("public_id", "title", "review_due")
    ]


register(WorkSource("proposals", 10, _("Proposals to answer"), answers_due))
register(WorkSource("proposal_reviews", 15, _("Proposals to review"), reviews_due))
