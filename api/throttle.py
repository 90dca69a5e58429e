"""Token buckets per key (a client address, a token's hash), in bounded memory: a flood
of new keys evicts the least recently seen, it never grows the table without end."""
from __future__ import annotations

import ipaddress
import math
import threading
import time
from collections import OrderedDict

from ledger.domain.users import token_hash
from ledger.errors import TooManyRequests

MAX_KEYS = 10_000


class Buckets:
    def __init__(self, capacity: float, per_second: float, *, max_keys: int = MAX_KEYS):
        self.capacity = capacity
        self.per_second = per_second
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (level, at)
        self._lock = threading.Lock()
        self.clock = time.monotonic  # tests replace it rather than wait

    def _level(self, key: str, now: float) -> float:
        level, at = self._buckets.get(key, (self.capacity, now))
        return min(self.capacity, level + (now - at) * self.per_second)

    def wait(self, key: str) -> int:
        """Whole seconds until `key` may go on (0: now), without taking anything."""
        with self._lock:
            level = self._level(key, self.clock())
        return 0 if level >= 1 else max(1, math.ceil((1 - level) / self.per_second))

    def take(self, key: str) -> int:
        """Take one for `key`: 0 when there was one, else the whole seconds until there is."""
        with self._lock:
            now = self.clock()
            level = self._level(key, now)
            if level < 1:
                return max(1, math.ceil((1 - level) / self.per_second))
            self._buckets[key] = (level - 1, now)
            self._buckets.move_to_end(key)
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
            return 0

    def __len__(self) -> int:
        return len(self._buckets)


class Throttle:
    """API.md: failed authentications beyond LEDGER_AUTH_FAILURES_PER_MINUTE from one client
    address are 429; LEDGER_RATE_LIMIT_PER_TOKEN caps one token's requests.

    Only failures are throttled, never a valid token: every token is still checked, and one
    that works is served whatever its address has failed before. Addresses are shared (a
    bureau behind one NAT, every client behind one proxy), so refusing an address outright
    would let one client's bad script lock out everybody there; guessing a token gains
    nothing from the extra look-ups (tokens are 256-bit random values)."""

    def __init__(self, auth_failures_per_minute: float, rate_limit_per_token: float | None,
                 trusted_proxies: tuple[str, ...] = ()):
        self.failures = Buckets(auth_failures_per_minute, auth_failures_per_minute / 60)
        rate = rate_limit_per_token
        self.per_token = Buckets(max(1.0, rate), rate) if rate else None
        self.trusted_proxies = tuple(ipaddress.ip_network(p, strict=False) for p in trusted_proxies)

    def client(self, peer: str | None, forwarded_for: str | None) -> str:
        """The client's address: the peer's, or behind a trusted proxy the nearest address in
        X-Forwarded-For that is not itself a trusted proxy (each proxy appends the address it
        saw; what lies further left was written by the client and proves nothing)."""
        if peer is None:
            return "unknown"
        if not forwarded_for or not self._trusted(peer):
            return peer
        hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
        for hop in reversed(hops):
            if not self._trusted(hop):
                return hop
        return hops[0] if hops else peer

    def _trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.trusted_proxies)

    def failed(self, client: str) -> None:
        """Count a failed authentication; beyond the allowance it is 429, not 401."""
        wait = self.failures.take(client)
        if wait:
            raise TooManyRequests("too many failed authentications from this client; retry later", retry_after_s=wait)

    def admit(self, token: str) -> None:
        if self.per_token is not None:
            wait = self.per_token.take(token_hash(token))
            if wait:
                raise TooManyRequests("this token's request rate is capped; retry later", retry_after_s=wait)
