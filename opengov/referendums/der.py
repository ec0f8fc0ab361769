"""The two names of a certificate read straight from its DER, for checking in bulk.

Bulk verification (`bulk.check_one`) needs, per certificate, its issuer's name (to find the
issuer's key) and its subject's serialNumber (the national ID it is issued to). Reading them
through `cryptography`'s `Certificate.issuer` / `.subject` builds a Python `Name` of
attribute objects each time, which cost more than the rest of the certificate checks
together. This module walks the DER of the to-be-signed part (`tbs_certificate_bytes`, the
very bytes whose signature is verified) instead, strictly: definite lengths only, every
length within its parent, the expected tag at every step; anything else is `ValueError`.

RFC 5280 4.1: TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber INTEGER,
signature AlgorithmIdentifier, issuer Name, validity Validity, subject Name, ... };
Name ::= SEQUENCE OF SET OF SEQUENCE { type OBJECT IDENTIFIER, value ANY }.
"""

from __future__ import annotations

SEQUENCE, SET, OID, INTEGER, CONTEXT_0 = 0x30, 0x31, 0x06, 0x02, 0xA0
#: id-at-serialNumber (2.5.4.5), DER content of its OBJECT IDENTIFIER
SERIAL_NUMBER_OID = b"\x55\x04\x05"
#: the string types a serialNumber may be encoded with (PrintableString, UTF8String, IA5String)
_STRING_TAGS = {0x13: "ascii", 0x0C: "utf-8", 0x16: "ascii"}


def _header(data: bytes, pos: int, end: int) -> tuple[int, int, int]:
    """(tag, start of content, end of content) of the element at `pos`, within `end`."""
    if pos + 2 > end:
        raise ValueError("truncated DER")
    tag = data[pos]
    if tag & 0x1F == 0x1F:
        raise ValueError("high tag numbers are not expected here")
    first = data[pos + 1]
    pos += 2
    if first < 0x80:
        length = first
    else:
        count = first & 0x7F
        if count == 0 or count > 4 or pos + count > end:
            raise ValueError("bad DER length")
        length = int.from_bytes(data[pos : pos + count], "big")
        if length < 0x80 or data[pos] == 0:
            raise ValueError("non-minimal DER length")
        pos += count
    if pos + length > end:
        raise ValueError("DER length beyond its parent")
    return tag, pos, pos + length


def _expect(data: bytes, pos: int, end: int, tag: int) -> tuple[int, int]:
    found, start, stop = _header(data, pos, end)
    if found != tag:
        raise ValueError(f"expected DER tag {tag:#x}, found {found:#x}")
    return start, stop


def names(tbs: bytes) -> tuple[bytes, bytes]:
    """(issuer, subject) of a TBSCertificate, each the DER of its whole Name element."""
    start, end = _expect(tbs, 0, len(tbs), SEQUENCE)
    if end != len(tbs):
        raise ValueError("trailing bytes after the TBSCertificate")
    pos = start
    tag, _s, stop = _header(tbs, pos, end)
    if tag == CONTEXT_0:  # version
        pos = stop
    _s, pos = _expect(tbs, pos, end, INTEGER)  # serialNumber
    _s, pos = _expect(tbs, pos, end, SEQUENCE)  # signature algorithm
    issuer_at = pos
    _s, pos = _expect(tbs, pos, end, SEQUENCE)
    issuer = tbs[issuer_at:pos]
    _s, pos = _expect(tbs, pos, end, SEQUENCE)  # validity
    subject_at = pos
    _s, pos = _expect(tbs, pos, end, SEQUENCE)
    return issuer, tbs[subject_at:pos]


def name_der(der: bytes) -> bytes:
    """The DER of a whole Name, checked to be one (e.g. `Certificate.subject.public_bytes()`)."""
    _start, end = _expect(der, 0, len(der), SEQUENCE)
    if end != len(der):
        raise ValueError("trailing bytes after the Name")
    return der


def serial_numbers(name: bytes) -> list[str]:
    """Every serialNumber attribute of a Name, in order."""
    found: list[str] = []
    start, end = _expect(name, 0, len(name), SEQUENCE)
    pos = start
    while pos < end:
        rdn_start, rdn_end = _expect(name, pos, end, SET)
        inner = rdn_start
        while inner < rdn_end:
            atv_start, atv_end = _expect(name, inner, rdn_end, SEQUENCE)
            oid_start, oid_end = _expect(name, atv_start, atv_end, OID)
            tag, value_start, value_end = _header(name, oid_end, atv_end)
            if value_end != atv_end:
                raise ValueError("extra fields in an attribute")
            if name[oid_start:oid_end] == SERIAL_NUMBER_OID:
                encoding = _STRING_TAGS.get(tag)
                if encoding is None:
                    raise ValueError("a serialNumber that is not a string")
                found.append(name[value_start:value_end].decode(encoding))
            inner = atv_end
        pos = rdn_end
    return found
