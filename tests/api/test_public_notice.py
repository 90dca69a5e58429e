"""Public notice (公示) and objections (API.md ★, DOMAIN.md "Public notice and objections"):
with `publicity_days` above 0 for the claim's region and application date, approval puts
the claim on notice from the day the approval is recorded until that day + publicity_days;
payment is refused with paid_on or the day it is recorded on or before ends_on, and while
an objection is open (◆ Insiders and time: the tests move the ledger's clock); an objection is resolved by a reviewer other than the
approver: dismissed → payable after the notice, upheld → closed, reservation released.
Both backends (the `settings` fixture)."""
from __future__ import annotations

import datetime as dt

import pytest

from ..support import job_expansion_claim, parameters_in_force, person_id
from .helpers import APPROVED_ON, assert_problem, fund_balance, masked, submit

ENDS_ON = "2022-07-22"  # APPROVED_ON 2022-07-16, a Saturday: the 5th working day after it (Mon 18 – Fri 22)
AFTER_NOTICE = "2022-07-23"


def set_publicity_days(client, days: int, region: str = "210100") -> None:
    parameters_in_force(client.app.state.runtime.ledger, "job_expansion", {
        "region": region, "effective_from": "2022-06-04", "values": {"publicity_days": days}})


@pytest.fixture
def notice(client, clock):
    set_publicity_days(client, 5)
    on(clock, APPROVED_ON)  # approvals are recorded on APPROVED_ON: their notices start that day


def on(clock, day: str) -> None:
    """The ledger's today becomes `day` (business dates are never later than today)."""
    clock.travel_to(dt.date.fromisoformat(day))


def approved(staff, **claim) -> dict:
    claim_id = submit(staff.clerk, job_expansion_claim(**claim))["claim_id"]
    r = staff.reviewer.post(f"/v1/claims/{claim_id}/approve", {"approved_on": APPROVED_ON})
    assert r.status_code == 200, r.text
    return r.json()


def payment(staff, claim_id: str, paid_on: str, ref: str = "ZF-NOTICE-1"):
    return staff.treasurer.post(f"/v1/claims/{claim_id}/payments",
                                {"amount": "1500.00", "kind": "settlement", "payment_ref": ref, "paid_on": paid_on})


def objection(api, claim_id: str, received_on: str = "2022-07-18", reason: str = "举报：未实际录用"):
    return api.post(f"/v1/claims/{claim_id}/objections", {"reason": reason, "received_on": received_on})


def resolve(api, claim_id: str, objection_id: str, outcome: str, reason: str = "核查完毕"):
    return api.post(f"/v1/claims/{claim_id}/objections/{objection_id}/resolve", {"outcome": outcome, "reason": reason})


def test_approval_opens_the_notice_and_payment_waits_for_its_end(client, staff, funds, notice, clock):
    claim = approved(staff)
    assert claim["publicity"] == {"starts_on": APPROVED_ON, "ends_on": ENDS_ON, "objections": []}
    # paid_on = ends_on − 1: still under notice
    on(clock, "2022-07-21")
    r = payment(staff, claim["claim_id"], "2022-07-21")
    assert ENDS_ON in assert_problem(r, 409, "invalid_state")["detail"]
    # paid_on = ends_on: the notice's last day
    on(clock, ENDS_ON)
    assert_problem(payment(staff, claim["claim_id"], ENDS_ON), 409, "invalid_state")
    # the day after: the notice is over, but paid_on must be after it too
    on(clock, AFTER_NOTICE)
    assert_problem(payment(staff, claim["claim_id"], ENDS_ON), 409, "invalid_state")
    r = payment(staff, claim["claim_id"], AFTER_NOTICE)
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "paid"
    assert staff.auditor.get(f"/v1/claims/{claim['claim_id']}").json()["publicity"]["ends_on"] == ENDS_ON


def test_without_publicity_days_there_is_no_notice(client, staff, funds):
    claim = approved(staff)
    assert claim["publicity"] is None
    assert payment(staff, claim["claim_id"], APPROVED_ON).status_code == 201
    # Without a notice an objection is still received, after payment too (DOMAIN.md F14).
    r = objection(staff.clerk, claim["claim_id"], received_on=APPROVED_ON)
    assert r.status_code == 201 and r.json()["publicity"] is None and r.json()["objections"][0]["status"] == "open"


def test_publicity_days_zero_for_a_city_means_no_notice_there(client, staff, funds, notice):
    """Shenyang has 5 days; Dalian keeps the province default 0."""
    from ..conftest import open_fund
    open_fund(staff.treasurer, "unemployment_insurance", "210200", "10000.00")
    dalian_reviewer = staff.reviewer2  # scoped to the province
    claim_id = submit(staff.dalian_clerk, job_expansion_claim(region="210200"))["claim_id"]
    r = dalian_reviewer.post(f"/v1/claims/{claim_id}/approve", {"approved_on": APPROVED_ON})
    assert r.status_code == 200, r.text
    assert r.json()["publicity"] is None


def test_an_objection_holds_payment_until_dismissed_then_after_the_notice(client, staff, funds, notice, clock):
    claim = approved(staff)
    on(clock, "2022-07-18")
    r = objection(staff.clerk, claim["claim_id"])
    assert r.status_code == 201, r.text
    objection_id = r.json()["objection_id"]
    assert r.json()["publicity"]["objections"] == [{
        "objection_id": objection_id, "reason": "举报：未实际录用", "received_on": "2022-07-18", "status": "open",
        "resolution_reason": None}]
    on(clock, "2022-07-25")
    r = payment(staff, claim["claim_id"], "2022-07-25")
    assert objection_id in assert_problem(r, 409, "invalid_state")["detail"]
    # the reviewer who approved may not resolve it (maker-checker)
    assert_problem(resolve(staff.reviewer, claim["claim_id"], objection_id, "dismissed"), 403, "forbidden")
    # a clerk records objections but does not resolve them
    assert_problem(resolve(staff.clerk, claim["claim_id"], objection_id, "dismissed"), 403, "forbidden")
    r = resolve(staff.reviewer2, claim["claim_id"], objection_id, "dismissed")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "approved"
    assert r.json()["publicity"]["objections"][0]["status"] == "dismissed"
    assert_problem(resolve(staff.reviewer2, claim["claim_id"], objection_id, "upheld"), 409, "invalid_state")
    # dismissed, but the notice still runs until ends_on
    assert_problem(payment(staff, claim["claim_id"], "2022-07-20"), 409, "invalid_state")
    assert payment(staff, claim["claim_id"], AFTER_NOTICE).status_code == 201
    events = staff.auditor.get(f"/v1/claims/{claim['claim_id']}/events").json()["items"]
    by_type = {e["type"]: e for e in events}
    assert by_type["NoticeOpened"]["actor"] == staff.reviewer.user_id
    assert by_type["ObjectionReceived"]["actor"] == staff.clerk.user_id
    assert by_type["ObjectionResolved"]["actor"] == staff.reviewer2.user_id
    assert by_type["ObjectionResolved"]["data"]["outcome"] == "dismissed"


def test_an_upheld_objection_closes_the_claim_and_releases_its_reservation(client, staff, funds, notice, clock):
    before = fund_balance(staff.treasurer, funds["ui"])
    claim = approved(staff)
    assert fund_balance(staff.treasurer, funds["ui"])["reserved"] == "1500.00"
    on(clock, "2022-07-18")
    objection_id = objection(staff.reviewer2, claim["claim_id"]).json()["objection_id"]
    r = resolve(staff.reviewer2, claim["claim_id"], objection_id, "upheld", "查实虚报")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "closed" and body["amounts"]["reserved"] == "0.00"
    assert body["publicity"]["objections"][0] == {
        "objection_id": objection_id, "reason": "举报：未实际录用", "received_on": "2022-07-18",
        "status": "upheld", "resolution_reason": "查实虚报"}
    assert fund_balance(staff.treasurer, funds["ui"]) == before
    on(clock, "2022-07-25")
    assert_problem(payment(staff, claim["claim_id"], "2022-07-25"), 409, "invalid_state")
    closed = [e for e in staff.auditor.get(f"/v1/claims/{claim['claim_id']}/events").json()["items"]
              if e["type"] == "Closed"]
    assert closed[0]["actor"] == staff.reviewer2.user_id and "查实虚报" in closed[0]["data"]["reason"]


def test_objections_from_the_notice_on(client, staff, funds, notice, clock):
    claim = approved(staff)
    assert_problem(objection(staff.clerk, claim["claim_id"], received_on="2022-07-15"), 409, "invalid_state")
    # received after today: no business date is later than the day it is recorded
    assert_problem(objection(staff.clerk, claim["claim_id"], received_on="2022-07-17"), 422, "validation_error",
                   "received_on")
    on(clock, AFTER_NOTICE)
    assert objection(staff.clerk, claim["claim_id"], received_on="2022-07-20").status_code == 201
    # After the notice too (DOMAIN.md F14; tests/api/test_objections_after.py).
    assert objection(staff.clerk, claim["claim_id"], received_on=ENDS_ON).status_code == 201
    # treasurers and auditors do not record objections
    assert_problem(objection(staff.treasurer, claim["claim_id"]), 403, "forbidden")
    assert_problem(objection(staff.auditor, claim["claim_id"]), 403, "forbidden")
    # a submitted claim is not on notice
    submitted = submit(staff.clerk)["claim_id"]
    assert_problem(objection(staff.clerk, submitted), 409, "invalid_state")
    r = resolve(staff.reviewer2, claim["claim_id"], "00000000-0000-4000-8000-000000000000", "dismissed")
    assert_problem(r, 404, "not_found")


def test_the_notice_list_of_a_day(client, staff, funds, notice, clock):
    graduate = person_id()
    claim = approved(staff, beneficiary=graduate)
    other = approved(staff)
    third = approved(staff)
    on(clock, "2022-07-18")
    objection_id = objection(staff.clerk, other["claim_id"]).json()["objection_id"]
    assert resolve(staff.reviewer2, other["claim_id"], objection_id, "upheld").status_code == 200
    objection(staff.clerk, third["claim_id"])

    def listed(on: str, api=staff.treasurer, **params) -> list[dict]:
        r = api.get("/v1/reports/payees", stage="notice", on=on, **params)
        assert r.status_code == 200, r.text
        return r.json()["items"]

    rows = {row["claim_id"]: row for row in listed("2022-07-16")}
    assert set(rows) == {claim["claim_id"], third["claim_id"]}  # the upheld one is closed
    assert rows[claim["claim_id"]] == {
        "claim_id": claim["claim_id"], "payee": claim["applicant"],
        "beneficiary": {"id": masked(graduate), "name": "张三"}, "program": "job_expansion",
        "amount": "1500.00", "starts_on": APPROVED_ON, "ends_on": ENDS_ON, "objections_open": 0}
    assert rows[third["claim_id"]]["objections_open"] == 1
    assert graduate not in str(rows)
    assert {r["claim_id"] for r in listed("2022-07-20")} == set(rows)
    assert {r["claim_id"] for r in listed(ENDS_ON)} == set(rows)  # its last day
    assert listed("2022-07-15") == [] and listed(AFTER_NOTICE) == []
    assert {r["claim_id"] for r in listed("2022-07-16", fund_id=funds["ui"])} == set(rows)
    assert listed("2022-07-16", fund_id=funds["es"]) == []
    # pages
    first = staff.auditor.get("/v1/reports/payees", stage="notice", on="2022-07-16", limit=1).json()
    second = staff.auditor.get("/v1/reports/payees", stage="notice", on="2022-07-16", limit=1,
                               cursor=first["next_cursor"]).json()
    assert {first["items"][0]["claim_id"], second["items"][0]["claim_id"]} == set(rows)
    # roles and regions as the other reports
    assert_problem(staff.clerk.get("/v1/reports/payees", stage="notice"), 403, "forbidden")
    assert staff.admin.get("/v1/reports/payees", stage="notice", on="2022-07-16").status_code == 200
    assert_problem(staff.auditor.get("/v1/reports/payees", stage="notice", on="2022-02-30"), 422,
                   "validation_error", "on")
