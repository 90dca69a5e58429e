"""What every endpoint needs from a request: the runtime, the caller (throttled), the
Idempotency-Key and If-Match headers, and page cursors."""
from __future__ import annotations

import base64
import re
from typing import Any

import anyio
from fastapi import Header, Request

from ledger.access import Actor
from ledger.domain.users import token_hash
from ledger.errors import PreconditionFailed, TooManyRequests, Unauthenticated, ValidationFailed
from ledger.service import Idem
from runtime.container import Runtime
from runtime.settings import Settings

from .throttle import Buckets

_PRINTABLE_ASCII = re.compile(r"^[\x20-\x7e]{1,200}$")
_ETAG = re.compile(r'^(W/)?"?([0-9]+)"?$')


def runtime(request: Request) -> Runtime:
    return request.app.state.runtime


def _bearer(authorization: str | None) -> str | None:
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return None


class Throttle:
    """API.md: failed authentications beyond LEDGER_AUTH_FAILURES_PER_MINUTE from one client
    are 429 before any store look-up; LEDGER_RATE_LIMIT_PER_TOKEN caps one token's requests."""

    def __init__(self, settings: Settings):
        per_minute = settings.auth_failures_per_minute
        self.failures = Buckets(per_minute, per_minute / 60)
        rate = settings.rate_limit_per_token
        self.per_token = Buckets(max(1.0, rate), rate) if rate else None

    def before_look_up(self, client: str) -> None:
        wait = self.failures.wait(client)
        if wait:
            raise TooManyRequests("too many failed authentications from this client; retry later", retry_after_s=wait)

    def failed(self, client: str) -> None:
        self.failures.take(client)

    def admit(self, token: str) -> None:
        if self.per_token is not None:
            wait = self.per_token.take(token_hash(token))
            if wait:
                raise TooManyRequests("this token's request rate is capped; retry later", retry_after_s=wait)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def actor(request: Request, authorization: str | None = Header(default=None)) -> Actor:
    """The caller. A token checked a moment ago is answered from memory on the event loop;
    otherwise it costs a trip to a worker thread (and the store), unless this client has
    failed too often."""
    ledger = request.app.state.runtime.ledger
    throttle: Throttle = request.app.state.throttle
    token = _bearer(authorization)
    known = ledger.known_actor(token)
    if known is None:
        if not token:
            raise Unauthenticated("send Authorization: Bearer <token>")
        throttle.before_look_up(_client(request))
        try:
            known = await anyio.to_thread.run_sync(ledger.authenticate, token)
        except Unauthenticated:
            throttle.failed(_client(request))
            raise
    throttle.admit(token)
    return known


def actor_in_thread(request: Request) -> Actor:
    """The caller, for code already running in a worker thread."""
    token = _bearer(request.headers.get("authorization"))
    ledger = request.app.state.runtime.ledger
    known = ledger.known_actor(token)
    if known is not None:
        return known
    if not token:
        raise Unauthenticated("send Authorization: Bearer <token>")
    throttle: Throttle = request.app.state.throttle
    throttle.before_look_up(_client(request))
    try:
        return ledger.authenticate(token)
    except Unauthenticated:
        throttle.failed(_client(request))
        raise


def idem(request: Request, body: Any) -> Idem | None:
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    if not _PRINTABLE_ASCII.match(key):
        raise ValidationFailed("Idempotency-Key must be 1-200 printable ASCII characters", field="Idempotency-Key")
    return Idem(key=key, method=request.method, path=request.url.path, body=body)


def if_match(request: Request) -> int | None:
    value = request.headers.get("if-match")
    if value is None:
        return None
    match = _ETAG.match(value.strip())
    if match is None:
        raise PreconditionFailed("If-Match must carry the version from the ETag, e.g. \"3\"")
    return int(match.group(2))


def page_limit(limit: int) -> int:
    if not 1 <= limit <= 1000:
        raise ValidationFailed("limit must be between 1 and 1000", field="limit")
    return limit


def encode_cursor(value: str | int) -> str:
    return base64.urlsafe_b64encode(f"v1:{value}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> str | None:
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        raise ValidationFailed("cursor is not one this service issued", field="cursor") from None
    if not text.startswith("v1:"):
        raise ValidationFailed("cursor is not one this service issued", field="cursor")
    return text[3:]


def decode_position_cursor(cursor: str | None) -> int | None:
    """A cursor that carries a log position (lists ordered by when their items began)."""
    after = decode_cursor(cursor)
    try:
        position = int(after) if after is not None else None
        if position is not None and not 0 <= position < 2**62:
            raise ValueError
    except ValueError:
        raise ValidationFailed("cursor is not one this service issued", field="cursor") from None
    return position
