"""Funds over HTTP: opening, allocations, transfers, balances, lists and reads."""
from __future__ import annotations

import pytest

from ..conftest import open_fund
from ..support import job_expansion_claim, make_user
from .helpers import APPROVED_ON, assert_problem, fund_balance, pay, submit

ZERO = {"allocated": "0.00", "reserved": "0.00", "disbursed": "0.00", "recovered": "0.00", "available": "0.00"}
FUND_KEYS = {"fund_id", "fund_type", "region", "name", "balance", "position", "version"}


def allocation(amount: str = "500000.00", **extra) -> dict:
    return {"amount": amount, "source": "central", "document_no": "财社〔2022〕51号", "effective_date": "2022-06-20",
            **extra}


def test_open_fund_answers_201_with_an_empty_balance(staff):
    r = staff.treasurer.post("/v1/funds", {"fund_type": "employment_subsidy", "region": "210100",
                                           "name": "沈阳市就业补助资金"})
    assert r.status_code == 201, r.text
    fund = r.json()
    assert FUND_KEYS <= fund.keys()
    assert fund["fund_id"] == "employment_subsidy:210100"
    assert (fund["fund_type"], fund["region"], fund["name"]) == ("employment_subsidy", "210100", "沈阳市就业补助资金")
    assert fund["balance"] == ZERO
    assert isinstance(fund["version"], int) and r.headers["etag"] == f'"{fund["version"]}"'
    # Without a name the fund still has one.
    r = staff.treasurer.post("/v1/funds", {"fund_type": "skill_upgrade_account", "region": "210000"})
    assert r.status_code == 201 and r.json()["name"]


@pytest.mark.parametrize("fund_type", ["unemployment_insurance", "employment_subsidy", "skill_upgrade_account",
                                       "inclusive_finance"])
def test_every_fund_type_opens(staff, fund_type):
    r = staff.treasurer.post("/v1/funds", {"fund_type": fund_type, "region": "210200"})
    assert r.status_code == 201, r.text
    assert r.json()["fund_id"] == f"{fund_type}:210200"


def test_an_existing_fund_id_is_a_duplicate(staff):
    open_fund(staff.treasurer, "unemployment_insurance", "210100", "1000.00")
    r = staff.treasurer.post("/v1/funds", {"fund_type": "unemployment_insurance", "region": "210100", "name": "重复"})
    assert_problem(r, 409, "duplicate")
    fund = staff.treasurer.get("/v1/funds/unemployment_insurance:210100").json()
    assert fund["balance"]["allocated"] == "1000.00" and fund["name"] != "重复"


@pytest.mark.parametrize("body, field", [
    ({"fund_type": "pension", "region": "210100"}, "fund_type"),
    ({"fund_type": "employment_subsidy", "region": "21010"}, "region"),
    ({"fund_type": "employment_subsidy", "region": "2101OO"}, "region"),
    ({"fund_type": "employment_subsidy"}, "region"),
    ({"fund_type": "employment_subsidy", "region": "210100", "name": "名" * 201}, "name"),
    ({"fund_type": "employment_subsidy", "region": "210100", "colour": "red"}, "colour"),
])
def test_invalid_funds_are_refused(staff, body, field):
    assert_problem(staff.treasurer.post("/v1/funds", body), 422, "validation_error", field=field)


def test_allocation_answers_201_with_the_fund_after_it(staff):
    fund_id = open_fund(staff.treasurer, "employment_subsidy", "210100")
    r = staff.treasurer.post(f"/v1/funds/{fund_id}/allocations",
                             allocation("1234567.89", source="provincial", document_no="辽财社〔2022〕123号",
                                        memo="省级就业补助资金第一批"))
    assert r.status_code == 201, r.text
    body = r.json()
    assert set(body) >= {"allocation_id", "fund"}
    assert body["fund"]["fund_id"] == fund_id
    assert body["fund"]["balance"] == {**ZERO, "allocated": "1234567.89", "available": "1234567.89"}
    r = staff.treasurer.post(f"/v1/funds/{fund_id}/allocations", allocation("0.11", source="municipal"))
    assert r.status_code == 201
    assert r.json()["allocation_id"] != body["allocation_id"]
    assert fund_balance(staff.auditor, fund_id)["allocated"] == "1234568.00"


@pytest.mark.parametrize("source", ["central", "provincial", "municipal", "county", "other"])
def test_every_allocation_source_is_accepted(staff, source):
    fund_id = open_fund(staff.treasurer, "employment_subsidy", "210100")
    r = staff.treasurer.post(f"/v1/funds/{fund_id}/allocations", allocation("100.00", source=source))
    assert r.status_code == 201, r.text


def test_allocation_to_an_unknown_fund_is_not_found(staff):
    r = staff.treasurer.post("/v1/funds/employment_subsidy:210100/allocations", allocation())
    assert_problem(r, 404, "not_found")


@pytest.mark.parametrize("change, field", [
    ({"source": "lottery"}, "source"),
    ({"document_no": ""}, "document_no"),
    ({"document_no": "号" * 201}, "document_no"),
    ({"memo": "m" * 201}, "memo"),
    ({"effective_date": "2022-02-29"}, "effective_date"),
    ({"effective_date": "2022/06/20"}, "effective_date"),
    ({"effective_date": None}, "effective_date"),
])
def test_invalid_allocations_are_refused(staff, change, field):
    fund_id = open_fund(staff.treasurer, "employment_subsidy", "210100")
    r = staff.treasurer.post(f"/v1/funds/{fund_id}/allocations", allocation(**change))
    assert_problem(r, 422, "validation_error", field=field)
    assert fund_balance(staff.treasurer, fund_id) == ZERO


def test_text_of_exactly_200_characters_is_accepted(staff):
    fund_id = open_fund(staff.treasurer, "employment_subsidy", "210100")
    r = staff.treasurer.post(f"/v1/funds/{fund_id}/allocations", allocation(document_no="号" * 200, memo="备" * 200))
    assert r.status_code == 201, r.text


# ---- transfers ------------------------------------------------------------------------


def transfer(from_fund: str, to_fund: str, amount: str) -> dict:
    return {"from_fund": from_fund, "to_fund": to_fund, "amount": amount, "document_no": "辽人社〔2022〕88号",
            "effective_date": "2022-07-01"}


def test_the_province_passes_money_down_and_a_city_remits_up(staff):
    province = open_fund(staff.treasurer, "unemployment_insurance", "210000", "1000000.00")
    city = open_fund(staff.treasurer, "unemployment_insurance", "210100")
    r = staff.treasurer.post("/v1/fund-transfers", transfer(province, city, "300000.00"))
    assert r.status_code == 201, r.text
    body = r.json()
    assert set(body) >= {"transfer_id", "from_fund", "to_fund"}
    assert body["from_fund"]["fund_id"] == province and body["to_fund"]["fund_id"] == city
    assert body["from_fund"]["balance"] == {**ZERO, "allocated": "700000.00", "available": "700000.00"}
    assert body["to_fund"]["balance"] == {**ZERO, "allocated": "300000.00", "available": "300000.00"}

    r = staff.treasurer.post("/v1/fund-transfers", transfer(city, province, "50000.00"))
    assert r.status_code == 201, r.text
    assert fund_balance(staff.auditor, city)["allocated"] == "250000.00"
    assert fund_balance(staff.auditor, province)["allocated"] == "750000.00"

    district = open_fund(staff.treasurer, "unemployment_insurance", "210102")
    r = staff.treasurer.post("/v1/fund-transfers", transfer(province, district, "0.01"))
    assert r.status_code == 201, r.text


@pytest.mark.parametrize("source, target", [
    ("unemployment_insurance:210000", "employment_subsidy:210100"),  # another fund type
    ("unemployment_insurance:210100", "unemployment_insurance:210200"),  # two cities
    ("unemployment_insurance:210100", "unemployment_insurance:210100"),  # itself
    ("unemployment_insurance:210102", "unemployment_insurance:210200"),  # a district to another city
])
def test_transfers_stay_in_one_fund_type_along_one_line_of_regions(staff, source, target):
    for fund in {source, target}:
        fund_type, region = fund.split(":")
        open_fund(staff.treasurer, fund_type, region, "10000.00")
    r = staff.treasurer.post("/v1/fund-transfers", transfer(source, target, "100.00"))
    assert_problem(r, 422, "validation_error")
    assert fund_balance(staff.treasurer, source)["allocated"] == "10000.00"
    assert fund_balance(staff.treasurer, target)["allocated"] == "10000.00"


def test_a_transfer_beyond_what_is_available_is_refused_and_records_nothing(staff, funds):
    province = open_fund(staff.treasurer, "unemployment_insurance", "210000", "2000.00")
    cid = submit(staff.clerk, job_expansion_claim())["claim_id"]
    r = staff.reviewer2.post(f"/v1/claims/{cid}/approve", {"approved_on": APPROVED_ON, "fund_id": province})
    assert r.status_code == 200, r.text  # 1500.00 of the 2000.00 now reserved
    before = staff.treasurer.get(f"/v1/funds/{province}").json()
    r = staff.treasurer.post("/v1/fund-transfers", transfer(province, funds["ui"], "500.01"))
    assert_problem(r, 409, "insufficient_funds")
    assert staff.treasurer.get(f"/v1/funds/{province}").json() == before
    assert fund_balance(staff.treasurer, funds["ui"])["allocated"] == "200000.00"
    r = staff.treasurer.post("/v1/fund-transfers", transfer(province, funds["ui"], "500.00"))
    assert r.status_code == 201, r.text
    assert r.json()["from_fund"]["balance"]["available"] == "0.00"


def test_transfer_to_or_from_an_unknown_fund_is_not_found(staff):
    province = open_fund(staff.treasurer, "unemployment_insurance", "210000", "2000.00")
    r = staff.treasurer.post("/v1/fund-transfers", transfer(province, "unemployment_insurance:210100", "1.00"))
    assert_problem(r, 404, "not_found")
    r = staff.treasurer.post("/v1/fund-transfers", transfer("unemployment_insurance:210200", province, "1.00"))
    assert_problem(r, 404, "not_found")
    assert fund_balance(staff.treasurer, province)["allocated"] == "2000.00"


def test_a_city_treasurer_cannot_draw_on_the_province(admin, staff):
    city_treasurer = make_user(admin, "沈阳出纳", ["treasurer"], ["210100"])
    province = open_fund(staff.treasurer, "unemployment_insurance", "210000", "2000.00")
    city = open_fund(staff.treasurer, "unemployment_insurance", "210100", "2000.00")
    assert_problem(city_treasurer.post("/v1/fund-transfers", transfer(province, city, "1.00")), 403, "forbidden")
    r = city_treasurer.post("/v1/fund-transfers", transfer(city, province, "1.00"))  # remitting up is its own act
    assert r.status_code == 201, r.text


# ---- balances through a claim's life --------------------------------------------------


def test_balance_follows_reservation_payment_return_and_recovery(staff, funds):
    ui = funds["ui"]
    cid = submit(staff.clerk)["claim_id"]
    assert fund_balance(staff.reviewer, ui)["reserved"] == "0.00"
    staff.reviewer.post(f"/v1/claims/{cid}/approve", {"approved_on": APPROVED_ON})
    assert fund_balance(staff.reviewer, ui) == {"allocated": "200000.00", "reserved": "1500.00", "disbursed": "0.00",
                                                "recovered": "0.00", "available": "198500.00"}
    pay(staff.treasurer, cid, "1500.00", "ZF-2022-0101")
    assert fund_balance(staff.reviewer, ui) == {"allocated": "200000.00", "reserved": "0.00", "disbursed": "1500.00",
                                                "recovered": "0.00", "available": "198500.00"}
    r = staff.treasurer.post(f"/v1/claims/{cid}/payments/ZF-2022-0101/return",
                             {"reason": "退票：户名不符", "returned_on": "2022-07-22"})
    assert r.status_code == 200, r.text
    assert fund_balance(staff.reviewer, ui) == {"allocated": "200000.00", "reserved": "1500.00", "disbursed": "0.00",
                                                "recovered": "0.00", "available": "198500.00"}
    pay(staff.treasurer, cid, "1500.00", "ZF-2022-0102")
    r = staff.reviewer.post(f"/v1/claims/{cid}/clawbacks", {"amount": "1500.00", "reason": "与吸纳补贴重复享受"})
    assert r.status_code == 201, r.text
    r = staff.treasurer.post(f"/v1/claims/{cid}/recoveries", {"amount": "600.00", "reference": "HK-2022-0007",
                                                              "received_on": "2022-09-01"})
    assert r.status_code == 201, r.text
    assert fund_balance(staff.reviewer, ui) == {"allocated": "200000.00", "reserved": "0.00", "disbursed": "1500.00",
                                                "recovered": "600.00", "available": "199100.00"}


def test_movements_list_each_money_event_with_its_document_and_sum_to_the_balance(staff, funds):
    """GET /v1/funds/{id}/movements: what the fund-usage report sums, one row each, with the
    allocation's document number; filtered by business date and paged in log order."""
    ui = funds["ui"]
    cid = submit(staff.clerk)["claim_id"]
    staff.reviewer.post(f"/v1/claims/{cid}/approve", {"approved_on": APPROVED_ON})
    pay(staff.treasurer, cid, "1500.00", "ZF-2022-0201")
    r = staff.treasurer.get(f"/v1/funds/{ui}/movements")
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [m["kind"] for m in items] == ["allocated", "reserved", "disbursed"]
    assert items[0]["document_no"] and items[0]["amount"] == "200000.00"
    assert (items[2]["claim_id"], items[2]["payment_ref"], items[2]["amount"]) == (cid, "ZF-2022-0201", "1500.00")
    assert [m["position"] for m in items] == sorted(m["position"] for m in items)
    first = staff.treasurer.get(f"/v1/funds/{ui}/movements", limit=2).json()
    rest = staff.treasurer.get(f"/v1/funds/{ui}/movements", cursor=first["next_cursor"]).json()
    assert first["items"] + rest["items"] == items and rest["next_cursor"] is None
    dated = staff.treasurer.get(f"/v1/funds/{ui}/movements", **{"from": APPROVED_ON, "to": APPROVED_ON}).json()
    assert all(m["business_date"] == APPROVED_ON for m in dated["items"]) and dated["items"]
    assert_problem(staff.treasurer.get(f"/v1/funds/{ui}/movements", **{"from": "2022-08-01", "to": "2022-07-01"}),
                   422, "validation_error")
    assert_problem(staff.treasurer.get("/v1/funds/employment_subsidy:210200/movements"), 404, "not_found")
    assert_problem(staff.clerk.get(f"/v1/funds/{ui}/movements"), 403, "forbidden")


# ---- reads ----------------------------------------------------------------------------


def test_get_fund_carries_version_position_and_etag(staff):
    fund_id = open_fund(staff.treasurer, "inclusive_finance", "210100", "80000.00")
    r = staff.auditor.get(f"/v1/funds/{fund_id}")
    assert r.status_code == 200, r.text
    fund = r.json()
    assert FUND_KEYS <= fund.keys()
    assert fund["version"] == 2 and r.headers["etag"] == '"2"'
    assert isinstance(fund["position"], int) and fund["position"] > 0
    assert fund["balance"]["available"] == "80000.00"


def test_unknown_fund_is_not_found(staff):
    for fund_id in ("employment_subsidy:210100", "employment_subsidy:210101", "no-such-fund", "pension:210100",
                    "employment_subsidy:21"):
        assert_problem(staff.treasurer.get(f"/v1/funds/{fund_id}"), 404, "not_found")
        assert_problem(staff.treasurer.post(f"/v1/funds/{fund_id}/allocations", allocation()), 404, "not_found")


def test_list_funds_filters_by_type_and_region_below(staff):
    for fund_type, region in [("unemployment_insurance", "210000"), ("unemployment_insurance", "210100"),
                              ("unemployment_insurance", "210102"), ("employment_subsidy", "210100"),
                              ("employment_subsidy", "210200")]:
        open_fund(staff.treasurer, fund_type, region, "100.00")
    r = staff.auditor.get("/v1/funds")
    assert r.status_code == 200, r.text
    assert set(r.json()) >= {"items", "next_cursor"} and r.json()["next_cursor"] is None
    assert len(r.json()["items"]) == 5
    assert all(FUND_KEYS <= f.keys() and f["balance"]["allocated"] == "100.00" for f in r.json()["items"])

    def ids(**params):
        return {f["fund_id"] for f in staff.auditor.get("/v1/funds", **params).json()["items"]}

    assert ids(region="210100") == {"unemployment_insurance:210100", "unemployment_insurance:210102",
                                    "employment_subsidy:210100"}
    assert ids(fund_type="employment_subsidy") == {"employment_subsidy:210100", "employment_subsidy:210200"}
    assert ids(fund_type="unemployment_insurance", region="210000") == {
        "unemployment_insurance:210000", "unemployment_insurance:210100", "unemployment_insurance:210102"}
    assert ids(region="210102") == {"unemployment_insurance:210102"}
    assert_problem(staff.auditor.get("/v1/funds", region="21"), 422, "validation_error", field="region")
    assert_problem(staff.auditor.get("/v1/funds", fund_type="pension"), 422, "validation_error", field="fund_type")
