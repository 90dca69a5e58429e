"""An answer served as it was stored: the JSON bytes and the version for its ETag."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Ready:
    body: bytes
    version: int
