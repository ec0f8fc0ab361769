"""Fixtures of the referendum tests: a test CA with CRL and OCSP on loopback, citizens."""

from __future__ import annotations

import uuid

import pytest

from opengov.core import clock as clock_module
from opengov.core.identifiers import national_id_check_digit
from opengov.referendums.testpki import LocalCA


def make_id(n: int, sex: str = "1") -> str:
    """A valid national ID number built from `n`."""
    prefix = f"A{sex}{n:07d}"
    return prefix + national_id_check_digit(prefix)


@pytest.fixture
def pki(clock, settings):
    """A running test CA whose root is the one trusted root."""
    ca = LocalCA(now=clock_module.now).start()
    settings.REFERENDUM_TRUST_ROOTS = [ca.root_pem().decode()]
    yield ca
    ca.stop()


@pytest.fixture
def case_id() -> str:
    return str(uuid.uuid4())
