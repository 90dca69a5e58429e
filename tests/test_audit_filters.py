"""GET /v1/audit/events filtered on the server (issue 20, "Finding things"): by event type,
by aggregate and by fund; a page's `limit` counts the events that pass, and the cursor pages
through every match (the dashboard's audit log pages through them, not through 100 rows)."""
from __future__ import annotations

from .test_audit_scope import _all, two_cities  # noqa: F401 (fixture)


def _filtered(api, **params) -> list[dict]:
    items, after = [], 0
    while True:
        r = api.get("/v1/audit/events", after_position=after, limit=2, **params)
        assert r.status_code == 200, r.text
        page = r.json()
        assert len(page["items"]) <= 2
        items += page["items"]
        if page["next_cursor"] is None:
            return items
        after = page["next_cursor"]


def test_filters_by_type_aggregate_and_fund_page_through_every_match(two_cities):
    admin = two_cities
    everything = _all(admin)
    approved = [e for e in everything if e["type"] == "Approved"]
    assert len(approved) == 6
    assert _filtered(admin, type="Approved") == approved
    both = _filtered(admin, type=["Approved", "TransferredIn"])
    assert [e["type"] for e in both] == [e["type"] for e in everything if e["type"] in ("Approved", "TransferredIn")]
    claim = approved[0]["originator_id"]
    assert _filtered(admin, originator_id=claim) == [e for e in everything if e["originator_id"] == claim]
    dalian = _filtered(admin, fund_id="unemployment_insurance:210200")
    types = [e["type"] for e in dalian]
    assert types.count("Approved") == 3, "the claims approved on the fund name it"
    assert "TransferredIn" in types and "Opened" in types and "Allocated" in types
    assert all(e["originator_id"] == dalian[0]["originator_id"] or
               "unemployment_insurance:210200" in e["data"].values() for e in dalian)
    shenyang = _filtered(admin, fund_id="unemployment_insurance:210100")
    assert "TransferredIn" not in [e["type"] for e in shenyang]


def test_filters_are_validated(two_cities):
    admin = two_cities
    assert admin.get("/v1/audit/events", type="Approved;drop").status_code == 422
    assert admin.get("/v1/audit/events", originator_id="not-a-uuid").status_code == 422
    assert admin.get("/v1/audit/events", fund_id="nothing").status_code == 422
