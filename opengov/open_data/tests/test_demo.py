"""The demo data loads through the real checks, twice without duplicates."""

from __future__ import annotations

import io

import pytest

from opengov.open_data.models import Dataset, DatasetVersion, Showcase

pytestmark = pytest.mark.django_db


def test_demo_loads_idempotently():
    from opengov.accounts import demo as accounts_demo
    from opengov.open_data import demo

    accounts_demo.load(stdout=io.StringIO())
    demo.load(stdout=io.StringIO())
    demo.load(stdout=io.StringIO())
    assert set(Dataset.objects.values_list("name", flat=True)) == {
        "population-by-county",
        "population-projection",
    }
    assert DatasetVersion.objects.filter(dataset__name="population-by-county").count() == 2
    projection = DatasetVersion.objects.get(dataset__name="population-projection")
    assert projection.encoding == "big5" and projection.row_count == 10
    assert Showcase.objects.filter(status="approved").count() == 1
    assert Showcase.objects.filter(status="pending").count() == 1
