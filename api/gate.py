"""The gate every HTTP request passes before any route sees it (plain ASGI). In order:

1. a body larger than its endpoint's limit (ledger/limits.py) is `413` before a byte of it
   is read: by its Content-Length, or while it streams in without one;
2. a caller without a valid token is `401` before its body is read or parsed (only the
   operations and documentation endpoints are public: deny by default);
3. a query parameter or header holding a control character, a lone surrogate or bytes
   that are not UTF-8 is `422` naming it;
4. a body in a media type or charset its endpoint does not read is `415`.

The authenticated caller is left in the request's state for `deps.actor`. Nothing here
reads a body: JSON bodies are parsed under their limits by api/bodies.py."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from urllib.parse import parse_qsl

import anyio
from eventsourcing.persistence import PersistenceError
from starlette.exceptions import HTTPException

from ledger.errors import (LedgerError, PayloadTooLarge, Unauthenticated, Unavailable, UnsupportedMediaType,
                           ValidationFailed)
from ledger.limits import MAX_JSON_BODY_BYTES, MAX_STATEMENT_BYTES, bad_character

from .problems import problem_from_error

# Endpoints anyone may call: liveness, readiness, the API's own description and the
# dashboard's pages and assets (api/dashboard: they hold no data; its API calls need a token).
PUBLIC_PATHS = frozenset({"/healthz", "/readyz", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc", "/"})
PUBLIC_PREFIXES = ("/assets/",)
JSON_TYPES = ("application/json",)
# Charsets a bank statement may come in: text encodings banks export in. Anything else
# (rot13, base64, zlib, punycode, unicode_escape, ...) is not a text encoding of a file.
STATEMENT_CHARSETS = frozenset({"utf-8", "utf8", "utf-8-sig", "gbk", "gb2312", "gb18030", "cp936", "big5",
                                "utf-16", "utf-16le", "utf-16be", "iso-8859-1", "latin-1", "latin1", "us-ascii",
                                "ascii"})
MAX_QUERY_VALUE_CHARS = 2_000


@dataclass(frozen=True)
class BodyPolicy:
    max_bytes: int
    media_types: tuple[str, ...]
    charsets: frozenset[str] | None  # None: UTF-8 only


JSON_BODY = BodyPolicy(MAX_JSON_BODY_BYTES, JSON_TYPES, None)
BODY_POLICIES = {
    "/v1/bank-statements": BodyPolicy(MAX_STATEMENT_BYTES, ("text/csv", "application/csv", "text/plain",
                                                            "application/json"), STATEMENT_CHARSETS),
}


class BodyTooLarge(HTTPException):
    """Raised from `receive` once a body without a Content-Length outgrows its limit; an
    HTTPException so that FastAPI's body reading lets it through to the problem handler."""

    def __init__(self, limit: int):
        super().__init__(status_code=413)
        self.error = PayloadTooLarge(f"the body is larger than {limit:,} bytes")


class RequestGate:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        policy = BODY_POLICIES.get(path, JSON_BODY)
        headers = {}
        for name, value in scope["headers"]:
            headers.setdefault(name.decode("latin-1").lower(), value.decode("latin-1"))
        try:
            length = _content_length(headers)
            if length is not None and length > policy.max_bytes:
                raise PayloadTooLarge(f"the body is larger than {policy.max_bytes:,} bytes")
            if path not in PUBLIC_PATHS and not path.startswith(PUBLIC_PREFIXES):
                scope.setdefault("state", {})["actor"] = await _authenticate(scope, headers)
            _check_headers(headers)
            _check_query(scope.get("query_string", b""))
            has_body = (length or 0) > 0 or "chunked" in headers.get("transfer-encoding", "").lower()
            if has_body and scope["method"] in ("POST", "PUT", "PATCH"):
                _check_media(headers.get("content-type", ""), policy)
        except LedgerError as exc:
            await problem_from_error(exc)(scope, receive, send)
            return
        except PersistenceError:  # the store behind authentication is busy or away
            await problem_from_error(Unavailable("the database is busy or unreachable; retry shortly"))(
                scope, receive, send)
            return
        await self.app(scope, _limited(receive, policy.max_bytes) if length is None else receive, send)


def _content_length(headers: dict[str, str]) -> int | None:
    value = headers.get("content-length")
    if value is None:
        return None
    if not value.isdigit():
        raise ValidationFailed("Content-Length must be a number of bytes", field="Content-Length")
    return int(value)


async def _authenticate(scope, headers: dict[str, str]):
    """The caller behind the bearer token: from memory on the event loop when this process
    checked the token a moment ago, else from the store in a worker thread. A failure counts
    against the client's address, and is 429 beyond its allowance (api/throttle.py); a
    valid token is never refused for its address."""
    state = scope["app"].state
    ledger, throttle = state.runtime.ledger, state.throttle
    authorization = headers.get("authorization", "")
    token = authorization[7:].strip() if authorization[:7].lower() == "bearer " else None
    known = ledger.known_actor(token)
    if known is None:
        if not token:
            raise Unauthenticated("send Authorization: Bearer <token>")
        try:
            known = await _check_once(state, ledger, token)
        except Unauthenticated:
            peer = scope["client"][0] if scope.get("client") else None
            throttle.failed(throttle.client(peer, headers.get("x-forwarded-for")))
            raise
    throttle.admit(token)
    return known


async def _check_once(state, ledger, token: str):
    """The store's check of a token, shared by the requests that need it while it runs: when
    a remembered check goes stale under load, every connection of a busy token otherwise
    loads its credential and user at once (a sixth of a claim submission's CPU at 32
    connections). A check begun before this process changed any user's tokens is not shared
    with a request that came after the change."""
    checks: dict = state.token_checks
    generation = ledger.sessions_generation
    shared = checks.get(token)
    if shared is None or shared[0] != generation:
        future = asyncio.ensure_future(anyio.to_thread.run_sync(ledger.authenticate, token))
        shared = checks[token] = (generation, future)

        def done(f, entry=shared):
            if checks.get(token) is entry:
                del checks[token]
            if not f.cancelled():
                f.exception()  # retrieved here too: every waiter may have gone

        future.add_done_callback(done)
    return await asyncio.shield(shared[1])


def _check_headers(headers: dict[str, str]) -> None:
    for name, value in headers.items():
        problem = bad_character(value.replace("\t", " "))
        if problem is not None:
            raise ValidationFailed(f"the {name} header holds {problem}", field=name)


def _check_query(query_string: bytes) -> None:
    if not query_string:
        return
    try:
        pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True, encoding="utf-8",
                          errors="strict")
    except UnicodeDecodeError:
        raise ValidationFailed("the query string is not UTF-8", field="query") from None
    for name, value in pairs:
        for text in (name, value):
            problem = bad_character(text)
            if problem is not None:
                raise ValidationFailed(f"query parameter {_printable(name)} holds {problem}", field=_printable(name))
        if len(value) > MAX_QUERY_VALUE_CHARS:
            raise ValidationFailed(f"query parameter {name} is longer than {MAX_QUERY_VALUE_CHARS} characters",
                                   field=name)


def _printable(name: str) -> str:
    return name if bad_character(name) is None else repr(name.encode("utf-8", "backslashreplace"))[2:-1]


def _check_media(content_type: str, policy: BodyPolicy) -> None:
    media, _, rest = content_type.partition(";")
    media = media.strip().lower()
    if media not in policy.media_types:
        raise UnsupportedMediaType(f"send the body as {' or '.join(policy.media_types)}, not {media or 'no type'}",
                                   field="Content-Type")
    charset = None
    for part in rest.split(";"):
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset":
            charset = value.strip().strip('"').lower()
    if charset is None:
        return
    allowed = policy.charsets if policy.charsets is not None and media != "application/json" else {"utf-8", "utf8"}
    if charset not in allowed:
        raise UnsupportedMediaType(f"charset {_printable(charset)!s} is not one this endpoint reads "
                                   f"({', '.join(sorted(allowed))})", field="Content-Type")


def _limited(receive, limit: int):
    """`receive` that refuses a streamed body (no Content-Length) once it outgrows `limit`."""
    seen = 0

    async def receive_within_limit():
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge(limit)
        return message

    return receive_within_limit
