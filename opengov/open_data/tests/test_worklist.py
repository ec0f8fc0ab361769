"""Datasets out of date on the publishing agency's worklist."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from opengov.core import worklist
from opengov.open_data import services
from opengov.open_data.tests.conftest import GOOD_CSV, upload

pytestmark = pytest.mark.django_db


def test_a_monthly_dataset_falls_due_and_a_new_version_clears_it(
    clock, publish, official, other_official
):
    clock.set(2026, 3, 2, 9)
    dataset = publish(update_frequency="monthly")
    assert worklist.entries_for(official) == []  # due 2026-04-02, more than a week away
    clock.set(2026, 3, 30, 9)
    [entry] = worklist.entries_for(official)
    assert entry.item.url == reverse("open_data:version_new", args=[dataset.name])
    assert entry.item.due == dt.date(2026, 4, 2) and entry.days_left == 3
    assert worklist.entries_for(other_official) == []
    services.dataset_add_version(actor=official, dataset=dataset, upload=upload(GOOD_CSV))
    assert worklist.entries_for(official) == []


def test_irregular_datasets_are_never_due(clock, publish, official):
    clock.set(2026, 3, 2, 9)
    publish(update_frequency="irregular")
    clock.set(2027, 3, 2, 9)
    assert worklist.entries_for(official) == []


def test_the_window_is_the_profiles(clock, publish, official, profile):
    clock.set(2026, 3, 2, 9)
    publish(update_frequency="monthly")  # due 2026-04-02
    clock.set(2026, 3, 20, 9)
    assert worklist.entries_for(official) == []
    profile(open_data={"update_due_soon_days": 14})
    assert [e.item.due for e in worklist.entries_for(official)] == [dt.date(2026, 4, 2)]
