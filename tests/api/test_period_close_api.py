"""Closing a month through the API and the CLI: the evidence is the month's fund-usage
report and reconciliation; back-dated entries into a closed month are refused."""
from __future__ import annotations

from typer.testing import CliRunner

from runtime.cli import cli

from ..conftest import open_fund
from ..support import CHAIN_KEY, PII_KEY, SEAL_KEY
from .helpers import assert_problem


def test_close_a_month_then_back_dated_entries_are_refused(staff):
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


def test_unmatched_bank_items_need_an_override_reason(staff):
    fund = open_fund(staff.treasurer, "employment_subsidy", "210100", "5000.00")
    statement = "date,amount,direction,reference,counterparty\n2022-07-05,100.00,debit,UNKNOWN-1,某公司\n"
    r = staff.treasurer.client.post("/v1/bank-statements", params={"fund_id": fund}, content=statement.encode(),
                                    headers={"Authorization": f"Bearer {staff.treasurer.token}",
                                             "Content-Type": "text/csv"})
    assert r.status_code in (200, 201), r.text
    problem = assert_problem(staff.treasurer.post(f"/v1/periods/{fund}/2022-07/close", {}), 409, "invalid_state")
    assert "unmatched" in problem["detail"]
    r = staff.treasurer.post(f"/v1/periods/{fund}/2022-07/close", {"override_reason": "银行补记, 下月核对"})
    assert r.status_code == 201, r.text
    assert r.json()["override_reason"] == "银行补记, 下月核对" and r.json()["evidence"]["unmatched_in_bank"] == 1


def test_close_a_month_from_the_command_line(settings):
    from runtime.container import Runtime
    from ledger.access import Actor

    rt = Runtime(settings)
    rt.start(project=False)
    treasurer = Actor("t", "t", frozenset({"treasurer"}), ("210000",))
    rt.ledger.open_fund(treasurer, {"fund_type": "employment_subsidy", "region": "210100"})
    rt.close()
    env = {"LEDGER_DATABASE_URL": settings.database_url, "LEDGER_PG_SCHEMA": settings.pg_schema,
           "LEDGER_PII_KEY": PII_KEY, "LEDGER_SEAL_KEY": SEAL_KEY, "LEDGER_CHAIN_KEY": CHAIN_KEY}
    result = CliRunner().invoke(cli, ["close-period", "--fund-id", "employment_subsidy:210100", "--month", "2022-08"],
                                env=env)
    assert result.exit_code == 0, result.output
    assert '"closed_months": [' in result.output and "2022-08" in result.output
    again = CliRunner().invoke(cli, ["close-period", "--fund-id", "employment_subsidy:210100", "--month", "2022-08"],
                               env=env)
    assert again.exit_code == 1 and "already closed" in again.output
