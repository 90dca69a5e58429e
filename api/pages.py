"""Pages bounded in bytes as well as in items (API.md, "Bounded work per request"): a page
stops before MAX_PAGE_BYTES with a `next_cursor`, however large its items, so no request
makes the service build, hold or send an answer of hundreds of megabytes. Items are encoded
once, as they come, and the page is joined from their bytes."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from starlette.responses import Response

from ledger.views import json_bytes

MAX_PAGE_BYTES = 4 * 2**20
_ENVELOPE_BYTES = 1024  # {"items":[...],"next_cursor":"..."} around the items


def bounded_page(items: Iterable[dict], limit: int, cursor_of: Callable[[dict], Any]) -> Response:
    """`{"items", "next_cursor"}` of at most `limit` items and less than MAX_PAGE_BYTES (an
    item larger than that alone is a page of its own, so every item can be reached);
    `next_cursor` is `cursor_of(last item)` when more may follow, else null."""
    budget = MAX_PAGE_BYTES - _ENVELOPE_BYTES
    parts: list[bytes] = []
    size = 0
    last = None
    more = False
    for item in items:
        encoded = json_bytes(item)
        if len(parts) == limit or (parts and size + len(encoded) + 1 > budget):
            more = True
            break
        parts.append(encoded)
        size += len(encoded) + 1
        last = item
    cursor = json_bytes(cursor_of(last)) if more and last is not None else b"null"
    return Response(b'{"items":[' + b",".join(parts) + b'],"next_cursor":' + cursor + b"}",
                    media_type="application/json")
