"""The holiday calendar through the API (API.md ◆ GET and PUT /holiday-calendar/{year}) and
the notice it counts: a notice approved before National Day ends after it, the adjusted
working weekend counted; an approval whose notice reaches a year nobody loaded is 409 and
records nothing, until two admins load the year."""
from __future__ import annotations

import datetime as dt

import pytest

from ..support import internship_claim, make_user, parameters_in_force
from .helpers import assert_problem, submit

YEAR_2027 = {"document_no": "国办发明电〔2026〕9号", "days": [
    {"date": "2027-01-01", "kind": "holiday", "name_zh": "元旦"},
    {"date": "2027-01-04", "kind": "holiday", "name_zh": "元旦"},
    {"date": "2027-01-09", "kind": "workday", "name_zh": "元旦调休上班"}]}


@pytest.fixture
def notice(client):
    parameters_in_force(client.app.state.runtime.ledger, "internship", {
        "region": "210100", "effective_from": "2022-06-04", "values": {"publicity_days": 5}})


def test_any_role_reads_a_shipped_year(staff):
    body = staff.clerk.get("/v1/holiday-calendar/2022").json()
    assert (body["year"], body["source"], body["in_force"], body["document_no"]) == (
        2022, "shipped", True, "国办发明电〔2021〕11号")
    rows = {d["date"]: d for d in body["days"]}
    assert rows["2022-10-03"]["kind"] == "holiday" and rows["2022-10-03"]["name_zh"] == "国庆节"
    assert rows["2022-10-08"]["kind"] == "workday" and rows["2022-10-08"]["document"] == "国办发明电〔2021〕11号"
    assert_problem(staff.clerk.get("/v1/holiday-calendar/2027"), 404, "not_found")


def test_a_notice_approved_before_national_day_ends_after_it(client, staff, funds, notice, clock):
    """F6: approved 2022-09-30 with 5 working days ends on 2022-10-12, not inside the holiday."""
    clock.travel_to(dt.date(2022, 9, 30))  # the notice starts on the day its approval is recorded
    claim_id = submit(staff.clerk, internship_claim(application_date="2022-09-20"))["claim_id"]
    r = staff.reviewer.post(f"/v1/claims/{claim_id}/approve", {"approved_on": "2022-09-30"})
    assert r.status_code == 200, r.text
    assert r.json()["publicity"]["ends_on"] == "2022-10-12"
    clock.travel_to(dt.date(2022, 10, 8))
    # On the worked Saturday the notice still runs (calendar days would have ended it on 10-05).
    r = staff.treasurer.post(f"/v1/claims/{claim_id}/payments", {"amount": "100.00", "kind": "prepayment",
                                                                 "payment_ref": "YF-GQ-1", "paid_on": "2022-10-08"})
    assert "2022-10-12" in assert_problem(r, 409, "invalid_state")["detail"]


def test_a_year_nobody_loaded_is_409_until_two_admins_load_it(client, admin, staff, funds, notice, clock):
    clock.travel_to(dt.date(2026, 12, 28))  # a notice from today runs into 2027
    claim_id = submit(staff.clerk, internship_claim(application_date="2026-12-21"))["claim_id"]
    approve = {"approved_on": "2026-12-28"}
    r = staff.reviewer.post(f"/v1/claims/{claim_id}/approve", approve)
    assert "2027" in assert_problem(r, 409, "invalid_state")["detail"]
    claim = staff.auditor.get(f"/v1/claims/{claim_id}").json()
    assert claim["status"] == "submitted" and claim["publicity"] is None

    proposed = admin.put("/v1/holiday-calendar/2027", YEAR_2027)
    assert proposed.status_code == 202, proposed.text
    change = proposed.json()
    assert change["status"] == "proposed" and change["document_no"] == "国办发明电〔2026〕9号"
    # Proposed is not in force: still 409; the proposer cannot confirm it.
    assert_problem(staff.reviewer.post(f"/v1/claims/{claim_id}/approve", approve), 409, "invalid_state")
    confirm = f"/v1/holiday-calendar/2027/changes/{change['change_id']}/confirm"
    assert_problem(admin.post(confirm, {}), 403, "forbidden")
    second = make_user(admin, "second admin", ["admin"], ["000000"])
    r = second.post(confirm, {})
    assert r.status_code == 200 and r.json()["status"] == "in_force", r.text
    assert second.put("/v1/holiday-calendar/2027", YEAR_2027).status_code == 409  # once in force

    body = staff.clerk.get("/v1/holiday-calendar/2027").json()
    assert (body["source"], body["in_force"], len(body["days"])) == ("loaded", True, 3)
    r = staff.reviewer.post(f"/v1/claims/{claim_id}/approve", approve)
    assert r.status_code == 200, r.text
    # Approved Monday 28: Tue 29 … Thu 31 (3), Fri 2027-01-01 and Mon 4 off, Tue 5 (4), Wed 6 (5).
    assert r.json()["publicity"]["ends_on"] == "2027-01-06"


def test_a_shipped_year_is_not_proposed_again_and_bad_rows_are_422(admin):
    assert_problem(admin.put("/v1/holiday-calendar/2024", YEAR_2027 | {"days": [
        {"date": "2024-01-01", "kind": "holiday", "name_zh": "元旦"}]}), 409, "invalid_state")
    r = admin.put("/v1/holiday-calendar/2027", {"document_no": "x", "days": [
        {"date": "2027-01-05", "kind": "workday", "name_zh": "调休"}]})
    assert_problem(r, 422, "validation_error", "days[0].date")
