"""The national ID at rest: a keyed hash for matching, AES-GCM for the household check.

The hash is `core.identifiers.national_id_hash` (HMAC-SHA256 under `ID_HASH_KEY`); the
encryption key is derived from `ID_ENCRYPTION_KEY` (a separate secret) with HKDF-SHA256, so a
leak of one key does not give the other. Ciphertexts are `nonce (12 bytes) || AES-GCM output`,
with the case's public id as associated data: a value copied to another case does not decrypt.
"""

from __future__ import annotations

import os
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from opengov.core.identifiers import national_id_hash, normalise_national_id

__all__ = ["decrypt", "encrypt", "national_id_hash"]


@lru_cache(maxsize=4)
def _aead(secret: str) -> AESGCM:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"opengov referendum id v1"
    ).derive(secret.encode())
    return AESGCM(key)


def encrypt(value: str, *, context: str) -> bytes:
    """Encrypt an ID number (or certificate bytes as latin-1) bound to `context`."""
    nonce = os.urandom(12)
    return nonce + _aead(settings.ID_ENCRYPTION_KEY).encrypt(
        nonce, value.encode(), context.encode()
    )


def encrypt_bytes(value: bytes, *, context: str) -> bytes:
    """Encrypt raw bytes (a certificate) bound to `context`."""
    nonce = os.urandom(12)
    return nonce + _aead(settings.ID_ENCRYPTION_KEY).encrypt(nonce, value, context.encode())


def decrypt_bytes(blob: bytes, *, context: str) -> bytes:
    """Decrypt what `encrypt_bytes` made; raises `InvalidTag` on a wrong key or context."""
    blob = bytes(blob)
    return _aead(settings.ID_ENCRYPTION_KEY).decrypt(blob[:12], blob[12:], context.encode())


def decrypt(blob: bytes, *, context: str) -> str:
    """The ID number in an `encrypt` ciphertext."""
    return decrypt_bytes(blob, context=context).decode()


def id_hash(value: str) -> str:
    """The keyed hash of a (normalised) ID number."""
    return national_id_hash(normalise_national_id(value))
