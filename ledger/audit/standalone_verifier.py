#!/usr/bin/env python3
"""Standalone verifier for a subsidy-ledger export. Needs only Python 3.8+'s standard
library and the ledger's seal public key (PEM, or the hex of the raw 32-byte key):

    python3 verify_export.py EXPORT_DIR PUBLIC_KEY_FILE [CHAIN_KEY_FILE]

It recomputes the hash chain over every event in EXPORT_DIR/events.ndjson from its stored
bytes, checks that each line's prev_hash and hash agree, then checks the Ed25519
signature of EXPORT_DIR/seal.json with the public key and that the sealed hash is the
chain's hash at the sealed position. Given the ledger's LEDGER_CHAIN_KEY in a file (hex),
it also checks each event's MAC: HMAC-SHA-256 under that key of the hash's 64 hex digits.
Without it the MACs are not checked (and the output says so). Exit status 0 when
everything checked holds.

The chain's formula (the same as ledger/audit/chain.py):
    hash(n) = SHA-256( prev_hash_hex || "\\n" || position || "\\n" || originator_id_hex || "\\n"
                       || originator_version || "\\n" || topic || "\\n" || state_bytes )
with 64 zeros as the first prev_hash. The seal's signed message is
    "subsidy-ledger seal v1\\nposition=<P>\\nhash=<H>\\nsealed_at=<T>\\n"."""
import base64
import hashlib
import hmac
import json
import sys

# Ed25519 verification after RFC 8032, section 6 (pure Python, slow but plenty for one seal).
_P = 2 ** 255 - 19
_Q = 2 ** 252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)


def _add(a, b):
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    e1, e2 = (y1 - x1) * (y2 - x2) % _P, (y1 + x1) * (y2 + x2) % _P
    c, d = 2 * t1 * t2 * _D % _P, 2 * z1 * z2 % _P
    e, f, g, h = e2 - e1, d - c, d + c, e2 + e1
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _mul(s, point):
    result = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            result = _add(result, point)
        point = _add(point, point)
        s >>= 1
    return result


def _equal(a, b):
    return (a[0] * b[2] - b[0] * a[2]) % _P == 0 and (a[1] * b[2] - b[1] * a[2]) % _P == 0


def _recover_x(y, sign):
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P) % _P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P != 0:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P != 0:
        return None
    if (x & 1) != sign:
        x = _P - x
    return x


def _decompress(data):
    if len(data) != 32:
        return None
    y = int.from_bytes(data, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % _P)


_GY = 4 * pow(5, _P - 2, _P) % _P
_G = (_recover_x(_GY, 0), _GY, 1, _recover_x(_GY, 0) * _GY % _P)


def ed25519_verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    if len(public_key) != 32 or len(signature) != 64:
        return False
    a, r = _decompress(public_key), _decompress(signature[:32])
    if a is None or r is None:
        return False
    s = int.from_bytes(signature[32:], "little")
    if s >= _Q:
        return False
    h = int.from_bytes(hashlib.sha512(signature[:32] + public_key + message).digest(), "little") % _Q
    return _equal(_mul(s, _G), _add(r, _mul(h, a)))


def read_public_key(path: str) -> bytes:
    text = open(path, "rb").read().strip()
    if text.startswith(b"-----BEGIN"):
        der = base64.b64decode(b"".join(line for line in text.splitlines() if not line.startswith(b"-----")))
        prefix = bytes.fromhex("302a300506032b6570032100")  # SubjectPublicKeyInfo of an Ed25519 key
        if not der.startswith(prefix) or len(der) != 44:
            raise ValueError("not an Ed25519 public key in PEM")
        return der[12:]
    return bytes.fromhex(text.decode())


def link(prev_hash: str, position: int, originator_id: str, version: int, topic: str, state: bytes) -> str:
    head = f"{prev_hash}\n{position}\n{originator_id}\n{version}\n{topic}\n".encode()
    return hashlib.sha256(head + state).hexdigest()


def read_chain_key(path: str) -> bytes:
    text = open(path, encoding="ascii").read().strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if len(key) < 32:
        raise ValueError("a chain key has at least 32 bytes")
    return key


def verify_export(directory: str, public_key_path: str, chain_key_path: str = None) -> tuple[bool, str]:
    chain_key = read_chain_key(chain_key_path) if chain_key_path else None
    prev, last_position, hashes, count = "0" * 64, 0, {}, 0
    with open(f"{directory}/events.ndjson", encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            e = json.loads(line)
            position = e["position"]
            if position <= last_position:
                return False, f"line {number}: position {position} is out of order"
            if e["prev_hash"] != prev:
                return False, f"position {position}: the chain is broken (prev_hash differs)"
            digest = link(prev, position, e["originator_id"], e["originator_version"], e["topic"],
                          base64.b64decode(e["state"]))
            if digest != e["hash"]:
                return False, f"position {position}: the event's stored bytes do not match its hash"
            if chain_key is not None and not hmac.compare_digest(
                    hmac.new(chain_key, digest.encode("ascii"), hashlib.sha256).hexdigest(), e.get("mac") or ""):
                return False, (f"position {position}: the event has no valid MAC under the chain key: it was "
                               "inserted or rewritten by someone without the key")
            prev, last_position, count = digest, position, count + 1
            hashes[position] = digest
    with open(f"{directory}/seal.json", encoding="utf-8") as f:
        seal = json.load(f)
    message = f"subsidy-ledger seal v1\nposition={seal['position']}\nhash={seal['hash']}\nsealed_at={seal['sealed_at']}\n"
    if not ed25519_verify(read_public_key(public_key_path), message.encode(), bytes.fromhex(seal["signature"])):
        return False, "the seal's signature does not verify with this public key"
    if hashes.get(seal["position"]) != seal["hash"]:
        return False, f"the chain's hash at the sealed position {seal['position']} differs from the sealed hash"
    macs = "every MAC verified" if chain_key is not None else "MACs not checked (no chain key given)"
    return True, (f"{count} events, chain intact up to position {last_position} (head {prev}); "
                  f"seal of {seal['sealed_at']} at position {seal['position']} verified; {macs}")


def main() -> int:
    if len(sys.argv) not in (3, 4):
        print(__doc__.split("\n\n")[1])
        return 2
    ok, message = verify_export(*sys.argv[1:])
    print(("OK: " if ok else "FAILED: ") + message)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
