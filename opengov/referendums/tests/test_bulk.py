"""Bulk checking: the same refusals as the online path, dedup with electronic first."""

from __future__ import annotations

import base64
import datetime as dt

from cryptography.hazmat.primitives import serialization

from opengov.referendums import bulk
from opengov.referendums.privacy import id_hash
from opengov.referendums.testpki import LocalCA

from .conftest import make_id


def _entry(package):
    return (
        package["statement"],
        base64.b64decode(package["signature"]),
        base64.b64decode(package["certificate"]),
    )


def test_bulk_codes(pki, clock, case_id, settings):
    now = clock.now()
    good = pki.issue(make_id(1))
    expired = pki.issue(
        make_id(2), not_before=now - dt.timedelta(days=400), not_after=now - dt.timedelta(days=1)
    )
    revoked = pki.issue(make_id(3))
    pki.revoke(revoked)
    encrypting = pki.issue(make_id(4), key_usage="encryption")
    stranger = LocalCA(now=clock.now).issue(make_id(5))
    minor = pki.issue(make_id(6))

    def pkg(holder, **kw):
        return _entry(holder.package(case_id=case_id, stage="petition", when=now, **kw))

    tampered = list(pkg(good))
    tampered[1] = pkg(minor)[1]
    other_person = pkg(good, national_id=make_id(7))
    electronic = [
        pkg(good),
        pkg(good),
        pkg(expired),
        pkg(revoked),
        pkg(encrypting),
        pkg(stranger),
        tuple(tampered),
        other_person,
        pkg(minor),
    ]
    issuers = bulk.Issuers.build([pki.cert], [pki.crl_der()])
    roll = {
        id_hash(make_id(n)): bulk.RollRow(dt.date(1980, 1, 1), dt.date(2000, 1, 1)) for n in (1, 8)
    }
    roll[id_hash(make_id(6))] = bulk.RollRow(
        now.date() - dt.timedelta(days=3000), dt.date(2000, 1, 1)
    )
    result = bulk.check_case(
        electronic=electronic,
        paper=[make_id(1), make_id(8), make_id(8), make_id(9)],
        issuers=issuers,
        roll=roll,
        reference_date=now.date(),
        case_id=case_id,
    )
    assert result.electronic == [
        "counted",
        "duplicate",
        "expired",
        "revoked",
        "key_usage",
        "untrusted",
        "bad_signature",
        "id_mismatch",
        "under_18",
    ]
    assert result.paper == ["duplicate", "counted", "duplicate", "not_on_roll"]
    assert list(bulk.iter_counted(result)) == [0, 10]
    assert pki.cert.public_bytes(serialization.Encoding.DER)


def test_parallel_verification_gives_the_same_codes(pki, clock, case_id):
    now = clock.now()
    holders = [pki.issue(make_id(n)) for n in range(1, 7)]
    revoked = holders[2]
    pki.revoke(revoked)
    entries = [_entry(h.package(case_id=case_id, stage="petition", when=now)) for h in holders]
    issuers = bulk.Issuers.build([pki.cert], [pki.crl_der()])
    one = bulk.verify_all(entries, issuers)
    two = bulk.verify_all(entries, issuers, workers=2, min_parallel=0)
    assert one == two
    assert [row[3] for row in two] == ["", "", "revoked", "", "", ""]


def test_the_roster_hasher_gives_the_stored_hashes(settings):
    hash_id = bulk.id_hasher()
    for value in (make_id(1), make_id(2).lower(), f" {make_id(3)[:4]} {make_id(3)[4:]}\t", ""):
        assert hash_id(value) == id_hash(value)
    settings.ID_HASH_KEY = "another key"
    assert bulk.id_hasher()(make_id(1)) == id_hash(make_id(1)) != hash_id(make_id(1))


def test_keys_other_than_ecdsa_are_checked_the_same_way(pki, clock, case_id):
    """The bulk path builds ECDSA once; other keys go through `certs` as online."""
    from cryptography.hazmat.primitives.asymmetric import ed25519

    from opengov.referendums import rules

    key = ed25519.Ed25519PrivateKey.generate()
    holder = pki.issue(make_id(1), key=key)
    text = rules.statement_text(
        case_id=case_id, stage="petition", national_id=make_id(1), signed_at=clock.now().isoformat()
    )
    cert_der = holder.cert.public_bytes(serialization.Encoding.DER)
    issuers = bulk.Issuers.build([pki.cert], [pki.crl_der()])
    assert bulk.check_one(text, key.sign(text.encode()), cert_der, issuers)[1] == ""
    other = ed25519.Ed25519PrivateKey.generate().sign(text.encode())
    assert bulk.check_one(text, other, cert_der, issuers)[1] == "bad_signature"
