"""API.md, "Bounded work per request": GET /audit/events pages hold at most `limit` events
(≤ 1000) and stop before 4 MiB with a `next_cursor`, so no caller can make the service build
an answer of hundreds of megabytes; paging through still reaches every event once."""
from __future__ import annotations

import json

import orjson
import pytest

from api import pages
from api.pages import bounded_page

from .helpers import assert_problem


def _page_through(api, **params) -> tuple[list[dict], list[int]]:
    items, sizes, after = [], [], 0
    while True:
        r = api.get("/v1/audit/events", after_position=after, **params)
        assert r.status_code == 200, r.text
        sizes.append(len(r.content))
        page = r.json()
        items += page["items"]
        if page["next_cursor"] is None:
            return items, sizes
        after = page["next_cursor"]


def test_pages_stop_before_the_byte_bound_and_reach_every_event_once(client, staff, funds, monkeypatch):
    """The admin, scoped to 000000, sees the whole log (the shipped catalog included)."""
    streamed = [json.loads(line) for line in client.get("/v1/audit/events", headers={
        "Authorization": f"Bearer {staff.admin.token}", "Accept": "application/x-ndjson"}).text.splitlines()]
    total = sum(len(orjson.dumps(e)) for e in streamed)
    bound = 8 * 1024
    assert total > 4 * bound  # the log is long enough for several pages
    monkeypatch.setattr(pages, "MAX_PAGE_BYTES", bound)
    items, sizes = _page_through(staff.admin, limit=1000)
    assert items == streamed
    assert len(sizes) >= 4 and max(sizes) < bound
    # The item bound still holds beside the byte bound.
    few, _ = _page_through(staff.admin, limit=7)
    assert few == streamed
    assert_problem(staff.auditor.get("/v1/audit/events", limit=1001), 422, "validation_error")


def test_the_default_bound_is_4_mib():
    assert pages.MAX_PAGE_BYTES == 4 * 2**20


def _body(response) -> dict:
    return orjson.loads(response.body)


def test_an_item_larger_than_the_bound_is_a_page_of_its_own(monkeypatch):
    monkeypatch.setattr(pages, "MAX_PAGE_BYTES", 4096)
    items = [{"position": 1, "data": "a" * 100}, {"position": 2, "data": "b" * 10_000},
             {"position": 3, "data": "c" * 100}]
    first = _body(bounded_page(iter(items), 1000, lambda item: str(item["position"])))
    assert [i["position"] for i in first["items"]] == [1] and first["next_cursor"] == "1"
    second = _body(bounded_page(iter(items[1:]), 1000, lambda item: str(item["position"])))
    assert [i["position"] for i in second["items"]] == [2] and second["next_cursor"] == "2"
    last = _body(bounded_page(iter(items[2:]), 1000, lambda item: str(item["position"])))
    assert [i["position"] for i in last["items"]] == [3] and last["next_cursor"] is None


@pytest.mark.parametrize("limit, expected_cursor", [(2, "2"), (3, None)])
def test_the_cursor_follows_the_last_item_only_when_more_may_follow(limit, expected_cursor):
    items = [{"position": p} for p in (1, 2, 3)]
    page = _body(bounded_page(iter(items), limit, lambda item: str(item["position"])))
    assert page["next_cursor"] == expected_cursor and len(page["items"]) == min(limit, 3)
