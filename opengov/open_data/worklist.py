"""Open data on the worklist: an agency's uploaded datasets whose latest version is older than
the update frequency they promise (a dataset without any version is due at once)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opengov.core import clock
from opengov.core.jurisdiction import jurisdiction
from opengov.core.worklist import WorkItem, WorkSource, register

from .models import Frequency
from .permissions import managed_datasets

#: how long a version stays current under each promised frequency
FRESH_FOR = {
    Frequency.DAILY: dt.timedelta(days=1),
    Frequency.WEEKLY: dt.timedelta(days=7),
    Frequency.MONTHLY: dt.timedelta(days=31),
    Frequency.QUARTERLY: dt.timedelta(days=92),
    Frequency.ANNUAL: dt.timedelta(days=366),
}


def datasets_due(user: Any) -> list[WorkItem]:
    """Datasets with a regular frequency whose next version falls due within the profile's
    window (a week in Taiwan)."""
    today = clock.today()
    horizon = today + dt.timedelta(days=jurisdiction().open_data.update_due_soon_days)
    datasets = (
        managed_datasets(user)
        .filter(update_frequency__in=list(FRESH_FOR))
        .annotate(last_version_at=Max("versions__created_at"))
        .order_by("name")
    )
    items = []
    for d in datasets:
        if d.last_version_at is None:
            due = d.created_at.astimezone(clock.local_zone()).date()
            detail = str(_("No version published yet"))
        else:
            last = d.last_version_at.astimezone(clock.local_zone())
            due = (last + FRESH_FOR[d.update_frequency]).date()
            detail = str(_("Last version %(date)s, promised %(frequency)s")) % {
                "date": last.date().isoformat(),
                "frequency": d.get_update_frequency_display().lower(),
            }
        if due <= horizon:
            items.append(
                WorkItem(
                    source="datasets",
                    title=d.title,
                    action=str(_("Publish a new version")),
                    url=reverse("open_data:version_new", args=[d.name]),
                    due=due,
                    detail=detail,
                )
            )
    return items


register(WorkSource("datasets", 40, _("Datasets out of date"), datasets_due))
