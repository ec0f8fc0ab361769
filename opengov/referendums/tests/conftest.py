"""Fixtures of the referendum tests: a local CA with CRL and OCSP on loopback, cases."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from opengov.core import clock as clock_module
from opengov.core.identifiers import national_id_check_digit
from opengov.referendums import services
from opengov.referendums.testpki import LocalCA


def make_id(n: int, sex: str = "1") -> str:
    """A valid national ID number built from `n`."""
    prefix = f"A{sex}{n:07d}"
    return prefix + national_id_check_digit(prefix)


LEAD_ID = make_id(9_000_001)


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


@pytest.fixture
def small_profile(profile, settings, agency):
    """An electorate of 200: 1 proposer and 3 signatures needed; `agency` runs elections."""
    profile(referendums={"last_presidential_electorate": 200})
    settings.REFERENDUM_AGENCY_CODES = (agency.code,)


@pytest.fixture
def lead(citizen):
    return citizen


def esign(pki, case, n, *, stage=None, actor=None):
    """Sign `case` electronically as citizen number `n`; return (signature, receipt)."""
    from opengov.referendums import rules

    citizen = pki.issue(make_id(n))
    stage = stage or rules.accepting_signatures(case)
    package = citizen.package(case_id=str(case.public_id), stage=stage, when=clock_module.now())
    return services.signature_submit(actor=actor, case=case, package=package)


@pytest.fixture
def make_case(db, small_profile, pki, lead, official, clock):
    """`make_case(stage)`: a case brought to `stage` through the services (proposer 1
    signs; "review" is filed, "proposers_checked" has the household check of the proposers
    recorded against a roll that holds proposer 1)."""

    def make(stage: str = "proposal"):
        case = services.case_create(
            actor=lead,
            main_text="<b>是否同意</b> 核四啟封？",
            reasons="理由 <script>x</script>",
            national_id=LEAD_ID,
        )
        if stage == "proposal":
            return case
        esign(pki, case, 1)
        case = services.case_file(actor=lead, case=case)
        if stage == "review":
            return case
        services.roll_import(
            actor=official, data=roll_csv([adult(1)]), reference_date=clock.today()
        )
        case = services.case_check_proposers(actor=official, case=case)
        if stage == "proposers_checked":
            return case
        case = services.case_decide(actor=official, case=case, approve=True)
        if stage == "awaiting_code":
            return case
        case = services.case_collect_code(actor=lead, case=case)
        if stage == "collecting":
            return case
        raise ValueError(stage)

    return make


def roll_csv(rows):
    """A voter roll CSV from (national_id, birth_date, registered_since, guardianship)."""
    lines = ["national_id,birth_date,registered_since,under_guardianship,national"]
    for national_id, birth, since, guardian in rows:
        lines.append(f"{national_id},{birth},{since},{str(guardian).lower()},true")
    return "\n".join(lines) + "\n"


def adult(n):
    return (make_id(n), dt.date(1980, 1, 1), dt.date(2000, 1, 1), False)
