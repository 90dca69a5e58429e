"""Identity numbers at rest: a keyed hash for look-ups and uniqueness, an encrypted copy
where the full number must be recoverable, and only the masked form on the way out."""
from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .identifiers import mask_identity_number


class PiiProtector:
    def __init__(self, key: bytes):
        if len(key) < 32:
            raise ValueError("LEDGER_PII_KEY must hold at least 32 bytes of key material")
        # Separate sub-keys so the look-up hash never doubles as the cipher key.
        self._mac_key = hmac.new(key, b"ledger/pii/mac", hashlib.sha256).digest()
        self._aead = AESGCM(hmac.new(key, b"ledger/pii/seal", hashlib.sha256).digest())

    def ref(self, value: str) -> str:
        """A stable keyed hash: equal numbers give equal refs, a dump reveals nothing."""
        return hmac.new(self._mac_key, value.encode(), hashlib.sha256).hexdigest()[:40]

    def seal(self, value: str) -> str:
        nonce = os.urandom(12)
        return base64.urlsafe_b64encode(nonce + self._aead.encrypt(nonce, value.encode(), b"id")).decode()

    def open(self, sealed: str) -> str:
        raw = base64.urlsafe_b64decode(sealed)
        return self._aead.decrypt(raw[:12], raw[12:], b"id").decode()

    def protect_person(self, number: str, name: str) -> dict:
        """The stored form of a person party: never the clear number."""
        return {"ref": self.ref(number), "masked": mask_identity_number(number), "sealed": self.seal(number), "name": name}

    def keyed_digest(self, data: bytes) -> str:
        """For request hashes: a plain hash of a body holding an identity number could be
        brute-forced, a keyed one cannot."""
        return hmac.new(self._mac_key, data, hashlib.sha256).hexdigest()


def decode_key(text: str) -> bytes:
    """Keys are given as hex or url-safe base64 (what `ledger keygen` prints)."""
    text = text.strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    return key
