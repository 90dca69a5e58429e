"""What every endpoint needs from a request: the runtime, the caller (authenticated and
throttled by the gate), the Idempotency-Key and If-Match headers, and page cursors."""
from __future__ import annotations

import base64
import re
from typing import Any

from fastapi import Request

from ledger.access import Actor
from ledger.errors import NotFound, Unauthenticated, ValidationFailed
from ledger.service import Idem
from runtime.container import Runtime

_PRINTABLE_ASCII = re.compile(r"^[\x20-\x7e]{1,200}$")
# One entity-tag as the ETag header gives it ("3"); a bare number is taken too. A weak tag
# (W/"3") never matches: RFC 9110 has If-Match compare strongly.
MATCHES_NO_VERSION = -1  # versions start at 1
_ETAG = re.compile(r'^(?:"([0-9]{1,18})"|([0-9]{1,18}))$')


def runtime(request: Request) -> Runtime:
    return request.app.state.runtime


def authenticated(request: Request) -> Actor:
    """The caller, authenticated by the gate (api/gate.py) before the route was reached."""
    actor = request.scope.get("state", {}).get("actor")
    if actor is None:  # only public endpoints pass the gate without one
        raise Unauthenticated("send Authorization: Bearer <token>")
    return actor


async def actor(request: Request) -> Actor:
    """The caller (/openapi.json declares the bearer token as a security scheme: api/openapi.py)."""
    return authenticated(request)


def idem(request: Request, body: Any) -> Idem | None:
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    if not _PRINTABLE_ASCII.match(key):
        raise ValidationFailed("Idempotency-Key must be 1-200 printable ASCII characters", field="Idempotency-Key")
    return Idem(key=key, method=request.method, path=request.url.path, body=body)


def if_match(request: Request) -> int | None:
    """The version an If-Match header requires (None: any; RFC 9110: `*` matches any current
    version, and the command itself answers 404 when there is none)."""
    value = request.headers.get("if-match")
    if value is None or value.strip() == "*":
        return None
    match = _ETAG.fullmatch(value.strip())
    if match is None:
        # A malformed or weak tag is a condition that names no version (RFC 9110): it fails
        # as a stale one does, 412, but only where a stale one would, once the command has
        # checked the rest of the request (its ids, its Idempotency-Key, its body).
        return MATCHES_NO_VERSION
    return int(match.group(1) or match.group(2))


def page_limit(limit: int) -> int:
    if not 1 <= limit <= 1000:
        raise ValidationFailed("limit must be between 1 and 1000", field="limit")
    return limit


def encode_cursor(value: str | int) -> str:
    return base64.urlsafe_b64encode(f"v1:{value}".encode()).decode().rstrip("=")


def unknown_cursor() -> NotFound:
    """A cursor shaped as the schema says (its pattern is checked before) that this service did
    not issue for this list and query: it names no page, as an unknown id names nothing (404).
    Whether it was issued is the service's to know; no schema can state it."""
    return NotFound("cursor names no page of this list: it is not one this service issued for this query",
                    field="cursor")


def decode_cursor(cursor: str | None) -> str | None:
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        raise unknown_cursor() from None
    if not text.startswith("v1:"):
        raise unknown_cursor()
    return text[3:]


_SORT_CURSOR = re.compile(r"^([a-z-]{1,20})\|([0-9]{1,18})\|([0-9]{1,18})$")


def encode_sort_cursor(sort: str, key: int, first_position: int) -> str:
    """A cursor of a list in the order `sort` names: the last row's sort key and its
    tie-breaker (the position its item began at), and the sort they belong to."""
    return encode_cursor(f"{sort}|{key}|{first_position}")


def decode_sort_cursor(cursor: str | None, sort: str) -> tuple[int, int] | None:
    """The (sort key, first position) a cursor of `sort` continues after; a cursor of
    another order, or of another list, continues nothing."""
    text = decode_cursor(cursor)
    if text is None:
        return None
    match = _SORT_CURSOR.fullmatch(text)
    if match is None:
        raise unknown_cursor()
    if match.group(1) != sort:
        raise NotFound(f"cursor names no page of this list in sort={sort}: it was issued for "
                       f"sort={match.group(1)}; start again without it", field="cursor")
    return int(match.group(2)), int(match.group(3))


def decode_position_cursor(cursor: str | None) -> int | None:
    """A cursor that carries a log position (lists ordered by when their items began)."""
    after = decode_cursor(cursor)
    try:
        position = int(after) if after is not None else None
        if position is not None and not 0 <= position < 2**62:
            raise ValueError
    except ValueError:
        raise unknown_cursor() from None
    return position
