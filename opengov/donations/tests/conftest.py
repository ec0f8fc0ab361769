"""Donations tests: imports run inline (no thread), so a test sees the finished run."""

import pytest


@pytest.fixture(autouse=True)
def _imports_inline(settings):
    settings.DONATIONS_IMPORT_INLINE = True
    settings.JOBS_IN_PROCESS = True
