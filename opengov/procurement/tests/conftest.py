"""Procurement tests: imports run inline (no thread), uploads go to a temporary folder."""

import pytest


@pytest.fixture(autouse=True)
def _imports_inline(settings, tmp_path):
    settings.PROCUREMENT_IMPORT_INLINE = True
    settings.JOBS_IN_PROCESS = True
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def keeper(db):
    """An official of the Public Construction Commission (a procurement keeper agency)."""
    from opengov.accounts.tests.factories import AgencyFactory, make_official

    pcc = AgencyFactory(code="pcc", name_zh_hant="行政院公共工程委員會", name_en="PCC")
    return make_official(pcc)
