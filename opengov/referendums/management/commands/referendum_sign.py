"""A small signing client: sign a referendum statement (or a sign-in challenge) with the key of
a citizen certificate and print the signed package to paste into the page or POST to the API.

    opengov referendum_sign --case <id> --stage petition --national-id A123456789 \\
        --key key.pem --cert cert.pem [--chain ca.pem] [--url https://host]

The key is a PEM private key (PKCS#8; RSA, EC P-256 or Ed25519). A real citizen card keeps
its key on the card: a deployment wires the card's PKCS#11 module in place of `--key`.
"""

from __future__ import annotations

import base64
import json
import urllib.request
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from django.core.management.base import BaseCommand, CommandError

from opengov.core import clock
from opengov.referendums import certs, rules


def sign_bytes(key: Any, data: bytes) -> bytes:
    """Sign as the server expects: RSA PKCS#1 v1.5 / ECDSA with SHA-256, or Ed25519."""
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(data, ec.ECDSA(hashes.SHA256()))
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return key.sign(data)
    raise CommandError("unsupported key type")


def build_package(key: Any, cert: bytes, chain: list[bytes], statement: str) -> dict[str, Any]:
    """The signed package for `statement`."""

    def der(pem: bytes) -> list[str]:
        return [
            base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode()
            for c in x509.load_pem_x509_certificates(pem)
        ]

    return {
        "statement": statement,
        "signature": base64.b64encode(sign_bytes(key, statement.encode())).decode(),
        "certificate": der(cert)[0],
        "chain": [c for pem in chain for c in der(pem)],
    }


class Command(BaseCommand):
    help = "Sign a referendum statement with a citizen certificate's key; print the package."

    def add_arguments(self, parser):
        parser.add_argument("--case", help="the case's public id")
        parser.add_argument("--stage", choices=["proposal", "petition"], default="petition")
        parser.add_argument("--sign-in", dest="sign_in", help="a sign-in challenge instead")
        parser.add_argument("--national-id", required=True)
        parser.add_argument("--key", required=True, help="PEM private key")
        parser.add_argument("--cert", required=True, help="PEM certificate")
        parser.add_argument("--chain", action="append", default=[], help="PEM intermediates")
        parser.add_argument("--password", default=None)
        parser.add_argument("--url", help="POST the package to <url>/api/v1/referendums/...")

    def handle(self, *args, **options):
        try:
            key = serialization.load_pem_private_key(
                Path(options["key"]).read_bytes(),
                options["password"].encode() if options["password"] else None,
            )
            cert = Path(options["cert"]).read_bytes()
            chain = [Path(p).read_bytes() for p in options["chain"]]
        except (OSError, ValueError, TypeError) as exc:
            raise CommandError(f"cannot read the key or certificate: {exc}") from None
        when = clock.now().replace(microsecond=0).isoformat()
        national_id = options["national_id"].strip().upper()
        if options["sign_in"]:
            statement = certs.sign_in_text(
                national_id=national_id, challenge=options["sign_in"], signed_at=when
            )
        elif options["case"]:
            statement = rules.statement_text(
                case_id=options["case"],
                stage=options["stage"],
                national_id=national_id,
                signed_at=when,
            )
        else:
            raise CommandError("give --case or --sign-in")
        package = build_package(key, cert, chain, statement)
        text = json.dumps(package)
        if not options["url"]:
            self.stdout.write(text)
            return
        url = f"{options['url'].rstrip('/')}/api/v1/referendums/cases/{options['case']}/signatures"
        request = urllib.request.Request(  # noqa: S310 (the operator's URL)
            url, data=text.encode(), headers={"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                self.stdout.write(response.read().decode())
        except urllib.error.HTTPError as exc:
            raise CommandError(exc.read().decode()) from None
