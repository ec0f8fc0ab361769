"""Registry tests: imports run inline (no thread), so a test sees the finished run."""

import pytest


@pytest.fixture(autouse=True)
def _imports_inline(settings):
    settings.REGISTRY_IMPORT_INLINE = True
    settings.JOBS_IN_PROCESS = True


@pytest.fixture
def keeper(db):
    """An official of the Ministry of Economic Affairs, which keeps the company registry."""
    from opengov.accounts.tests.factories import AgencyFactory, make_official

    moea = AgencyFactory(code="moea", name_zh_hant="經濟部", name_en="Ministry of Economic Affairs")
    return make_official(moea)
