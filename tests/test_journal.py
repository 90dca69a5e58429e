"""`ledger export --format beancount` checked with the real engine: a history with every
kind of fund movement (allocations from several sources, transfers down and up, approvals,
releases, prepayments and settlements, a returned payment paid again, recoveries) is
exported, Beancount loads the journal without an error (its balance assertions included),
and its balances per fund account equal the ledger's fund balances to the fen."""
from __future__ import annotations

from decimal import Decimal

from beancount import loader
from beancount.core import realization
from typer.testing import CliRunner

from runtime.cli import cli
from projections.reads.journal import camel

from .api.helpers import APPROVED_ON, submit
from .support import CHAIN_KEY, PII_KEY, SEAL_KEY, internship_claim, job_expansion_claim

ES_CITY, ES_PROVINCE = "employment_subsidy:210100", "employment_subsidy:210000"
UI_CITY, UI_PROVINCE = "unemployment_insurance:210100", "unemployment_insurance:210000"


def _env(settings) -> dict:
    return {"LEDGER_DATABASE_URL": settings.database_url, "LEDGER_PG_SCHEMA": settings.pg_schema,
            "LEDGER_DATA_DIR": str(settings.data_dir),
            "LEDGER_PII_KEY": PII_KEY, "LEDGER_SEAL_KEY": SEAL_KEY,
            "LEDGER_CHAIN_KEY": CHAIN_KEY, "LEDGER_PROJECTIONS": "embedded"}


def ok(r, status: int = 200) -> dict:
    assert r.status_code == status, r.text
    return r.json()


def approve(staff, claim: dict, approved_on: str = APPROVED_ON) -> str:
    ok(staff.reviewer.post(f"/v1/claims/{claim['claim_id']}/approve", {"approved_on": approved_on}))
    return claim["claim_id"]


def pay(staff, claim_id: str, amount: str, ref: str, paid_on: str, kind: str = "settlement") -> None:
    ok(staff.treasurer.post(f"/v1/claims/{claim_id}/payments",
                            {"amount": amount, "kind": kind, "payment_ref": ref, "paid_on": paid_on}), 201)


def every_kind_of_movement(staff) -> None:
    t = staff.treasurer
    for fund_type in ("employment_subsidy", "unemployment_insurance"):
        for region in ("210000", "210100"):
            ok(t.post("/v1/funds", {"fund_type": fund_type, "region": region}), 201)
    for fund_id, amount, source, on in ((ES_PROVINCE, "500000.00", "central", "2022-06-05"),
                                        (ES_PROVINCE, "120000.50", "provincial", "2022-06-06"),
                                        (ES_CITY, "30000.00", "municipal", "2022-06-07"),
                                        (UI_CITY, "80000.00", "county", "2022-06-08"),
                                        (UI_PROVINCE, "1000.01", "other", "2022-06-09")):
        ok(t.post(f"/v1/funds/{fund_id}/allocations", {"amount": amount, "source": source, "effective_date": on,
                                                        "document_no": "辽财社〔2022〕“7”号"}), 201)
    ok(t.post("/v1/fund-transfers", {"from_fund": ES_PROVINCE, "to_fund": ES_CITY, "amount": "200000.00",
                                     "document_no": "辽财社〔2022〕8号", "effective_date": "2022-06-10"}), 201)
    ok(t.post("/v1/fund-transfers", {"from_fund": UI_CITY, "to_fund": UI_PROVINCE, "amount": "12345.67",
                                     "document_no": "沈财社〔2022〕9号", "effective_date": "2022-06-11"}), 201)

    # job_expansion (unemployment insurance): paid, returned and paid again; paid and recovered
    # in two parts; approved and closed unpaid (a release).
    bounced = approve(staff, submit(staff.clerk, job_expansion_claim()))
    pay(staff, bounced, "1500.00", "ZF-J-1", "2022-07-20")
    ok(t.post(f"/v1/claims/{bounced}/payments/ZF-J-1/return",
              {"reason": '账户已销户 "closed"', "returned_on": "2022-07-23"}))
    pay(staff, bounced, "1500.00", "ZF-J-1b", "2022-07-26")
    clawed = approve(staff, submit(staff.clerk, job_expansion_claim()))
    pay(staff, clawed, "1500.00", "ZF-J-2", "2022-07-20")
    ok(staff.reviewer.post(f"/v1/claims/{clawed}/clawbacks", {"amount": "500.00", "reason": "虚报"}), 201)
    for amount, ref, on in (("300.00", "HK-1", "2022-08-01"), ("200.00", "HK-2", "2022-08-15")):
        ok(t.post(f"/v1/claims/{clawed}/recoveries", {"amount": amount, "reference": ref, "received_on": on}), 201)
    closed = approve(staff, submit(staff.clerk, job_expansion_claim()))
    ok(staff.reviewer.post(f"/v1/claims/{closed}/close", {"reason": "单位放弃"}))
    approve(staff, submit(staff.clerk, job_expansion_claim()))  # approved, still reserved

    # internship (employment subsidy): a prepayment, then closed (the rest released).
    intern = approve(staff, submit(staff.clerk, internship_claim(term_months=3)))
    pay(staff, intern, "1725.00", "YF-I-1", "2022-07-18", kind="prepayment")
    ok(staff.reviewer.post(f"/v1/claims/{intern}/close", {"reason": "见习结束"}))
    approve(staff, submit(staff.clerk, internship_claim(term_months=6)))


def fen(inventory) -> int:
    """An account's balance (children included) in fen, exactly."""
    total = Decimal(0)
    for position in inventory:
        assert position.units.currency == "CNY"
        total += position.units.number
    assert total == total.quantize(Decimal("0.01"))
    return int(total * 100)


def engine_balance(real, account: str) -> int:
    node = realization.get(real, account)
    return 0 if node is None else fen(realization.compute_balance(node))


def yuan(amount_fen: int) -> str:
    sign = "-" if amount_fen < 0 else ""
    return f"{sign}{abs(amount_fen) // 100}.{abs(amount_fen) % 100:02d}"


def test_the_beancount_journal_validates_and_reproduces_every_fund_balance(settings, client, staff, tmp_path):
    every_kind_of_movement(staff)
    funds = {f["fund_id"]: f["balance"] for f in ok(staff.admin.get("/v1/funds"))["items"]}
    assert len(funds) == 4

    out = tmp_path / "journal" / "ledger.beancount"
    result = CliRunner().invoke(cli, ["export", "--format", "beancount", "--out", str(out)], env=_env(settings))
    assert result.exit_code == 0, result.output
    entries, errors, _ = loader.load_file(str(out))
    assert errors == [], [e.message for e in errors]
    real = realization.realize(entries)

    for fund_id, balance in funds.items():
        fund_type, region = fund_id.split(":")
        tree = f"{camel(fund_type)}:R{region}"
        engine = {
            "allocated": -engine_balance(real, f"Income:Allocations:{tree}")
                         - engine_balance(real, f"Equity:Transfers:{tree}"),
            "reserved": engine_balance(real, f"Assets:Funds:{tree}:Reserved"),
            "disbursed": engine_balance(real, f"Expenses:Subsidies:{tree}"),
            "recovered": -engine_balance(real, f"Income:Recoveries:{tree}"),
            "available": engine_balance(real, f"Assets:Funds:{tree}:Available"),
        }
        assert {k: yuan(v) for k, v in engine.items()} == balance, fund_id

    # By program and by source too, and the journal as a whole balances to zero.
    assert yuan(engine_balance(real, "Expenses:Subsidies:UnemploymentInsurance:R210100:JobExpansion")) == "3000.00"
    assert yuan(engine_balance(real, "Expenses:Subsidies:EmploymentSubsidy:R210100:Internship")) == "1725.00"
    assert yuan(engine_balance(real, "Income:Allocations:EmploymentSubsidy:R210000:Central")) == "-500000.00"
    assert yuan(engine_balance(real, "Income:Recoveries:UnemploymentInsurance:R210100:JobExpansion")) == "-500.00"
    assert engine_balance(real, "Equity:Transfers") == 0
    assert fen(realization.compute_balance(real)) == 0

    text = out.read_text(encoding="utf-8")
    assert '退票 returned payment ZF-J-1: 账户已销户 \\"closed\\"' in text  # free text quoted safely
    assert "2022-07-20 * \"支付 settlement payment ZF-J-2\"" in text
    assert text.count(" balance Assets:Funds:") == 6  # the provinces' funds never reserved anything
    # The same log gives the same bytes.
    again = tmp_path / "again.beancount"
    assert CliRunner().invoke(cli, ["export", "--format", "beancount", "--out", str(again)],
                              env=_env(settings)).exit_code == 0
    assert again.read_bytes() == out.read_bytes()
    assert CliRunner().invoke(cli, ["export", "--format", "hledger", "--out", str(again)],
                              env=_env(settings)).exit_code == 2
