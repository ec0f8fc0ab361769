"""Checking signatures in bulk: a whole case's e-signatures and paper roster at once.

The online path (`certs.check_package`) validates one signature with `pyhanko-certvalidator`,
fetching CRL and OCSP over the network. Re-checking a case in bulk (at submission, or in an
audit) uses the same rules with the revocation evidence fetched once: the issuers' current
CRLs (and any OCSP answers saved with the signatures) become one set of revoked serials, and
each certificate is checked against its issuer among the trusted roots and intermediates with
`cryptography`: the issuer's signature on it, validity at the signing time, key usage, not
revoked, subject serialNumber = the statement's national ID; then the statement's signature.
Deduplication follows Art. 9 (a person counts once, the electronic record wins) and
eligibility Art. 7, 8 (`rules.eligibility_reason`) against the roll.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from django.conf import settings

from opengov.core.identifiers import normalise_national_id

from . import certs, der, rules


@dataclass(frozen=True)
class RollRow:
    """What eligibility needs of a person on the roll."""

    birth_date: dt.date
    registered_since: dt.date
    under_guardianship: bool = False
    national: bool = True


@dataclass
class Issuers:
    """Trusted issuers by subject name, and the serials they revoked (from CRLs / OCSP)."""

    by_name: dict[bytes, x509.Certificate] = field(default_factory=dict)
    revoked: set[tuple[bytes, int]] = field(default_factory=set)
    #: each issuer's public key, loaded once (loading a key costs as much as a verification)
    keys: dict[bytes, object] = field(default_factory=dict)
    #: the DER of each issuer's subject as written in its certificate -> its `by_name` key
    by_der: dict[bytes, bytes] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.keys = {name: cert.public_key() for name, cert in self.by_name.items()}
        for name, cert in self.by_name.items():
            self.by_der[der.names(cert.tbs_certificate_bytes)[1]] = name

    def name_of_issuer(self, cert: x509.Certificate, issuer_der: bytes) -> bytes | None:
        """The `by_name` key of `cert`'s issuer, or None if it is not a trusted issuer."""
        found = self.by_der.get(issuer_der)
        if found is not None:
            return found
        # another encoding of the same name: compare as `cryptography` writes names
        name = cert.issuer.public_bytes()
        return name if name in self.by_name else None

    @classmethod
    def build(cls, roots: Iterable[x509.Certificate], crls: Iterable[bytes] = ()) -> Issuers:
        """Issuers from trusted certificates; each CRL is checked against its issuer's key."""
        issuers = cls({c.subject.public_bytes(): c for c in roots})
        for der_bytes in crls:
            crl = x509.load_der_x509_crl(der_bytes)
            issuer = issuers.by_name.get(crl.issuer.public_bytes())
            if issuer is None or not crl.is_signature_valid(issuer.public_key()):
                raise ValueError("a CRL not signed by a trusted issuer")
            for entry in crl:
                issuers.revoked.add((crl.issuer.public_bytes(), entry.serial_number))
        return issuers


def _national_id(cert: x509.Certificate, subject_der: bytes) -> str:
    """`certs.certificate_national_id`, read from the subject's DER (the same value)."""
    try:
        values = der.serial_numbers(subject_der)
    except ValueError:  # an encoding the reader does not take: read it the long way
        return certs.certificate_national_id(cert)
    if not values:
        return ""
    return normalise_national_id(values[0])


def check_one(
    statement_text: str, signature: bytes, cert_der: bytes, issuers: Issuers
) -> tuple[certs.Statement | None, str]:
    """Check one signature with pre-fetched revocation data; (statement, "" or a code)."""
    try:
        statement = certs.parse_statement(statement_text)
    except certs.SignatureRefused as exc:
        return None, exc.code
    try:
        cert = x509.load_der_x509_certificate(cert_der)
        tbs = cert.tbs_certificate_bytes
        issuer_der, subject_der = der.names(tbs)
    except ValueError:
        return statement, "bad_certificate"
    issuer_name = issuers.name_of_issuer(cert, issuer_der)
    if issuer_name is None:
        return statement, "untrusted"
    try:
        # what verify_directly_issued_by does, with the issuer's key loaded once
        certs.verify_certificate_signature(issuers.keys[issuer_name], cert, tbs)
    except (ValueError, TypeError, InvalidSignature):
        return statement, "untrusted"
    when = statement.signed_at
    if when < cert.not_valid_before_utc:
        return statement, "not_yet_valid"
    if when > cert.not_valid_after_utc:
        return statement, "expired"
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
        if not (usage.digital_signature or usage.content_commitment):
            return statement, "key_usage"
    except x509.ExtensionNotFound:
        return statement, "key_usage"
    if (issuer_name, cert.serial_number) in issuers.revoked:
        return statement, "revoked"
    try:
        certs.verify_signature_value(cert.public_key(), signature, statement_text.encode())
    except InvalidSignature:
        return statement, "bad_signature"
    if _national_id(cert, subject_der) != statement.national_id:
        return statement, "id_mismatch"
    return statement, ""


@dataclass
class BulkResult:
    """Per-entry outcome codes and the totals."""

    electronic: list[str] = field(default_factory=list)
    paper: list[str] = field(default_factory=list)

    def totals(self) -> dict[str, int]:
        """Counts of each outcome ("counted" for the ones that count)."""
        out: dict[str, int] = {}
        for code in (*self.electronic, *self.paper):
            out[code] = out.get(code, 0) + 1
        return out


_worker_issuers: Issuers | None = None
_worker_entries: list[tuple[str, bytes, bytes]] = []


def _check_range(bounds: tuple[int, int]) -> list[tuple[str, str, str, str]]:
    out = []
    for text, signature, cert_der in _worker_entries[bounds[0] : bounds[1]]:
        statement, code = check_one(text, signature, cert_der, _worker_issuers)
        if statement is None:
            out.append(("", "", "", code))
        else:
            out.append((statement.case_id, statement.stage, statement.national_id, code))
    return out


def verify_all(
    entries: list[tuple[str, bytes, bytes]],
    issuers: Issuers,
    *,
    workers: int = 1,
    min_parallel: int = 4000,
) -> list[tuple[str, str, str, str]]:
    """`check_one` over every entry: (case id, stage, national ID, code) each, in order.

    Verification is independent per signature, so with `workers` > 1 it runs in that many
    forked processes, which inherit the entries (only index ranges and the small results
    cross between processes); deduplication then runs in order in the caller.
    """
    global _worker_issuers, _worker_entries
    _worker_issuers, _worker_entries = issuers, entries
    try:
        if workers <= 1 or len(entries) < min_parallel:
            return _check_range((0, len(entries)))
        import multiprocessing

        step = max(1, min(5000, len(entries) // workers))
        ranges = [(i, min(i + step, len(entries))) for i in range(0, len(entries), step)]
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = pool.map(_check_range, ranges)
        return [row for chunk in results for row in chunk]
    finally:
        _worker_issuers, _worker_entries = None, []


def id_hasher() -> Callable[[str], str]:
    """`privacy.id_hash` for many IDs: the HMAC keyed once and copied for each ID (the same
    values; keying it again for every ID of a whole roster costs more than the hash)."""
    keyed = hmac.new(settings.ID_HASH_KEY.encode(), digestmod=hashlib.sha256)

    def id_hash(value: str) -> str:
        mac = keyed.copy()
        mac.update(normalise_national_id(value).encode())
        return mac.hexdigest()

    return id_hash


def check_case(
    *,
    electronic: Iterable[tuple[str, bytes, bytes]],
    paper: Iterable[str],
    issuers: Issuers,
    roll: dict[str, RollRow],
    reference_date: dt.date,
    case_id: str | None = None,
    stage: str = "petition",
    workers: int = 1,
) -> BulkResult:
    """Verify e-signatures, merge the paper roster, check eligibility; one code per entry.

    Codes: counted; a certificate/signature code (see `certs`); wrong_case, wrong_stage;
    duplicate (a person already counted; electronic first, so the electronic record wins);
    an eligibility code (not_on_roll, under_18, residence_short, under_guardianship, ...).
    """
    result = BulkResult()
    seen: set[str] = set()
    id_hash = id_hasher()

    def eligible(id_hash: str) -> str:
        row = roll.get(id_hash)
        if row is None:
            return "not_on_roll"
        return rules.eligibility_reason(
            on_roll=True,
            birth_date=row.birth_date,
            registered_since=row.registered_since,
            under_guardianship=row.under_guardianship,
            national=row.national,
            reference_date=reference_date,
        )

    for statement_case, statement_stage, national_id, code in verify_all(
        list(electronic), issuers, workers=workers
    ):
        if not code and case_id is not None and statement_case != case_id:
            code = "wrong_case"
        if not code and statement_stage != stage:
            code = "wrong_stage"
        if not code:
            hashed = id_hash(national_id)
            if hashed in seen:
                code = "duplicate"
            else:
                seen.add(hashed)
                code = eligible(hashed) or "counted"
        result.electronic.append(code)
    for national_id in paper:
        hashed = id_hash(national_id)
        if hashed in seen:
            result.paper.append("duplicate")
            continue
        seen.add(hashed)
        result.paper.append(eligible(hashed) or "counted")
    return result


def iter_counted(result: BulkResult) -> Iterator[int]:
    """Indexes (electronic first, then paper) of the entries that count."""
    for i, code in enumerate((*result.electronic, *result.paper)):
        if code == "counted":
            yield i


__all__ = ["BulkResult", "Issuers", "RollRow", "check_case", "check_one", "iter_counted"]
