"""Files written for an upload do not outlive a transaction that fails."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from opengov.core.errors import Conflict
from opengov.open_data import services
from opengov.open_data.models import Dataset, DatasetVersion

from .conftest import GOOD_CSV, upload

pytestmark = pytest.mark.django_db


def stored_files() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


class Boom(Exception):
    pass


def _fail_audit(monkeypatch):
    def fail(**kwargs):
        raise Boom("audit store unavailable")

    monkeypatch.setattr(services.audit, "record", fail)


def test_failed_publication_leaves_no_files(publish, monkeypatch):
    _fail_audit(monkeypatch)
    with pytest.raises(Boom):
        publish()
    assert not Dataset.objects.exists() and not DatasetVersion.objects.exists()
    assert stored_files() == []


def test_failed_new_version_leaves_no_files_and_keeps_the_old(publish, official, monkeypatch):
    dataset = publish()
    before = stored_files()
    assert len(before) == 2  # the file as uploaded and its normalised CSV
    _fail_audit(monkeypatch)
    with pytest.raises(Boom):
        services.dataset_add_version(actor=official, dataset=dataset, upload=upload(GOOD_CSV))
    assert stored_files() == before
    assert DatasetVersion.objects.count() == 1


def test_concurrent_version_is_a_conflict_without_stray_files(publish, official):
    dataset = publish()
    stale = Dataset.objects.get(pk=dataset.pk)
    services.dataset_add_version(actor=official, dataset=dataset, upload=upload(GOOD_CSV))
    after_v2 = stored_files()
    assert len(after_v2) == 4
    with pytest.raises(Conflict):
        services.dataset_add_version(actor=official, dataset=stale, upload=upload(GOOD_CSV))
    assert stored_files() == after_v2
    assert list(DatasetVersion.objects.values_list("number", flat=True)) == [2, 1]


def test_successful_upload_keeps_its_files(publish):
    publish()
    version = DatasetVersion.objects.get()
    assert sorted([version.original.name, version.data.name]) == stored_files()
