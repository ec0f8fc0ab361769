"""Reading a certificate's issuer and subject serialNumber from its DER (bulk checking): the
same values as `cryptography`'s parsed names, and every malformed input refused."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from hypothesis import given
from hypothesis import strategies as st

from opengov.referendums import bulk, certs, der

from .conftest import make_id

KEY = ec.generate_private_key(ec.SECP256R1())


def _cert(subject: x509.Name, issuer: x509.Name, *, extensions: bool = True) -> x509.Certificate:
    now = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(KEY.public_key())
        .serial_number(2**150 + 12345)  # a long serial: a long-form DER length
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=30))
    )
    if extensions:
        builder = builder.add_extension(
            x509.BasicConstraints(ca=False, path_length=None), critical=True
        )
    return builder.sign(KEY, hashes.SHA256())


def _name(*rdns: list[x509.NameAttribute]) -> x509.Name:
    return x509.Name([x509.RelativeDistinguishedName(rdn) for rdn in rdns])


CN = x509.NameAttribute(NameOID.ORGANIZATION_NAME, "公民 " + "x" * 200)  # a long name, too
NAMES = [
    _name([CN]),
    _name([CN], [x509.NameAttribute(NameOID.SERIAL_NUMBER, make_id(1))]),
    _name(
        [x509.NameAttribute(NameOID.COUNTRY_NAME, "TW")],
        [CN, x509.NameAttribute(NameOID.SERIAL_NUMBER, make_id(2))],  # a multi-valued RDN
        [x509.NameAttribute(NameOID.SERIAL_NUMBER, make_id(3))],
    ),
    _name(
        [
            x509.NameAttribute(
                NameOID.SERIAL_NUMBER, make_id(4).lower(), _type=x509.name._ASN1Type.UTF8String
            )
        ]
    ),
]


@pytest.mark.parametrize("subject", NAMES)
@pytest.mark.parametrize("extensions", [True, False])
def test_names_and_serial_numbers_match_cryptography(subject, extensions, pki):
    cert = _cert(subject, pki.cert.subject, extensions=extensions)
    issuer_der, subject_der = der.names(cert.tbs_certificate_bytes)
    assert issuer_der == cert.issuer.public_bytes() == pki.cert.subject.public_bytes()
    assert subject_der == cert.subject.public_bytes()
    expected = [a.value for a in cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)]
    assert der.serial_numbers(subject_der) == expected
    assert bulk._national_id(cert, subject_der) == certs.certificate_national_id(cert)


def test_a_serial_number_the_reader_does_not_take_is_read_the_long_way(pki):
    subject = _name(
        [x509.NameAttribute(NameOID.SERIAL_NUMBER, make_id(5), _type=x509.name._ASN1Type.BMPString)]
    )
    cert = _cert(subject, pki.cert.subject)
    _issuer, subject_der = der.names(cert.tbs_certificate_bytes)
    with pytest.raises(ValueError):
        der.serial_numbers(subject_der)
    assert bulk._national_id(cert, subject_der) == make_id(5)


def test_malformed_der_is_refused(pki):
    tbs = _cert(NAMES[1], pki.cert.subject).tbs_certificate_bytes
    for broken in (
        tbs[:-1],  # truncated
        tbs + b"\x00",  # trailing bytes
        b"\x31" + tbs[1:],  # not a SEQUENCE
        b"\x30\x81\x05" + b"\x02\x01\x01\x30\x00",  # a non-minimal length
        b"\x30\x84\xff\xff\xff\xff",  # a length beyond the data
        b"\x30\x80\x00\x00",  # an indefinite length
        b"",
    ):
        with pytest.raises(ValueError):
            der.names(broken)


@given(st.binary(max_size=300))
def test_any_bytes_give_names_or_a_value_error(data):
    for reader in (der.names, der.serial_numbers):
        with contextlib.suppress(ValueError):
            reader(data)


def test_a_certificate_the_reader_refuses_is_a_bad_certificate(pki, clock, case_id):
    holder = pki.issue(make_id(1))
    package = holder.package(case_id=case_id, stage="petition", when=clock.now())
    import base64

    text, signature = package["statement"], base64.b64decode(package["signature"])
    issuers = bulk.Issuers.build([pki.cert], [pki.crl_der()])
    _statement, code = bulk.check_one(text, signature, b"\x30\x03\x02\x01\x01", issuers)
    assert code == "bad_certificate"
    cert_der = base64.b64decode(package["certificate"])
    assert bulk.check_one(text, signature, cert_der, issuers)[1] == ""
