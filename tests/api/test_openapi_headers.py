"""/openapi.json declares the headers the writes read (issue 20, what a client generator met):
Idempotency-Key on every POST and PUT, If-Match (and its 412) on the writes that honour it."""
from __future__ import annotations

import inspect
import re

from fastapi.routing import APIRoute

from api.openapi import takes_if_match

from ..support import job_expansion_claim
from .helpers import assert_problem, submit


def _document(client) -> dict:
    return client.get("/openapi.json").json()


def _header_names(operation: dict) -> set[str]:
    return {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}


def test_every_write_declares_idempotency_key_and_the_versioned_ones_if_match(client):
    document = _document(client)
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            headers = _header_names(operation)
            if method in ("post", "put") and path not in ("/healthz", "/readyz"):
                assert "Idempotency-Key" in headers, (method, path)
            assert ("If-Match" in headers) == takes_if_match(method, path), (method, path)
            if "If-Match" in headers:
                assert operation["responses"]["412"]["content"]["application/problem+json"]["schema"] == {
                    "$ref": "#/components/schemas/Problem"}
    assert "Authorization" not in str([_header_names(o) for ops in document["paths"].values() for o in ops.values()])


def test_the_declared_if_match_routes_are_those_that_read_it(client):
    """The rule in api/openapi.py against the routes themselves: a POST route reads If-Match
    when its endpoint asks deps.if_match, directly or through the claim routes' _command."""
    reading = set()
    for route in client.app.router.routes:
        if isinstance(route, APIRoute) and "POST" in route.methods:
            source = inspect.getsource(route.endpoint)
            if re.search(r"deps\.if_match\(|await _command\(", source):
                reading.add(route.path)
    declared = {path for path, ops in _document(client)["paths"].items() if "post" in ops and takes_if_match("post", path)}
    assert reading == declared


def test_a_stale_if_match_is_412_as_declared(staff, funds):
    claim = submit(staff.clerk, job_expansion_claim())
    r = staff.reviewer.post(f"/v1/claims/{claim['claim_id']}/approve", {}, headers={"If-Match": '"99"'})
    assert_problem(r, 412, "precondition_failed")
    r = staff.treasurer.post(f"/v1/funds/{funds['ui']}/allocations",
                             {"amount": "1.00", "source": "central", "document_no": "辽财1",
                              "effective_date": "2022-06-20"}, headers={"If-Match": '"99999"'})
    assert_problem(r, 412, "precondition_failed")


def test_a_malformed_if_match_fails_only_where_a_stale_one_would(staff, funds):
    """Invalid ids or a bad Idempotency-Key are refused as such (404/422), whatever If-Match
    says: the condition is decided once the command has checked the rest of the request."""
    claim = submit(staff.clerk, job_expansion_claim())
    bad = {"If-Match": 'W/"x", "y'}
    r = staff.reviewer.post("/v1/claims/not-a-claim/approve", {}, headers=bad)
    assert r.status_code in (404, 422), r.text
    r = staff.reviewer.post(f"/v1/claims/{claim['claim_id']}/approve", {}, headers={**bad, "Idempotency-Key": "key\tx"})
    assert_problem(r, 422, "validation_error", "Idempotency-Key")
    r = staff.reviewer.post(f"/v1/claims/{claim['claim_id']}/approve", {}, headers=bad)
    assert "no version" in assert_problem(r, 412, "precondition_failed")["detail"]
    assert staff.auditor.get(f"/v1/claims/{claim['claim_id']}").json()["status"] == "submitted"
