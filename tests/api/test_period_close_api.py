"""Closing and reopening a month through the API and the CLI (API.md, "Period close in the
writer"): only months that have ended close, the evidence is the fund's own, back-dated
entries into a closed month are refused, a reopen takes two people, GET /v1/periods lists
it all within the caller's regions."""
from __future__ import annotations

import datetime as dt

from typer.testing import CliRunner

from runtime.cli import cli

from ..conftest import open_fund
from ..support import CHAIN_KEY, PII_KEY, SEAL_KEY, make_user
from .helpers import assert_problem

STATEMENT_HEADERS = {"Content-Type": "text/csv"}


def test_close_a_month_then_back_dated_entries_are_refused(staff, clock):
    clock.travel_to(dt.date(2022, 7, 5))
    fund = open_fund(staff.treasurer, "employment_subsidy", "210100", "5000.00")
    assert_problem(staff.clerk.post(f"/v1/periods/{fund}/2022-06/close", {}), 403, "forbidden")
    r = staff.treasurer.post(f"/v1/periods/{fund}/2022-06/close", {})
    assert r.status_code == 201, r.text
    assert r.json()["evidence"]["ties_out"] is True and r.json()["closed_months"] == ["2022-06"]
    alloc = {"amount": "1.00", "source": "other", "document_no": "late", "effective_date": "2022-06-30"}
    assert_problem(staff.treasurer.post(f"/v1/funds/{fund}/allocations", alloc), 409, "period_closed")
    r = staff.treasurer.post(f"/v1/funds/{fund}/allocations", {**alloc, "effective_date": "2022-07-01"})
    assert r.status_code == 201, r.text
    assert_problem(staff.treasurer.post(f"/v1/periods/{fund}/2022-06/close", {}), 409, "invalid_state")
    assert_problem(staff.treasurer.post(f"/v1/periods/{fund}/2022-6/close", {}), 422, "validation_error")


def test_the_current_month_and_later_ones_do_not_close(staff, clock):
    clock.travel_to(dt.date(2022, 7, 5))
    fund = open_fund(staff.treasurer, "employment_subsidy", "210100", "5000.00")
    for month in ("2022-07", "2022-08", "2099-12"):
        problem = assert_problem(staff.treasurer.post(f"/v1/periods/{fund}/{month}/close",
                                                      {"override_reason": "提前结账"}), 422, "validation_error")
        assert "has not ended" in problem["detail"]
    # Today's allocations and approvals still go in.
    r = staff.treasurer.post(f"/v1/funds/{fund}/allocations", {"amount": "1.00", "source": "other",
                                                               "document_no": "today",
                                                               "effective_date": "2022-07-05"})
    assert r.status_code == 201, r.text
    assert staff.treasurer.get("/v1/periods", fund_id=fund).json()["items"] == []


def test_unmatched_bank_items_need_an_override_reason(staff, clock):
    clock.travel_to(dt.date(2022, 7, 5))
    fund = open_fund(staff.treasurer, "employment_subsidy", "210100", "5000.00")
    clock.travel_to(dt.date(2022, 8, 3))
    statement = "date,amount,direction,reference,counterparty\n2022-07-05,100.00,debit,UNKNOWN-1,某公司\n"
    r = staff.treasurer.client.post("/v1/bank-statements", params={"fund_id": fund}, content=statement.encode(),
                                    headers={"Authorization": f"Bearer {staff.treasurer.token}",
                                             **STATEMENT_HEADERS})
    assert r.status_code in (200, 201), r.text
    problem = assert_problem(staff.treasurer.post(f"/v1/periods/{fund}/2022-07/close", {}), 409, "invalid_state")
    assert "unmatched" in problem["detail"]
    r = staff.treasurer.post(f"/v1/periods/{fund}/2022-07/close", {"override_reason": "银行补记, 下月核对"})
    assert r.status_code == 201, r.text
    assert r.json()["override_reason"] == "银行补记, 下月核对" and r.json()["evidence"]["unmatched_in_bank"] == 1


def test_a_reopen_is_proposed_by_one_treasurer_and_confirmed_by_another_person(staff, clock):
    clock.travel_to(dt.date(2022, 7, 5))
    fund = open_fund(staff.treasurer, "employment_subsidy", "210100", "5000.00")
    clock.travel_to(dt.date(2022, 8, 3))
    assert staff.treasurer.post(f"/v1/periods/{fund}/2022-07/close", {}).status_code == 201
    body = {"reason": "漏记一笔拨款", "document_no": "沈财〔2022〕9号"}
    assert_problem(staff.clerk.post(f"/v1/periods/{fund}/2022-07/reopen", body), 403, "forbidden")
    assert_problem(staff.treasurer.post(f"/v1/periods/{fund}/2022-07/reopen", {"reason": "x"}), 422,
                   "validation_error")
    r = staff.treasurer.post(f"/v1/periods/{fund}/2022-07/reopen", body)
    assert r.status_code == 202, r.text
    change_id = r.json()["change_id"]
    confirm = f"/v1/periods/{fund}/2022-07/reopen/{change_id}/confirm"
    assert_problem(staff.treasurer.post(confirm, {}), 403, "forbidden")  # not the proposer
    assert_problem(staff.reviewer.post(confirm, {}), 403, "forbidden")
    dalian_admin = make_user(staff.admin, "大连管理员", ["admin"], ["210200"])
    assert_problem(dalian_admin.post(confirm, {}), 403, "forbidden")

    listed = staff.auditor.get("/v1/periods", fund_id=fund)
    assert listed.status_code == 200, listed.text
    [july] = listed.json()["items"]
    assert july["state"] == "closed" and july["closed_by"] == staff.treasurer.user_id
    assert july["evidence"]["ties_out"] is True and july["override_reason"] is None
    assert [(q["change_id"], q["proposed_by"], q["reason"], q["document_no"]) for q in july["reopen_requests"]] == [
        (change_id, staff.treasurer.user_id, body["reason"], body["document_no"])]

    r = staff.admin.post(confirm, {})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "reopened" and r.json()["closed_months"] == []
    alloc = {"amount": "1.00", "source": "other", "document_no": "补记", "effective_date": "2022-07-31"}
    assert staff.treasurer.post(f"/v1/funds/{fund}/allocations", alloc).status_code == 201
    [july] = staff.treasurer.get("/v1/periods", fund_id=fund).json()["items"]
    assert july["state"] == "open" and july["reopened_by"] == staff.admin.get("/v1/users/me").json()["user_id"]
    assert july["reopen_reason"] == body["reason"] and july["reopen_document_no"] == body["document_no"]
    assert july["reopen_requests"] == []
    assert [h["event"] for h in july["history"]] == ["closed", "reopen_proposed", "reopened"]


def test_the_periods_list_is_scoped_to_the_callers_regions(staff, clock):
    clock.travel_to(dt.date(2022, 7, 5))
    fund = open_fund(staff.treasurer, "employment_subsidy", "210100", "5000.00")
    clock.travel_to(dt.date(2022, 8, 3))
    assert staff.treasurer.post(f"/v1/periods/{fund}/2022-07/close", {}).status_code == 201
    dalian_auditor = make_user(staff.admin, "大连审计", ["auditor"], ["210200"])
    assert_problem(dalian_auditor.get("/v1/periods", fund_id=fund), 403, "forbidden")
    assert_problem(staff.clerk.get("/v1/periods", fund_id=fund), 403, "forbidden")
    assert_problem(staff.auditor.get("/v1/periods", fund_id="employment_subsidy:210300"), 404, "not_found")
    assert staff.admin.get("/v1/periods", fund_id=fund).json()["closed_months"] == ["2022-07"]


def test_close_a_month_from_the_command_line(settings):
    from runtime.container import Runtime
    from ledger.access import Actor

    rt = Runtime(settings)
    rt.start(project=False)
    treasurer = Actor("t", "t", frozenset({"treasurer"}), ("210000",))
    rt.ledger.open_fund(treasurer, {"fund_type": "employment_subsidy", "region": "210100"})
    rt.close()
    env = {"LEDGER_DATABASE_URL": settings.database_url, "LEDGER_PG_SCHEMA": settings.pg_schema,
           "LEDGER_DATA_DIR": str(settings.data_dir),
           "LEDGER_PII_KEY": PII_KEY, "LEDGER_SEAL_KEY": SEAL_KEY, "LEDGER_CHAIN_KEY": CHAIN_KEY}
    result = CliRunner().invoke(cli, ["close-period", "--fund-id", "employment_subsidy:210100", "--month", "2022-08"],
                                env=env)
    assert result.exit_code == 0, result.output
    assert '"closed_months": [' in result.output and "2022-08" in result.output
    again = CliRunner().invoke(cli, ["close-period", "--fund-id", "employment_subsidy:210100", "--month", "2022-08"],
                               env=env)
    assert again.exit_code == 1 and "already closed" in again.output
