"""GET /v1/claims?sort= (issue 20, "Finding things"): the list in the order of submission,
of the last change or of the entitled amount, either way, sorted by the server so that
paging keeps the order; claims alike in the order follow their submission, the same way,
and a cursor pages on in the order it was issued for only."""
from __future__ import annotations

import base64
import csv
import io

import pytest

from ..support import internship_claim, job_expansion_claim, make_user
from .helpers import assert_problem

SORTS = ("submitted", "-submitted", "updated", "-updated", "entitled", "-entitled")


def _fen(amount: str) -> int:
    units, cents = amount.split(".")
    return int(units) * 100 + int(cents)


@pytest.fixture
def people(admin):
    """Claims of several amounts (three alike: job_expansion's 1500.00) in two cities, three
    of them changed after the last was submitted; the clerk and the claims' ids."""
    clerk = make_user(admin, "clerk", ["clerk"], ["210000"])
    reviewer = make_user(admin, "reviewer", ["reviewer"], ["210000"])
    bodies = [job_expansion_claim(), internship_claim(term_months=6), job_expansion_claim(region="210200"),
              internship_claim(region="210200", term_months=3), job_expansion_claim(),
              internship_claim(term_months=12), internship_claim(region="210200", term_months=6)]
    ids = []
    for body in bodies:
        r = clerk.post("/v1/claims", body)
        assert r.status_code == 201, r.text
        ids.append(r.json()["claim_id"])
    for cid in (ids[4], ids[0]):  # the first claim changes last
        r = clerk.post(f"/v1/claims/{cid}/withdraw", {"reason": "企业申请撤回"})
        assert r.status_code == 200, r.text
    r = reviewer.post(f"/v1/claims/{ids[3]}/reject", {"reason": "材料不全"})
    assert r.status_code == 200, r.text
    return clerk, ids


def _every(api, **params) -> list[dict]:
    return api.get("/v1/claims", limit=1000, **params).json()["items"]


def _expected(api, sort: str, **params) -> list[str]:
    """The whole list in the order `sort` names, worked out here: the submission order is
    the default list's, a claim's last change is the position of its last event."""
    submitted = _every(api, **params)
    rank = {c["claim_id"]: i for i, c in enumerate(submitted)}

    def last_change(c):
        return api.get(f"/v1/claims/{c['claim_id']}/events").json()["items"][-1]["position"]

    keys = {"submitted": lambda c: rank[c["claim_id"]],
            "updated": lambda c: (last_change(c), rank[c["claim_id"]]),
            "entitled": lambda c: (_fen(c["amounts"]["entitled"]), rank[c["claim_id"]])}
    ordered = [c["claim_id"] for c in sorted(submitted, key=keys[sort.lstrip("-")])]
    return ordered[::-1] if sort.startswith("-") else ordered


def _paged(api, sort: str, limit: int, **params) -> list[str]:
    ids, cursor = [], None
    while True:
        r = api.get("/v1/claims", sort=sort, limit=limit, **({"cursor": cursor} if cursor else {}), **params)
        assert r.status_code == 200, r.text
        page = r.json()
        assert len(page["items"]) <= limit
        ids += [c["claim_id"] for c in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return ids


@pytest.mark.parametrize("sort", SORTS)
def test_every_order_pages_through_the_whole_list_in_that_order(people, sort):
    clerk, _ = people
    expected = _expected(clerk, sort)
    assert len(expected) == 7
    for limit in (1, 2, 3, 1000):
        assert _paged(clerk, sort, limit) == expected, (sort, limit)


def test_the_orders_differ_and_claims_alike_in_amount_follow_their_submission(people):
    clerk, ids = people
    submitted = [c["claim_id"] for c in _every(clerk)]
    by_amount = clerk.get("/v1/claims", sort="entitled", limit=1000).json()["items"]
    amounts = [_fen(c["amounts"]["entitled"]) for c in by_amount]
    assert amounts == sorted(amounts) and len(set(amounts)) < len(amounts), "ties among the amounts"
    alike = [c["claim_id"] for c in by_amount if c["amounts"]["entitled"] == "1500.00"]
    assert len(alike) == 3 and alike == [cid for cid in submitted if cid in alike]
    largest = clerk.get("/v1/claims", sort="-entitled", limit=1000).json()["items"]
    assert [c["claim_id"] for c in largest if c["amounts"]["entitled"] == "1500.00"] == alike[::-1]
    updated = [c["claim_id"] for c in clerk.get("/v1/claims", sort="-updated", limit=1000).json()["items"]]
    assert updated == [ids[3], ids[0], ids[4], ids[6], ids[5], ids[2], ids[1]] and submitted == ids
    assert clerk.get("/v1/claims", sort="submitted", limit=1000).json()["items"] == _every(clerk)


@pytest.mark.parametrize("sort", ["-entitled", "updated"])
def test_filters_keep_working_in_every_order(people, sort):
    clerk, _ = people
    for params in ({"region": "210200"}, {"status": "submitted"}, {"program": "internship", "region": "210100"}):
        expected = _expected(clerk, sort, **params)
        assert expected and len(expected) < 7
        assert _paged(clerk, sort, 2, **params) == expected, params


def test_a_cursor_pages_on_in_its_own_order_only(people):
    clerk, _ = people
    first = clerk.get("/v1/claims", sort="entitled", limit=2).json()
    assert first["next_cursor"]
    for sort in ("-entitled", "submitted", "updated"):
        problem = assert_problem(clerk.get("/v1/claims", sort=sort, limit=2, cursor=first["next_cursor"]),
                                 404, "not_found", "cursor")
        assert "sort=entitled" in problem["detail"]
    assert clerk.get("/v1/claims", sort="entitled", limit=2, cursor=first["next_cursor"]).status_code == 200
    default = clerk.get("/v1/claims", limit=2).json()["next_cursor"]
    assert_problem(clerk.get("/v1/claims", sort="-submitted", cursor=default), 404, "not_found", "cursor")

    def forged(text: str) -> str:
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    for text in ("v1:12", "v1:entitled|150000", "v1:entitled|x|3", "v1:entitled|-1|3", "v1:entitled|1|2|3",
                 "v1:bogus|1|2", "v1:entitled|1234567890123456789|3", "v2:entitled|1|2", "v1:entitled| 1|2"):
        # Shaped as the schema says but not issued for this order: it names no page (a
        # schema-valid cursor is never a validation_error, tests/test_schemathesis.py).
        assert_problem(clerk.get("/v1/claims", sort="entitled", cursor=forged(text)), 404, "not_found", "cursor")
    assert_problem(clerk.get("/v1/claims", sort="largest"), 422, "validation_error", "sort")


def test_the_export_follows_the_order(people):
    clerk, _ = people
    expected = _expected(clerk, "-entitled", region="210100")
    r = clerk.get("/v1/claims", headers={"Accept": "text/csv"}, sort="-entitled", region="210100", limit=1)
    assert r.status_code == 200, r.text
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:-1]] == expected


def test_the_orders_are_declared_in_the_openapi_document(client):
    [sort] = [p for p in client.get("/openapi.json").json()["paths"]["/v1/claims"]["get"]["parameters"]
              if p["name"] == "sort"]
    assert sort["in"] == "query" and sort["schema"]["enum"] == list(SORTS)
    assert sort["schema"]["default"] == "submitted"
