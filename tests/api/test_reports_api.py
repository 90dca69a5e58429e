"""Reports over HTTP (API.md, "Reports and reconciliation"): the fund-usage report of a
fund and of a region roll-up in JSON, CSV and XLSX (read back with csv and openpyxl and
compared with the JSON), reproducible to the byte; program usage across funds; the
public-notice list of payees with masked identity numbers; roles and regions."""
from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from projections.reads.export import XLSX_TYPE

from ..conftest import open_fund
from ..support import internship_claim, job_expansion_claim, make_user, person_id
from .helpers import approve, assert_problem, fund_balance, masked, pay, submit

CITY_ES, PROVINCE_ES, DALIAN_ES = "employment_subsidy:210100", "employment_subsidy:210000", "employment_subsidy:210200"
JULY = {"from": "2022-07-01", "to": "2022-07-31"}
EVERYTHING = {"from": "2000-01-01", "to": "2099-12-31"}
CSV = {"Accept": "text/csv"}
XLSX = {"Accept": XLSX_TYPE}
REPORT_KEYS = {"fund_id", "from", "to", "basis", "opening", "movements", "closing", "ties_out", "position",
               "position_recorded_at", "period_basis_note", "fund_type", "region", "name"}
MOVEMENT_KEYS = {"allocations", "allocations_by_source", "transfers_in", "transfers_out", "reserved", "released",
                 "disbursed", "disbursed_by_program", "returned", "recovered", "reserved_change"}
BALANCE = ("allocated", "reserved", "disbursed", "recovered", "available")


def ok(r, status: int = 200):
    assert r.status_code == status, r.text
    return r


def post(api, path: str, body: dict, status: int = 201) -> dict:
    return ok(api.post(path, body), status).json()


def fen(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    whole, cents = text.lstrip("-").split(".")
    return sign * (int(whole) * 100 + int(cents))


def job_search_claim(applicant: str, region: str = "210100") -> dict:
    return {"program": "job_search", "region": region, "applicant": {"kind": "person", "id": applicant, "name": "王五"},
            "facts": {"graduation_year": 2022, "hardship_category": "low_income"}, "application_date": "2022-07-12"}


@pytest.fixture
def ledger(staff, funds) -> dict:
    """Shenyang's funds (200,000.00 each on 2022-06-10) and the province's, moved in July:
    an allocation, transfers both ways, an internship approved and prepaid, a job-search
    payment returned (退票) and paid again, and in August a recovery."""
    t = staff.treasurer
    open_fund(t, "employment_subsidy", "210000", "500000.00")
    post(t, f"/v1/funds/{CITY_ES}/allocations", {"amount": "10000.00", "source": "municipal",
                                                  "document_no": "沈财社〔2022〕7号", "effective_date": "2022-07-03"})
    transfer = {"document_no": "辽人社〔2022〕88号"}
    post(t, "/v1/fund-transfers", {"from_fund": PROVINCE_ES, "to_fund": CITY_ES, "amount": "50000.00",
                                   "effective_date": "2022-07-05", **transfer})
    post(t, "/v1/fund-transfers", {"from_fund": CITY_ES, "to_fund": PROVINCE_ES, "amount": "1000.00",
                                   "effective_date": "2022-07-25", **transfer})
    intern = submit(staff.clerk, internship_claim(term_months=3, application_date="2022-07-12"))
    approve(staff.reviewer, intern["claim_id"])
    pay(staff.treasurer, intern["claim_id"], "1725.00", "YF-1", kind="prepayment")
    applicant = person_id()
    js = submit(staff.clerk, job_search_claim(applicant))["claim_id"]
    approve(staff.reviewer, js)
    pay(staff.treasurer, js, "1000.00", "JS-1")
    ok(t.post(f"/v1/claims/{js}/payments/JS-1/return", {"reason": "退票：账户已冻结", "returned_on": "2022-07-22"}))
    post(t, f"/v1/claims/{js}/payments", {"amount": "1000.00", "kind": "settlement", "payment_ref": "JS-2",
                                          "paid_on": "2022-07-28"})
    post(staff.reviewer, f"/v1/claims/{js}/clawbacks", {"amount": "300.00", "reason": "骗取补贴"})
    post(t, f"/v1/claims/{js}/recoveries", {"amount": "300.00", "reference": "HK-1", "received_on": "2022-08-03"})
    return {"applicant": applicant, "intern": intern, "job_search": js}


def usage(api, headers=None, **params):
    return api.get("/v1/reports/fund-usage", headers=headers, **params)


def test_fund_usage_report_figures_tie_out_and_follow_the_contract(staff, ledger):
    a = staff.auditor
    july = ok(usage(a, fund_id=CITY_ES, **JULY)).json()
    assert set(july) == REPORT_KEYS and set(july["movements"]) == MOVEMENT_KEYS
    assert (july["fund_id"], july["from"], july["to"], july["basis"]) == (CITY_ES, "2022-07-01", "2022-07-31",
                                                                          "business")
    assert july["opening"] == {"allocated": "200000.00", "reserved": "0.00", "disbursed": "0.00",
                               "recovered": "0.00", "available": "200000.00"}
    assert july["movements"] == {
        "allocations": "10000.00", "allocations_by_source": {"municipal": "10000.00"},
        "transfers_in": "50000.00", "transfers_out": "1000.00",
        "reserved": "4450.00", "released": "0.00",  # the internship's 3,450.00 and the job-search 1,000.00
        "disbursed": "3725.00", "disbursed_by_program": {"internship": "1725.00", "job_search": "2000.00"},
        "returned": "1000.00", "recovered": "0.00", "reserved_change": "1725.00"}
    assert july["closing"] == {"allocated": "259000.00", "reserved": "1725.00", "disbursed": "2725.00",
                               "recovered": "0.00", "available": "254550.00"}
    assert july["ties_out"] is True
    assert "business" in july["basis"] and july["period_basis_note"]

    # August opens where July closed; a period covering everything closes at the live balance.
    august = ok(usage(a, fund_id=CITY_ES, **{"from": "2022-08-01", "to": "2022-08-31"})).json()
    assert august["opening"] == july["closing"] and august["movements"]["recovered"] == "300.00"
    everything = ok(usage(a, fund_id=CITY_ES, **EVERYTHING)).json()
    assert everything["closing"] == fund_balance(a, CITY_ES) and everything["ties_out"]
    assert everything["position"] >= august["position"] >= july["position"]
    # By recorded time (UTC days): everything was recorded today.
    today = dt.datetime.now(dt.timezone.utc).date()
    recorded = ok(usage(a, fund_id=CITY_ES, basis="recorded", **{"from": today.isoformat(),
                                                                 "to": today.isoformat()})).json()
    assert recorded["opening"]["allocated"] == "0.00" and recorded["closing"] == fund_balance(a, CITY_ES)
    assert "UTC" in recorded["period_basis_note"] and recorded["basis"] == "recorded"
    # As of the report's own position: the same report.
    assert ok(usage(a, fund_id=CITY_ES, as_of_position=july["position"], **JULY)).json() == july

    # Refusals.
    assert_problem(usage(a, fund_id=CITY_ES, **{"from": "2022-08-01", "to": "2022-07-31"}), 422,
                   "validation_error", field="to")
    assert_problem(usage(a, fund_id=CITY_ES, **{"from": "2022-02-30", "to": "2022-07-31"}), 422,
                   "validation_error", field="from")
    assert_problem(usage(a, fund_id=CITY_ES, **{"from": "2022-07-01"}), 422, "validation_error", field="to")
    assert_problem(usage(a, fund_id=CITY_ES, basis="posted", **JULY), 422, "validation_error", field="basis")
    assert_problem(usage(a, **JULY), 422, "validation_error", field="fund_id")
    assert_problem(usage(a, fund_id=CITY_ES, fund_type="employment_subsidy", region="210000", **JULY), 422,
                   "validation_error")
    assert_problem(usage(a, fund_id="pension:210100", **JULY), 422, "validation_error", field="fund_id")
    assert_problem(usage(a, fund_id="inclusive_finance:210100", **JULY), 404, "not_found")
    assert_problem(usage(a, fund_id=CITY_ES, as_of_position=1, as_of="2022-07-01T00:00:00Z", **JULY), 422,
                   "validation_error")
    assert_problem(usage(a, fund_id=CITY_ES, as_of_position=10**9, **JULY), 404, "not_found",
                   field="as_of_position")  # beyond the head: no state the ledger has been in yet


def test_roles_and_regions(admin, staff, roles, ledger):
    for role in ("treasurer", "auditor", "admin"):
        assert usage(roles[role], fund_id=CITY_ES, **JULY).status_code == 200, role
        assert roles[role].get("/v1/reports/payees", fund_id=CITY_ES, **JULY).status_code == 200, role
        assert roles[role].get("/v1/reports/program-usage", program="internship", **JULY).status_code == 200
    for role in ("clerk", "reviewer"):
        assert_problem(usage(roles[role], fund_id=CITY_ES, **JULY), 403, "forbidden")
        assert_problem(usage(roles[role], fund_id=CITY_ES, headers=CSV, **JULY), 403, "forbidden")
        assert_problem(roles[role].get("/v1/reports/payees", fund_id=CITY_ES, **JULY), 403, "forbidden")
        assert_problem(roles[role].get("/v1/reports/program-usage", program="internship", **JULY), 403,
                       "forbidden")
    dalian = make_user(admin, "dalian auditor", ["auditor"], ["210200"])
    shenyang = make_user(admin, "shenyang treasurer", ["treasurer"], ["210100"])
    assert_problem(usage(dalian, fund_id=CITY_ES, **JULY), 403, "forbidden")
    assert_problem(usage(dalian, fund_id=CITY_ES, headers=XLSX, **JULY), 403, "forbidden")
    assert_problem(dalian.get("/v1/reports/payees", fund_id=CITY_ES, **JULY), 403, "forbidden")
    # A city's treasurer sees the city's funds, not the province's roll-up or fund.
    assert usage(shenyang, fund_id=CITY_ES, **JULY).status_code == 200
    assert usage(shenyang, fund_type="employment_subsidy", region="210100", **JULY).status_code == 200
    assert_problem(usage(shenyang, fund_type="employment_subsidy", region="210000", **JULY), 403, "forbidden")
    assert_problem(usage(shenyang, fund_id=PROVINCE_ES, **JULY), 403, "forbidden")
    # Program usage covers the caller's regions only.
    assert ok(dalian.get("/v1/reports/program-usage", program="internship", **EVERYTHING)).json()["lines"] == []
    assert_problem(dalian.get("/v1/reports/program-usage", program="internship", region="210100", **EVERYTHING),
                   403, "forbidden")


def test_rollup_lines_add_up_to_the_total(staff, ledger):
    open_fund(staff.treasurer, "employment_subsidy", "210200", "7000.00")
    a = staff.auditor
    rollup = ok(usage(a, fund_type="employment_subsidy", region="210000", **JULY)).json()
    assert [line["fund_id"] for line in rollup["lines"]] == [PROVINCE_ES, CITY_ES, DALIAN_ES]
    assert rollup["lines"][1] == ok(usage(a, fund_id=CITY_ES, **JULY)).json()
    assert (rollup["fund_type"], rollup["region"], rollup["from"], rollup["to"]) == (
        "employment_subsidy", "210000", "2022-07-01", "2022-07-31")
    assert rollup["ties_out"] and rollup["total"]["ties_out"]
    for part in ("opening", "closing"):
        for key in BALANCE:
            assert fen(rollup["total"][part][key]) == sum(fen(line[part][key]) for line in rollup["lines"])
    for key in MOVEMENT_KEYS - {"allocations_by_source", "disbursed_by_program"}:
        assert fen(rollup["total"]["movements"][key]) == sum(fen(line["movements"][key]) for line in rollup["lines"])
    # Transfers within the province cancel out in the total.
    assert rollup["total"]["movements"]["transfers_in"] == rollup["total"]["movements"]["transfers_out"]
    assert rollup["position"] == max(line["position"] for line in rollup["lines"])
    # Everything: the total closes at the sum of the live balances.
    whole = ok(usage(a, fund_type="employment_subsidy", region="210000", **EVERYTHING)).json()
    for key in BALANCE:
        assert fen(whole["total"]["closing"][key]) == sum(fen(fund_balance(a, f)[key])
                                                          for f in (PROVINCE_ES, CITY_ES, DALIAN_ES))
    # A city's roll-up holds the city's fund only; a region without funds, none.
    city = ok(usage(a, fund_type="employment_subsidy", region="210100", **JULY)).json()
    assert [line["fund_id"] for line in city["lines"]] == [CITY_ES]
    empty = ok(usage(a, fund_type="inclusive_finance", region="210000", **JULY)).json()
    assert empty["lines"] == [] and empty["ties_out"] and empty["position"] == 0


def _csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _xlsx_rows(content: bytes) -> tuple[list[list], list[list]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    cells = [list(row) for row in sheet.iter_rows()]
    return [[c.value for c in row] for row in cells], cells


def _table(rows: list[list], first_header: str) -> tuple[list, list[list]]:
    start = next(i for i, row in enumerate(rows) if row and row[0] == first_header)
    return rows[start], rows[start + 1:]


def _header_block(rows: list[list]) -> dict:
    return {row[0]: row[1] if len(row) > 1 else None for row in rows[1:8] if row}


def _amount(value) -> str:
    """A cell's money as the contract's string: CSV text as is, XLSX numbers exactly."""
    if isinstance(value, str):
        return value
    return str(Decimal(repr(value)).quantize(Decimal("0.01")))


def _check_header(block: dict, report: dict) -> None:
    assert block["期间 Period"] == f"{report['from']} 至 to {report['to']}"
    assert block["口径 Basis"] == report["basis"]
    assert block["生成时间 Generated at"] == report["position_recorded_at"]
    assert str(block["日志位置 Log position"]) == str(report["position"])
    assert block["是否平衡 Ties out"] == ("是 Yes" if report["ties_out"] else "否 No")


def _check_fund_table(rows: list[list], report: dict) -> None:
    header, body = _table(rows, "项目 Item")
    assert header == ["项目 Item", "代码 Code", "金额 Amount", "已下达 Allocated", "预留 Reserved",
                      "已支付 Disbursed", "已追回 Recovered", "可用 Available"]
    by_code = {row[1]: row for row in body if row and row[0]}
    balance = lambda row: {k: _amount(v) for k, v in zip(BALANCE, row[3:8])}  # noqa: E731
    assert balance(by_code["opening"]) == report["opening"]
    assert balance(by_code["closing"]) == report["closing"]
    m = report["movements"]
    for code in ("transfers_in", "transfers_out", "reserved", "released", "returned", "recovered"):
        assert _amount(by_code[code][2]) == m[code], code
    assert {c.split(":")[1]: _amount(r[2]) for c, r in by_code.items() if c.startswith("allocations:")} == \
        m["allocations_by_source"]
    assert {c.split(":")[1]: _amount(r[2]) for c, r in by_code.items() if c.startswith("disbursed:")} == \
        m["disbursed_by_program"]
    # The totals row: the movements' effect on each component = closing − opening.
    total = balance(by_code["total"])
    for key in BALANCE:
        assert fen(total[key]) == fen(report["closing"][key]) - fen(report["opening"][key]), key
    assert total["reserved"] == m["reserved_change"]
    # Each movement row's effects add up to the totals row.
    for i, key in enumerate(BALANCE):
        movement_rows = [r for c, r in by_code.items() if c not in ("opening", "closing", "total")]
        assert sum(fen(_amount(r[3 + i])) for r in movement_rows) == fen(total[key])


def test_csv_and_xlsx_read_back_equal_the_json(staff, ledger):
    a = staff.auditor
    report = ok(usage(a, fund_id=CITY_ES, **JULY)).json()

    r = ok(usage(a, fund_id=CITY_ES, headers=CSV, **JULY))
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in r.headers["content-disposition"] and ".csv" in r.headers["content-disposition"]
    rows = _csv_rows(r.content)
    assert rows[0] == ["资金使用情况表 Fund-usage report"]
    block = _header_block(rows)
    assert block["基金 Fund"].startswith(CITY_ES)
    _check_header(block, report)
    _check_fund_table(rows, report)

    r = ok(usage(a, fund_id=CITY_ES, headers=XLSX, **JULY))
    assert r.headers["content-type"] == XLSX_TYPE
    values, cells = _xlsx_rows(r.content)
    _check_header(_header_block(values), report)
    _check_fund_table(values, report)
    money_cells = [c for row in cells for c in row if c.number_format == "0.00"]
    assert len(money_cells) >= 11 * 5  # every balance and movement figure
    assert all(isinstance(c.value, (int, float)) and not isinstance(c.value, bool) for c in money_cells)
    header_row = next(i for i, row in enumerate(values) if row[0] == "项目 Item")
    for row in cells[header_row + 1:]:
        for cell in row[2:]:
            assert cell.value is None or cell.number_format == "0.00", cell.coordinate  # money is never text
    properties = openpyxl.load_workbook(io.BytesIO(r.content)).properties
    generated = dt.datetime.fromisoformat(report["position_recorded_at"].replace("Z", "+00:00"))
    assert properties.created == properties.modified == generated.replace(tzinfo=None, microsecond=0)

    # The roll-up: one row per fund and a totals row, in both formats.
    rollup = ok(usage(a, fund_type="employment_subsidy", region="210000", **JULY)).json()
    for content, reader in ((ok(usage(a, fund_type="employment_subsidy", region="210000", headers=CSV, **JULY))
                             .content, _csv_rows),
                            (ok(usage(a, fund_type="employment_subsidy", region="210000", headers=XLSX, **JULY))
                             .content, lambda c: _xlsx_rows(c)[0])):
        rows = reader(content)
        _check_header(_header_block(rows), rollup)
        header, body = _table(rows, "基金 Fund")
        column = {name: i for i, name in enumerate(header)}
        parts = [*rollup["lines"], rollup["total"]]
        assert [row[0] for row in body] == [*(line["fund_id"] for line in rollup["lines"]), "合计 Total"]
        for row, part in zip(body, parts):
            assert _amount(row[column["期初可用 Opening available"]]) == part["opening"]["available"]
            assert _amount(row[column["期末已下达 Closing allocated"]]) == part["closing"]["allocated"]
            assert _amount(row[column["期末可用 Closing available"]]) == part["closing"]["available"]
            assert _amount(row[column["支付 Payments"]]) == part["movements"]["disbursed"]
            assert _amount(row[column["预留变动 Change in reserved"]]) == part["movements"]["reserved_change"]
            assert row[column["是否平衡 Ties out"]] == "是 Yes"
        for name, i in column.items():
            if name.split(" ")[0] in ("基金", "名称", "地区", "是否平衡"):
                continue
            assert sum(fen(_amount(row[i])) for row in body[:-1]) == fen(_amount(body[-1][i])), name


def test_the_same_request_gives_the_same_bytes_until_something_is_recorded_for_the_period(staff, ledger):
    a, t = staff.auditor, staff.treasurer
    first = {fmt: ok(usage(a, fund_id=CITY_ES, headers=h, **JULY)).content
             for fmt, h in (("json", None), ("csv", CSV), ("xlsx", XLSX))}
    rollup = ok(usage(a, fund_type="employment_subsidy", region="210100", headers=XLSX, **JULY)).content
    position = ok(usage(a, fund_id=CITY_ES, **JULY)).json()["position"]
    # Recorded since, but not for this fund's July: another fund, a later date, a claim elsewhere.
    post(t, "/v1/funds/unemployment_insurance:210100/allocations", {"amount": "5.00", "source": "county",
                                                                     "document_no": "X1",
                                                                     "effective_date": "2022-07-10"})
    post(t, f"/v1/funds/{CITY_ES}/allocations", {"amount": "5.00", "source": "county", "document_no": "X2",
                                                  "effective_date": "2022-08-10"})
    submit(staff.clerk, job_expansion_claim())
    for fmt, h in (("json", None), ("csv", CSV), ("xlsx", XLSX)):
        assert ok(usage(a, fund_id=CITY_ES, headers=h, **JULY)).content == first[fmt], fmt
    assert ok(usage(a, fund_type="employment_subsidy", region="210100", headers=XLSX, **JULY)).content == rollup
    # A new entry dated in the period changes them; as of the old position they stay.
    post(t, f"/v1/funds/{CITY_ES}/allocations", {"amount": "5.00", "source": "county", "document_no": "X3",
                                                  "effective_date": "2022-07-31"})
    for fmt, h in (("json", None), ("csv", CSV), ("xlsx", XLSX)):
        assert ok(usage(a, fund_id=CITY_ES, headers=h, **JULY)).content != first[fmt], fmt
        assert ok(usage(a, fund_id=CITY_ES, headers=h, as_of_position=position, **JULY)).content == first[fmt], fmt
    changed = ok(usage(a, fund_id=CITY_ES, **JULY)).json()
    assert changed["movements"]["allocations_by_source"] == {"municipal": "10000.00", "county": "5.00"}
    assert changed["position"] > position and changed["ties_out"]


def test_program_usage_across_funds(staff, ledger):
    a = staff.auditor
    # A job-expansion claim paid from Shenyang's unemployment-insurance fund; an internship
    # approved from the province's fund.
    paid = submit(staff.clerk, job_expansion_claim())
    approve(staff.reviewer, paid["claim_id"])
    pay(staff.treasurer, paid["claim_id"], "1500.00", "ZF-UI-1")
    report = ok(a.get("/v1/reports/program-usage", program="job_search", **EVERYTHING)).json()
    assert report["lines"] == [{"fund_id": CITY_ES, "disbursed": "2000.00", "returned": "1000.00",
                                "recovered": "300.00", "net": "700.00"}]
    assert report["total"] == {"disbursed": "2000.00", "returned": "1000.00", "recovered": "300.00", "net": "700.00"}
    assert report["program"] == "job_search" and report["position"] > 0
    july = ok(a.get("/v1/reports/program-usage", program="job_search", **JULY)).json()
    assert july["total"]["recovered"] == "0.00" and july["total"]["net"] == "1000.00"
    je = ok(a.get("/v1/reports/program-usage", program="job_expansion", region="210000", **EVERYTHING)).json()
    assert je["lines"] == [{"fund_id": "unemployment_insurance:210100", "disbursed": "1500.00", "returned": "0.00",
                            "recovered": "0.00", "net": "1500.00"}]
    assert_problem(a.get("/v1/reports/program-usage", program="astrology", **JULY), 422, "validation_error",
                   field="program")
    assert_problem(a.get("/v1/reports/program-usage", program="job_search", **{"from": "2022-07-02",
                                                                               "to": "2022-07-01"}),
                   422, "validation_error", field="to")


def test_payees_list_masks_person_ids_and_pages(staff, ledger):
    a = staff.auditor
    r = ok(a.get("/v1/reports/payees", fund_id=CITY_ES, **JULY)).json()
    assert r["next_cursor"] is None
    items = r["items"]
    assert [(i["payment_ref"], i["paid_on"], i["amount"], i["program"], i["returned"]) for i in items] == [
        ("YF-1", "2022-07-20", "1725.00", "internship", False),
        ("JS-1", "2022-07-20", "1000.00", "job_search", True),
        ("JS-2", "2022-07-28", "1000.00", "job_search", False)]
    applicant = ledger["applicant"]
    job_search = items[1]
    assert job_search["payee"] == {"kind": "person", "id": masked(applicant), "name": "王五"}
    assert job_search["beneficiary"] is None
    intern = items[0]
    assert intern["payee"]["kind"] == "enterprise" and len(intern["payee"]["id"]) == 18
    assert intern["beneficiary"]["id"] == ledger["intern"]["beneficiary"]["id"]
    assert "*" * 10 in intern["beneficiary"]["id"]
    assert applicant not in str(items)
    # Pages of one, walked with the cursor, give the same list.
    walked, cursor = [], None
    while True:
        page = ok(a.get("/v1/reports/payees", fund_id=CITY_ES, limit=1, **JULY,
                        **({"cursor": cursor} if cursor else {}))).json()
        walked += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert walked == items
    # The period is by paid_on; August has none; refusals.
    assert ok(a.get("/v1/reports/payees", fund_id=CITY_ES, **{"from": "2022-08-01", "to": "2022-08-31"}))\
        .json() == {"items": [], "next_cursor": None}
    assert_problem(a.get("/v1/reports/payees", fund_id=CITY_ES, cursor="nonsense", **JULY), 404,
                   "not_found", field="cursor")  # shaped as a cursor, issued for no page (api/deps.py)
    assert_problem(a.get("/v1/reports/payees", fund_id=CITY_ES, limit=0, **JULY), 422, "validation_error",
                   field="limit")
    assert_problem(a.get("/v1/reports/payees", **JULY), 422, "validation_error", field="fund_id")
    assert_problem(a.get("/v1/reports/payees", fund_id="inclusive_finance:210100", **JULY), 404, "not_found")


@pytest.mark.parametrize("name", ['=HYPERLINK("http://evil.example","点击")', "+1+2", "-1+2", "@SUM(A1)"])
def test_text_cells_that_look_like_formulas_are_written_as_text(staff, name):
    """Formula injection: a fund named "=..." must reach CSV and XLSX readers as text, with
    the apostrophe spreadsheet programs take for "this is text"; amounts stay numbers."""
    r = staff.treasurer.post("/v1/funds", {"fund_type": "employment_subsidy", "region": "210300", "name": name})
    assert r.status_code == 201, r.text
    fund_id = r.json()["fund_id"]
    post(staff.treasurer, f"/v1/funds/{fund_id}/allocations", {"amount": "1500.00", "source": "provincial",
                                                               "document_no": "-5 号", "effective_date": "2022-07-02"})
    for query in ({"fund_id": fund_id}, {"fund_type": "employment_subsidy", "region": "210300"}):
        csv_rows = _csv_rows(ok(usage(staff.auditor, headers=CSV, **query, **JULY)).content)
        xlsx_rows = _xlsx_rows(ok(usage(staff.auditor, headers=XLSX, **query, **JULY)).content)[0]
        for rows in (csv_rows, xlsx_rows):
            texts = [str(cell) for row in rows for cell in row if isinstance(cell, str)]
            named = [t for t in texts if name.strip() in t]
            assert named, rows
            assert all(not t.startswith(("=", "+", "-", "@", "\t", "\r")) for t in texts), named
            assert all(t.startswith("'") or not t.lstrip("'").startswith(name[:1]) for t in named)
