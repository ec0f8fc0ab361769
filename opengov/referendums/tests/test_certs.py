"""Certificate checks: each failure refused with its reason; revocation evidence kept."""

from __future__ import annotations

import datetime as dt

import pytest

from opengov.referendums import certs
from opengov.referendums.testpki import LocalCA

from .conftest import make_id


def test_good_signature_is_accepted_with_crl_and_ocsp_evidence(pki, clock, case_id):
    citizen = pki.issue(make_id(1))
    checked = certs.check_package(
        citizen.package(case_id=case_id, stage="petition", when=clock.now())
    )
    assert checked.statement.national_id == make_id(1)
    assert checked.crls and checked.ocsps


def refusal(package) -> str:
    with pytest.raises(certs.SignatureRefused) as info:
        certs.check_package(package)
    return info.value.code


def test_wrong_root(pki, clock, case_id):
    other = LocalCA(now=lambda: clock.now()).start()
    try:
        citizen = other.issue(make_id(2))
        assert refusal(citizen.package(case_id=case_id, stage="petition", when=clock.now())) == (
            "untrusted"
        )
    finally:
        other.stop()


def test_expired_at_signing_time(pki, clock, case_id):
    now = clock.now()
    citizen = pki.issue(
        make_id(3), not_before=now - dt.timedelta(days=400), not_after=now - dt.timedelta(days=1)
    )
    assert refusal(citizen.package(case_id=case_id, stage="petition", when=now)) == "expired"


def test_not_yet_valid_at_signing_time(pki, clock, case_id):
    now = clock.now()
    citizen = pki.issue(make_id(4), not_before=now + dt.timedelta(days=1))
    assert refusal(citizen.package(case_id=case_id, stage="petition", when=now)) == (
        "not_yet_valid"
    )


def test_revoked_by_crl(pki, clock, case_id):
    citizen = pki.issue(make_id(5))
    pki.revoke(citizen, in_crl=True)
    assert refusal(citizen.package(case_id=case_id, stage="petition", when=clock.now())) == (
        "revoked"
    )


def test_revoked_by_ocsp_before_the_crl_lists_it(pki, clock, case_id):
    citizen = pki.issue(make_id(6))
    pki.revoke(citizen, in_crl=False)
    assert refusal(citizen.package(case_id=case_id, stage="petition", when=clock.now())) == (
        "revoked"
    )


def test_wrong_key_usage(pki, clock, case_id):
    citizen = pki.issue(make_id(7), key_usage="encryption")
    assert refusal(citizen.package(case_id=case_id, stage="petition", when=clock.now())) == (
        "key_usage"
    )


def test_signature_over_another_statement(pki, clock, case_id):
    citizen = pki.issue(make_id(8))
    package = citizen.package(case_id=case_id, stage="petition", when=clock.now())
    other = citizen.package(case_id=case_id, stage="proposal", when=clock.now())
    package["signature"] = other["signature"]
    assert refusal(package) == "bad_signature"


def test_certificate_of_another_person(pki, clock, case_id):
    citizen = pki.issue(make_id(9))
    package = citizen.package(
        case_id=case_id, stage="petition", when=clock.now(), national_id=make_id(10)
    )
    assert refusal(package) == "id_mismatch"


def test_missing_revocation_source_is_refused(pki, clock, case_id):
    citizen = pki.issue(make_id(11), ocsp_url=False)
    assert refusal(citizen.package(case_id=case_id, stage="petition", when=clock.now())) == (
        "revocation_unavailable"
    )


@pytest.mark.parametrize(
    ("package", "code"),
    [
        ("not json", "bad_package"),
        ("[1]", "bad_package"),
        ({"statement": "hello"}, "bad_statement"),
    ],
)
def test_malformed_packages(package, code, settings):
    settings.REFERENDUM_TRUST_ROOTS = []
    assert refusal(package) == code


def test_malformed_certificate(pki, clock, case_id):
    citizen = pki.issue(make_id(12))
    package = citizen.package(case_id=case_id, stage="petition", when=clock.now())
    package["certificate"] = "AAAA"
    assert refusal(package) == "bad_certificate"
