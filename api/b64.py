"""Regular expressions for the unpadded URL-safe base64 of byte strings of a known shape:
how /openapi.json states a cursor exactly, though a cursor is opaque to clients."""
from __future__ import annotations

import base64
import re

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _chars(values) -> str:
    return "[" + "".join(re.escape(_ALPHABET[v]) for v in sorted(set(values))) + "]"


def _alternatives(parts) -> str:
    return "(" + "|".join(sorted(set(parts))) + ")"


def _pairs(alphabet: bytes, high: int) -> str:
    """The first two characters of a group whose first byte is any of `alphabet` and whose
    second byte's high nibble is `high`."""
    return _alternatives(_ALPHABET[b >> 2] + _ALPHABET[((b & 3) << 4) | high] for b in alphabet)


def _group(alphabet: bytes) -> str:
    """Three bytes of `alphabet`, as four characters: each character holds bits of two
    neighbouring bytes, so the characters allowed depend on those before them."""
    branches = []
    for high in sorted({b >> 4 for b in alphabet}):
        seconds = [b for b in alphabet if b >> 4 == high]
        tails = []
        for top in sorted({b >> 6 for b in alphabet}):
            thirds = [b for b in alphabet if b >> 6 == top]
            tails.append(_chars(((b & 15) << 2) | top for b in seconds) + _chars(b & 63 for b in thirds))
        branches.append(_pairs(alphabet, high) + _alternatives(tails))
    return _alternatives(branches)


def _tail(alphabet: bytes, count: int) -> str:
    """The last one or two bytes of a string (two or three characters, no padding)."""
    if count == 1:
        return _alternatives(_ALPHABET[b >> 2] + _ALPHABET[(b & 3) << 4] for b in alphabet)
    return _alternatives(_pairs(alphabet, high) + _chars((b & 15) << 2 for b in alphabet if b >> 4 == high)
                         for high in sorted({b >> 4 for b in alphabet}))


def base64_pattern(prefix: bytes, alphabet: bytes, least: int, most: int) -> str:
    """`prefix` (a whole number of groups) followed by `least`..`most` bytes of `alphabet`."""
    assert len(prefix) % 3 == 0 and 1 <= least <= most
    head = re.escape(base64.urlsafe_b64encode(prefix).decode())
    group, one, two = _group(alphabet), _tail(alphabet, 1), _tail(alphabet, 2)
    lengths = []
    for groups in range(least // 3, most // 3 + 1):
        for rest, tail in ((0, ""), (1, one), (2, two)):
            if least <= groups * 3 + rest <= most:
                lengths.append((group + f"{{{groups}}}" if groups else "") + tail)
    return f"^{head}(" + "|".join(lengths) + ")$"
