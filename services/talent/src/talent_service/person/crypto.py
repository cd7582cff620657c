"""Encryption of personal identifiers at rest (AES-256-GCM) and their blind index.

A stored value is ``version(1) || nonce(12) || ciphertext+tag``. The associated
data names the column and the row, so a ciphertext copied into another row or
column fails to decrypt instead of revealing someone else's number.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import uuid

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_VERSION = b"\x01"
_NONCE_BYTES = 12


class PiiDecryptError(Exception):
    """The ciphertext does not belong to this row/column or the key is wrong."""


class PiiCipher:
    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the PII key must be 32 bytes")
        self._aead = AESGCM(key)
        # A separate key for the blind index, so digests say nothing about the AES key.
        self._mac_key = hmac.new(key, b"talent.pii.blind-index", hashlib.sha256).digest()

    @staticmethod
    def _aad(column: str, row_id: uuid.UUID) -> bytes:
        return f"talent.{column}:{row_id}".encode()

    def encrypt(self, plaintext: str, *, column: str, row_id: uuid.UUID) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plaintext.encode(), self._aad(column, row_id))
        return _VERSION + nonce + sealed

    def decrypt(self, blob: bytes, *, column: str, row_id: uuid.UUID) -> str:
        if blob[:1] != _VERSION:
            raise PiiDecryptError("unknown ciphertext version")
        nonce, sealed = blob[1 : 1 + _NONCE_BYTES], blob[1 + _NONCE_BYTES :]
        try:
            return self._aead.decrypt(nonce, sealed, self._aad(column, row_id)).decode()
        except InvalidTag as exc:
            raise PiiDecryptError("ciphertext does not verify") from exc

    def digest(self, value: str, *, column: str) -> bytes:
        """Keyed digest to find duplicates without decrypting (equal values, equal digests)."""
        return hmac.new(self._mac_key, f"{column}:{value}".encode(), hashlib.sha256).digest()
