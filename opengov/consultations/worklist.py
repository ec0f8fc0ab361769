"""Consultations on the worklist: closed consultations whose comments still need a decision,
and reports ready to publish, for officials of the owning agency."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from opengov.core import clock
from opengov.core.worklist import WorkItem, WorkSource, register

from .permissions import managed_consultations


def decisions_due(user: Any) -> list[WorkItem]:
    """Published consultations past their last day whose report is not published yet."""
    closed = (
        managed_consultations(user)
        .filter(
            published_at__isnull=False,
            report_published_at__isnull=True,
            closes_on__lt=clock.today(),
        )
        .annotate(
            undecided=Count(
                "comments",
                filter=Q(comments__hidden_at__isnull=True, comments__response__isnull=True),
            )
        )
        .order_by("closes_on", "id")
    )
    items = []
    for c in closed:
        if c.undecided:
            action = ngettext(
                "Decide on %(n)d comment", "Decide on %(n)d comments", c.undecided
            ) % {"n": c.undecided}
            url = reverse("consultations:handle", args=[c.public_id])
        else:
            action = str(_("Publish the report"))
            url = reverse("consultations:report", args=[c.public_id])
        detail = str(_("Comments closed on %(date)s")) % {"date": c.closes_on.isoformat()}
        items.append(
            WorkItem(source="consultations", title=c.title, action=action, url=url, detail=detail)
        )
    return items


register(WorkSource("consultations", 20, _("Consultations to report on"), decisions_due))
