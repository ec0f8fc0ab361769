"""Milestones due on the lead agency's worklist."""

from __future__ import annotations

import pytest
from django.urls import reverse

from opengov.action_plans import services
from opengov.core import worklist

pytestmark = pytest.mark.django_db


def test_milestone_enters_the_window_becomes_overdue_and_leaves_when_completed(
    clock, milestone, official, other_official
):
    clock.set(2022, 1, 1, 9)  # ends 2022-06-30: outside the 30-day window
    assert worklist.entries_for(official) == []
    clock.set(2022, 6, 10, 9)
    [entry] = worklist.entries_for(official)
    assert entry.item.url == reverse("action_plans:milestone_report", args=[milestone.public_id])
    assert entry.days_left == 20 and not entry.overdue
    assert worklist.entries_for(other_official) == []
    clock.set(2022, 7, 3, 9)
    assert worklist.entries_for(official)[0].overdue_days == 3
    services.progress_update_post(
        actor=official, milestone=milestone, status="completed", progress=100, text="完成"
    )
    assert worklist.entries_for(official) == []
