"""Signed seals of the chain's head. A seal says "at log position P the chain's hash was H"
and is signed with an Ed25519 key kept outside the database, so rewriting the database
and recomputing its chain together still fails: the new hash at P no longer matches the
signed one, and no new signature can be made without the key.

The signed message is the UTF-8 text

    subsidy-ledger seal v1
    position=<P>
    hash=<H>
    sealed_at=<RFC 3339 UTC time>

with a newline after each line; any Ed25519 implementation checks it (see the README's
"Checking a seal" for OpenSSL)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


def seal_message(position: int, head_hash: str, sealed_at: str) -> bytes:
    return f"subsidy-ledger seal v1\nposition={position}\nhash={head_hash}\nsealed_at={sealed_at}\n".encode()


@dataclass(frozen=True)
class SealRecord:
    position: int
    hash: str
    sealed_at: str
    signature: str   # hex
    public_key: str  # hex of the raw 32-byte key, to say which key signed

    def as_dict(self) -> dict:
        return {"position": self.position, "hash": self.hash, "sealed_at": self.sealed_at,
                "signature": self.signature, "public_key": self.public_key}


class SealKey:
    def __init__(self, private_key: Ed25519PrivateKey):
        self._key = private_key
        self.public_key = private_key.public_key()

    @classmethod
    def from_seed_hex(cls, seed: str) -> "SealKey":
        return cls(Ed25519PrivateKey.from_private_bytes(bytes.fromhex(seed.strip())))

    @property
    def public_hex(self) -> str:
        return public_key_hex(self.public_key)

    def public_pem(self) -> bytes:
        return self.public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)

    def seal(self, position: int, head_hash: str, now: dt.datetime | None = None) -> SealRecord:
        sealed_at = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).isoformat(
            timespec="seconds").replace("+00:00", "Z")
        signature = self._key.sign(seal_message(position, head_hash, sealed_at)).hex()
        return SealRecord(position, head_hash, sealed_at, signature, self.public_hex)


def public_key_hex(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def load_public_key(text: str | bytes) -> Ed25519PublicKey:
    """A public key as PEM or as the hex of its 32 raw bytes."""
    data = text.encode() if isinstance(text, str) else text
    if data.strip().startswith(b"-----BEGIN"):
        key = serialization.load_pem_public_key(data)
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("not an Ed25519 public key")
        return key
    return Ed25519PublicKey.from_public_bytes(bytes.fromhex(data.decode().strip()))


def signature_valid(seal: dict, public_key: Ed25519PublicKey) -> bool:
    try:
        public_key.verify(bytes.fromhex(seal["signature"]),
                          seal_message(seal["position"], seal["hash"], seal["sealed_at"]))
    except (InvalidSignature, ValueError):
        return False
    return True
