"""Checking an electronic signature made with a citizen certificate.

A signed package is JSON: `{"statement": str, "signature": base64, "certificate": base64 DER or
PEM, "chain": [base64 DER or PEM, ...]}`. The statement is the canonical text of
`rules.statement_text()` (case, stage, national ID, time). The server checks, in order:

1. the package and statement are well formed;
2. the signature over the statement's UTF-8 bytes with the certificate's public key (RSA
   PKCS#1 v1.5 or ECDSA with SHA-256, or Ed25519) — `cryptography`;
3. the X.509 path to the configured trusted roots (`REFERENDUM_TRUST_ROOTS`: PEM files), the
   validity of every certificate at the signing time, key usage (digital signature or
   non-repudiation) and revocation by CRL and OCSP, fetched from the addresses the
   certificates declare — `pyhanko-certvalidator`, hard-fail;
4. the certificate belongs to the person: its subject serialNumber is the national ID named
   in the statement.

Every refusal is a `SignatureRefused` with a code and a message naming what is wrong. On
success the CRLs and OCSP responses that were seen are returned, to be kept with the signature.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import concurrent.futures
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator import errors as cv_errors
from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend
from pyhanko_certvalidator.policy_decl import (
    CertRevTrustPolicy,
    RevocationCheckingPolicy,
    RevocationCheckingRule,
)

from opengov.core.identifiers import national_id_checksum_ok, normalise_national_id

STATEMENT_RE = re.compile(
    r"\Aopengov referendum signature v1\n"
    r"case: (?P<case>[0-9a-f-]{36})\n"
    r"stage: (?P<stage>proposal|petition)\n"
    r"national-id: (?P<national_id>[A-Z0-9]{10})\n"
    r"time: (?P<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d))\n\Z"
)


class SignatureRefused(Exception):
    """An electronic signature that is not accepted: a stable code and a message."""

    def __init__(self, code: str, message: Any, field: str = "signed_package") -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Statement:
    """The parsed canonical statement."""

    text: str
    case_id: str
    stage: str
    national_id: str
    signed_at: dt.datetime


@dataclass
class CheckedSignature:
    """A signature that passed every check, with what was seen while checking it."""

    statement: Statement
    signature: bytes
    certificate_der: bytes
    certificate_sha256: str
    crls: list[bytes] = field(default_factory=list)
    ocsps: list[bytes] = field(default_factory=list)


def parse_statement(text: str) -> Statement:
    """Parse the canonical statement, or refuse it naming the problem."""
    match = STATEMENT_RE.match(text or "")
    if not match:
        raise SignatureRefused(
            "bad_statement",
            _("The statement is not in the canonical form (case, stage, national-id, time)."),
            "statement",
        )
    national_id = match["national_id"]
    if not national_id_checksum_ok(national_id):
        raise SignatureRefused(
            "bad_statement", _("The national ID in the statement is not valid."), "statement"
        )
    signed_at = dt.datetime.fromisoformat(match["time"].replace("Z", "+00:00"))
    return Statement(text, match["case"], match["stage"], national_id, signed_at)


def _decode_cert(value: Any, what: str) -> bytes:
    if not isinstance(value, str) or not value.strip():
        raise SignatureRefused("bad_certificate", _("The %s is missing.") % what, "certificate")
    text = value.strip()
    try:
        if text.startswith("-----BEGIN"):
            cert = x509.load_pem_x509_certificate(text.encode())
        else:
            cert = x509.load_der_x509_certificate(base64.b64decode(text, validate=True))
    except (ValueError, binascii.Error):
        raise SignatureRefused(
            "bad_certificate",
            _("The %s is not a readable X.509 certificate.") % what,
            "certificate",
        ) from None
    return cert.public_bytes(serialization.Encoding.DER)


SIGN_IN_RE = re.compile(
    r"\Aopengov certificate sign-in v1\n"
    r"national-id: (?P<national_id>[A-Z0-9]{10})\n"
    r"challenge: (?P<case>[0-9a-f]{32})\n"
    r"time: (?P<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d))\n\Z"
)


def sign_in_text(*, national_id: str, challenge: str, signed_at: str) -> str:
    """The statement signed to sign in with a certificate (the challenge comes from the page)."""
    return (
        "opengov certificate sign-in v1\n"
        f"national-id: {national_id}\n"
        f"challenge: {challenge}\n"
        f"time: {signed_at}\n"
    )


def parse_sign_in(text: str) -> Statement:
    """Parse a sign-in statement (its challenge is returned as `case_id`)."""
    match = SIGN_IN_RE.match(text or "")
    if not match or not national_id_checksum_ok(match["national_id"]):
        raise SignatureRefused(
            "bad_statement", _("The sign-in statement is not in the canonical form."), "statement"
        )
    signed_at = dt.datetime.fromisoformat(match["time"].replace("Z", "+00:00"))
    return Statement(text, match["case"], "sign-in", match["national_id"], signed_at)


def parse_package(
    raw: str | bytes | dict[str, Any], parser: Any = None
) -> tuple[Statement, bytes, bytes, list[bytes]]:
    """Split a signed package into statement, signature, certificate and chain (DER)."""
    if isinstance(raw, dict):
        package = raw
    else:
        try:
            package = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise SignatureRefused(
                "bad_package", _("The signed package is not JSON."), "signed_package"
            ) from None
    if not isinstance(package, dict):
        raise SignatureRefused("bad_package", _("The signed package is not a JSON object."))
    statement = (parser or parse_statement)(package.get("statement") or "")
    try:
        signature = base64.b64decode(package.get("signature") or "", validate=True)
    except (binascii.Error, TypeError, ValueError):
        signature = b""
    if not signature:
        raise SignatureRefused(
            "bad_signature", _("The signature is missing or not base64."), "signature"
        )
    certificate = _decode_cert(package.get("certificate"), "certificate")
    chain_raw = package.get("chain") or []
    if not isinstance(chain_raw, list):
        raise SignatureRefused("bad_certificate", _("The chain must be a list."), "chain")
    chain = [_decode_cert(c, "chain certificate") for c in chain_raw[:5]]
    return statement, signature, certificate, chain


#: ECDSA with SHA-256, the statements' algorithm, built once
_ECDSA_SHA256 = ec.ECDSA(hashes.SHA256())
#: ECDSA with each hash that certificates are signed with, built once per hash
_ECDSA_BY_HASH: dict[str, ec.ECDSA] = {}


def verify_signature_value(public_key: Any, signature: bytes, data: bytes) -> None:
    """Check `signature` over `data`; raise InvalidSignature if it does not match."""
    if isinstance(public_key, rsa.RSAPublicKey):
        public_key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
    elif isinstance(public_key, ec.EllipticCurvePublicKey):
        public_key.verify(signature, data, _ECDSA_SHA256)
    elif isinstance(public_key, ed25519.Ed25519PublicKey):
        public_key.verify(signature, data)
    else:
        raise InvalidSignature("unsupported key type")


def verify_certificate_signature(
    issuer_key: Any, cert: x509.Certificate, tbs: bytes | None = None
) -> None:
    """Check the issuer's signature on `cert` (RSA PKCS#1 v1.5, ECDSA or Ed25519).

    `tbs`: the certificate's own to-be-signed bytes, when the caller has read them already.
    """
    tbs = cert.tbs_certificate_bytes if tbs is None else tbs
    if isinstance(issuer_key, rsa.RSAPublicKey):
        issuer_key.verify(cert.signature, tbs, padding.PKCS1v15(), cert.signature_hash_algorithm)
    elif isinstance(issuer_key, ec.EllipticCurvePublicKey):
        digest = cert.signature_hash_algorithm
        algorithm = _ECDSA_BY_HASH.get(digest.name) if digest else None
        if algorithm is None:
            algorithm = ec.ECDSA(digest)
            if digest:
                _ECDSA_BY_HASH[digest.name] = algorithm
        issuer_key.verify(cert.signature, tbs, algorithm)
    elif isinstance(issuer_key, ed25519.Ed25519PublicKey):
        issuer_key.verify(cert.signature, tbs)
    else:
        raise InvalidSignature("unsupported issuer key type")


def certificate_national_id(cert: x509.Certificate) -> str:
    """The national ID a citizen certificate is issued to (its subject serialNumber)."""
    values = cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
    return normalise_national_id(str(values[0].value)) if values else ""


def trust_roots() -> list[bytes]:
    """The trusted roots (DER) from `REFERENDUM_TRUST_ROOTS` (PEM file paths or PEM text)."""
    roots: list[bytes] = []
    for item in getattr(settings, "REFERENDUM_TRUST_ROOTS", ()) or ():
        data = item if isinstance(item, bytes) else str(item).encode()
        if not data.lstrip().startswith(b"-----BEGIN"):
            data = Path(item).read_bytes()
        for cert in x509.load_pem_x509_certificates(data):
            roots.append(cert.public_bytes(serialization.Encoding.DER))
    return roots


REVOCATION_POLICY = CertRevTrustPolicy(
    RevocationCheckingPolicy(
        ee_certificate_rule=RevocationCheckingRule.CRL_AND_OCSP_REQUIRED,
        intermediate_ca_cert_rule=RevocationCheckingRule.CHECK_IF_DECLARED,
    )
)


def _path_failure(exc: Exception) -> SignatureRefused:
    text = str(exc)
    if isinstance(exc, cv_errors.RevokedError):
        return SignatureRefused("revoked", _("The certificate has been revoked: %s") % text)
    if isinstance(exc, cv_errors.ExpiredError):
        return SignatureRefused("expired", _("The certificate had expired at the signing time."))
    if isinstance(exc, cv_errors.NotYetValidError):
        return SignatureRefused(
            "not_yet_valid", _("The certificate was not yet valid at the signing time.")
        )
    if isinstance(exc, cv_errors.InvalidCertificateError):
        return SignatureRefused(
            "key_usage", _("The certificate may not be used for signing: %s") % text
        )
    if isinstance(exc, cv_errors.InsufficientRevinfoError):
        return SignatureRefused(
            "revocation_unavailable",
            _("The certificate's revocation status (CRL and OCSP) could not be established: %s")
            % text,
        )
    if isinstance(exc, cv_errors.PathBuildingError):
        return SignatureRefused("untrusted", _("The certificate does not chain to a trusted root."))
    return SignatureRefused("invalid_certificate", _("The certificate is not valid: %s") % text)


async def _validate(
    cert_der: bytes, chain: list[bytes], roots: list[bytes], moment: dt.datetime
) -> tuple[list[bytes], list[bytes]]:
    backend = RequestsFetcherBackend(per_request_timeout=10)
    context = ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(r) for r in roots],
        other_certs=[asn1_x509.Certificate.load(c) for c in chain],
        moment=moment,
        allow_fetching=True,
        revinfo_policy=REVOCATION_POLICY,
        fetcher_backend=backend,
    )
    validator = CertificateValidator(
        asn1_x509.Certificate.load(cert_der), validation_context=context
    )
    try:
        await validator.async_validate_usage({"digital_signature"})
    except cv_errors.InvalidCertificateError:
        await validator.async_validate_usage({"non_repudiation"})
    crls = [c.dump() for c in context.crls]
    ocsps = [o.dump() for o in context.ocsps]
    return crls, ocsps


def _run(coroutine_factory: Any) -> Any:
    """Run the validator's coroutine to completion, also from inside a running event loop
    (an ASGI server, a test driver): then it runs on a short-lived thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine_factory())
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(coroutine_factory())).result()


def check_package(
    raw: str | bytes | dict[str, Any], *, roots: list[bytes] | None = None, parser: Any = None
) -> CheckedSignature:
    """Check a signed package fully (see the module's docstring) or raise SignatureRefused."""
    statement, signature, cert_der, chain = parse_package(raw, parser)
    cert = x509.load_der_x509_certificate(cert_der)
    try:
        verify_signature_value(cert.public_key(), signature, statement.text.encode())
    except InvalidSignature:
        raise SignatureRefused(
            "bad_signature",
            _("The signature does not match the statement and the certificate's key."),
            "signature",
        ) from None
    roots = trust_roots() if roots is None else roots
    if not roots:
        raise SignatureRefused("untrusted", _("No trusted root is configured."))
    try:
        crls, ocsps = _run(lambda: _validate(cert_der, chain, roots, statement.signed_at))
    except (cv_errors.PathError, cv_errors.ValidationError) as exc:
        raise _path_failure(exc) from None
    if certificate_national_id(cert) != statement.national_id:
        raise SignatureRefused(
            "id_mismatch",
            _("The certificate is issued to another person than the one in the statement."),
            "certificate",
        )
    fingerprint = cert.fingerprint(hashes.SHA256()).hex()
    return CheckedSignature(statement, signature, cert_der, fingerprint, crls, ocsps)
