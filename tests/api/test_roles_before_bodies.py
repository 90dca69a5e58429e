"""API.md, "Refusals are not the log's business": a route's roles are checked before its
body is read (a caller whose roles cannot use it is 403 whatever it sends), and no refusal
of any kind adds an event to the hash-chained log; a refusal is kept for its
Idempotency-Key outside the log, in a table whose rows expire."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from adapters.refusals import KEEP_FOR
from api.roles import DECIDED_BY_THE_COMMAND, ROUTE_ROLES

from ..support import job_expansion_claim
from .helpers import assert_problem
from .test_authorization_matrix import ROUTES, served_routes

UNKNOWN = "00000000-0000-4000-8000-000000000000"
INVALID_BODIES = ({}, {"program": 42}, {"applicant": "x" * 5000}, [1, 2, 3], "not an object", None)


def _head(client) -> int:
    return client.app.state.runtime.ledger.head_position()


def test_an_auditor_sending_invalid_bodies_with_fresh_keys_is_403_and_the_log_does_not_grow(client, staff):
    head = _head(client)
    for i, body in enumerate(INVALID_BODIES * 5):
        r = staff.auditor.post("/v1/claims", body, headers={"Idempotency-Key": f"auditor-{i}"})
        assert_problem(r, 403, "forbidden")
    r = staff.auditor.client.post("/v1/claims", content=b"{not json", headers={
        "Authorization": f"Bearer {staff.auditor.token}", "Content-Type": "application/json",
        "Idempotency-Key": "auditor-raw"})
    assert_problem(r, 403, "forbidden")
    assert _head(client) == head


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", lambda m: "2022-11" if m.group() == "{month}" else UNKNOWN, path)


def test_every_route_with_roles_is_403_for_other_roles_before_its_body(client, roles):
    head = _head(client)
    served = served_routes(client.app)
    for (method, path), allowed in sorted(ROUTE_ROLES.items()):
        if (method, path) not in served:
            continue  # a line for a route of another part of the contract, not served yet
        outsider = next(role for role in ("auditor", "clerk", "admin") if role not in allowed)
        caller = roles[outsider]
        headers = {"Authorization": f"Bearer {caller.token}", "Idempotency-Key": f"k-{method}-{path}"}
        for content, content_type in ((b"{not json", "application/json"), (b"\xff\xfe;;", "text/csv")):
            if content_type == "text/csv" and path != "/v1/bank-statements":
                continue
            r = client.request(method, _concrete(path), content=content,
                               headers={**headers, "Content-Type": content_type})
            assert_problem(r, 403, "forbidden")
    assert _head(client) == head


def test_the_table_agrees_with_the_authorization_matrix(client):
    """Every write route has its roles checked before its body (deny by default: a new write
    route fails here until it has a line in api/roles.py), the roles of the matrix."""
    for method, path in served_routes(client.app):
        if method not in ("POST", "PUT", "DELETE", "PATCH") or (method, path) in DECIDED_BY_THE_COMMAND:
            continue
        assert (method, path) in ROUTE_ROLES, f"{method} {path} has no line in api/roles.py"
        rule = ROUTES.get((method, path))  # a route missing there fails the matrix's own test
        if rule is not None:
            assert frozenset(ROUTE_ROLES[(method, path)]) == rule.roles, (method, path)


def test_refusals_under_keys_are_kept_outside_the_log_and_expire(client, staff, funds, clock):
    head = _head(client)
    # Refused at the edge (the body), and in the writer (no such claim; not eligible).
    bad = {**job_expansion_claim(), "facts": {"graduation_year": "soon"}}
    edge = staff.clerk.post("/v1/claims", bad, headers={"Idempotency-Key": "r-edge"})
    assert edge.status_code == 422
    missing = staff.reviewer.post(f"/v1/claims/{UNKNOWN}/approve", {"approved_on": "2022-07-16"},
                                  headers={"Idempotency-Key": "r-writer"})
    assert_problem(missing, 404, "not_found")
    for _ in range(3):
        again = staff.clerk.post("/v1/claims", bad, headers={"Idempotency-Key": "r-edge"})
        assert (again.status_code, again.json()) == (422, edge.json())
        assert_problem(staff.reviewer.post(f"/v1/claims/{UNKNOWN}/approve", {"approved_on": "2022-07-16"},
                                           headers={"Idempotency-Key": "r-writer"}), 404, "not_found")
    # Kept: the same key with another body is a mismatch.
    good = job_expansion_claim()
    assert_problem(staff.clerk.post("/v1/claims", good, headers={"Idempotency-Key": "r-edge"}), 422,
                   "idempotency_mismatch")
    assert _head(client) == head  # not one event for any of it
    # After the keeping period the key is free again (the row is gone, not the log's business).
    clock.advance(days=KEEP_FOR.days + 1)
    r = staff.clerk.post("/v1/claims", {**good, "application_date": clock.today().isoformat()},
                         headers={"Idempotency-Key": "r-edge"})
    assert r.status_code != 422 or r.json()["code"] != "idempotency_mismatch", r.text
