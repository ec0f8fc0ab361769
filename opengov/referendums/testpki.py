"""A small certificate authority for tests, demonstrations and the benchmark.

It issues citizen certificates (subject serialNumber = national ID), publishes a CRL and runs
a real OCSP responder over HTTP on 127.0.0.1 in a thread, all with `cryptography`. Never used
in production: production roots come from `REFERENDUM_TRUST_ROOTS`.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from . import rules


def _name(common: str, serial: str | None = None) -> x509.Name:
    attrs = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "TW"),
        x509.NameAttribute(NameOID.COMMON_NAME, common),
    ]
    if serial:
        attrs.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial))
    return x509.Name(attrs)


@dataclass
class Citizen:
    """A certificate holder: the key, the certificate and the ID it carries."""

    national_id: str
    key: Any
    cert: x509.Certificate

    def sign_statement(self, text: str) -> bytes:
        """Sign a statement as the card would (ECDSA P-256 with SHA-256)."""
        return self.key.sign(text.encode(), ec.ECDSA(hashes.SHA256()))

    def package(
        self,
        *,
        case_id: str,
        stage: str,
        when: dt.datetime,
        national_id: str | None = None,
        chain: list[x509.Certificate] | None = None,
        statement: str | None = None,
    ) -> dict[str, Any]:
        """A signed package for `case_id` at `stage`, signed at `when`."""
        text = statement or rules.statement_text(
            case_id=case_id,
            stage=stage,
            national_id=national_id or self.national_id,
            signed_at=when.isoformat(),
        )
        return {
            "statement": text,
            "signature": base64.b64encode(self.sign_statement(text)).decode(),
            "certificate": base64.b64encode(
                self.cert.public_bytes(serialization.Encoding.DER)
            ).decode(),
            "chain": [
                base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode()
                for c in (chain or [])
            ],
        }


@dataclass
class LocalCA:
    """A root CA with a CRL and an OCSP responder on loopback (`start()` / `stop()`)."""

    now: Callable[[], dt.datetime]
    name: str = "opengov test citizen CA"
    key: Any = None
    cert: x509.Certificate | None = None
    revoked: dict[int, dt.datetime] = field(default_factory=dict)
    crl_revoked: dict[int, dt.datetime] = field(default_factory=dict)
    port: int = 0
    _server: ThreadingHTTPServer | None = None

    def __post_init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        start = self.now() - dt.timedelta(days=3650)
        subject = _name(self.name)
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(start + dt.timedelta(days=7300))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(self.key.public_key()), critical=False
            )
            .sign(self.key, hashes.SHA256())
        )

    # -- HTTP ----------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """Where the CRL and OCSP responder are served."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LocalCA:
        """Serve the CRL (GET /crl) and OCSP (POST /ocsp) on 127.0.0.1 in a thread."""
        ca = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return

            def _send(self, body: bytes, content_type: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                if self.path.startswith("/crl"):
                    self._send(ca.crl_der(), "application/pkix-crl")
                else:
                    self.send_error(404)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                self._send(ca.ocsp_response(body), "application/ocsp-response")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop the responder."""
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # -- issuing -------------------------------------------------------------------------
    def issue(
        self,
        national_id: str,
        *,
        not_before: dt.datetime | None = None,
        not_after: dt.datetime | None = None,
        key_usage: str = "signing",
        crl: bool = True,
        ocsp_url: bool = True,
        key: Any = None,
    ) -> Citizen:
        """A citizen certificate for `national_id` (key usage "signing" or "encryption")."""
        key = key or ec.generate_private_key(ec.SECP256R1())
        now = self.now()
        signing = key_usage == "signing"
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name("citizen", national_id))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before or now - dt.timedelta(days=30))
            .not_valid_after(not_after or now + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=signing,
                    content_commitment=signing,
                    key_encipherment=not signing,
                    data_encipherment=False,
                    key_agreement=not signing,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                critical=False,
            )
        )
        if crl:
            builder = builder.add_extension(
                x509.CRLDistributionPoints(
                    [
                        x509.DistributionPoint(
                            [x509.UniformResourceIdentifier(f"{self.base_url}/crl")],
                            None,
                            None,
                            None,
                        )
                    ]
                ),
                critical=False,
            )
        if ocsp_url:
            builder = builder.add_extension(
                x509.AuthorityInformationAccess(
                    [
                        x509.AccessDescription(
                            x509.oid.AuthorityInformationAccessOID.OCSP,
                            x509.UniformResourceIdentifier(f"{self.base_url}/ocsp"),
                        )
                    ]
                ),
                critical=False,
            )
        cert = builder.sign(self.key, hashes.SHA256())
        return Citizen(national_id, key, cert)

    def revoke(self, citizen: Citizen, *, in_crl: bool = True) -> None:
        """Revoke a certificate: OCSP answers revoked at once; the CRL lists it if `in_crl`."""
        when = self.now() - dt.timedelta(hours=1)
        self.revoked[citizen.cert.serial_number] = when
        if in_crl:
            self.crl_revoked[citizen.cert.serial_number] = when

    def crl_der(self) -> bytes:
        """The current CRL (valid from an hour ago for a day)."""
        now = self.now()
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.cert.subject)
            .last_update(now - dt.timedelta(hours=1))
            .next_update(now + dt.timedelta(days=1))
            .add_extension(x509.CRLNumber(1), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                critical=False,
            )
        )
        for serial, when in self.crl_revoked.items():
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when).build()
            )
        return builder.sign(self.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    def ocsp_response(self, request_der: bytes) -> bytes:
        """Answer an OCSP request, signed by the CA itself."""
        try:
            request = ocsp.load_der_ocsp_request(request_der)
        except ValueError:
            return ocsp.OCSPResponseBuilder.build_unsuccessful(
                ocsp.OCSPResponseStatus.MALFORMED_REQUEST
            ).public_bytes(serialization.Encoding.DER)
        serial = request.serial_number
        now = self.now()
        # the responder only knows certificates by serial; a placeholder subject is enough
        # for the builder, which needs a certificate object with that serial
        dummy = (
            x509.CertificateBuilder()
            .subject_name(_name("status"))
            .issuer_name(self.cert.subject)
            .public_key(self.key.public_key())
            .serial_number(serial)
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .sign(self.key, hashes.SHA256())
        )
        revoked_at = self.revoked.get(serial)
        builder = (
            ocsp.OCSPResponseBuilder()
            .add_response(
                cert=dummy,
                issuer=self.cert,
                algorithm=request.hash_algorithm,
                cert_status=ocsp.OCSPCertStatus.REVOKED if revoked_at else ocsp.OCSPCertStatus.GOOD,
                this_update=now - dt.timedelta(minutes=5),
                next_update=now + dt.timedelta(hours=1),
                revocation_time=revoked_at,
                revocation_reason=x509.ReasonFlags.key_compromise if revoked_at else None,
            )
            .responder_id(ocsp.OCSPResponderEncoding.HASH, self.cert)
        )
        nonce = None
        with contextlib.suppress(x509.ExtensionNotFound):
            nonce = request.extensions.get_extension_for_class(x509.OCSPNonce).value
        if nonce is not None:
            builder = builder.add_extension(nonce, critical=False)
        return builder.sign(self.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    def root_pem(self) -> bytes:
        """The root certificate in PEM, for `REFERENDUM_TRUST_ROOTS`."""
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def root_der(self) -> bytes:
        """The root certificate in DER."""
        return self.cert.public_bytes(serialization.Encoding.DER)


def package_json(package: dict[str, Any]) -> str:
    """A package as the JSON text a client sends."""
    return json.dumps(package)
