"""A beneficiary's identity number finds its claims (issue 20, finding things): in a header,
never a URL; the read model keeps the keyed hash, never the number."""
from __future__ import annotations

from ..support import job_expansion_claim, person_id
from .helpers import apprenticeship_claim, assert_problem, submit


def _ids(api, number: str) -> list[str]:
    r = api.get("/v1/claims", headers={"X-Beneficiary-Id": number})
    assert r.status_code == 200, r.text
    return [c["claim_id"] for c in r.json()["items"]]


def test_claims_are_found_by_their_beneficiarys_identity_number(client, staff, funds):
    graduate, other = person_id(), person_id()
    first = submit(staff.clerk, job_expansion_claim(beneficiary=graduate))["claim_id"]
    second_body = apprenticeship_claim()
    second_body["beneficiary"]["id"] = graduate
    second = submit(staff.clerk, second_body)["claim_id"]
    submit(staff.clerk, job_expansion_claim(beneficiary=other))
    assert _ids(staff.auditor, graduate) == [first, second]
    assert _ids(staff.auditor, graduate.lower()) == [first, second]
    # combined with the other filters
    r = staff.auditor.get("/v1/claims", headers={"X-Beneficiary-Id": graduate}, status="submitted", limit=1)
    assert [c["claim_id"] for c in r.json()["items"]] == [first] and r.json()["next_cursor"]
    assert _ids(staff.auditor, person_id()) == []
    # a malformed number is refused, naming the header
    assert_problem(staff.auditor.get("/v1/claims", headers={"X-Beneficiary-Id": "2101"}), 422, "validation_error")
    # the read model holds the keyed hash only
    views = client.app.state.runtime.views
    rows = views._rows("SELECT beneficiary_ref FROM rm_claim_beneficiaries", [])
    assert rows and all(graduate not in str(r) and other not in str(r) for r in rows)
