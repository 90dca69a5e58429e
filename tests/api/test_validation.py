"""422 validation_error: money, identifiers, facts, dates and text, each naming the field,
and nothing recorded."""
from __future__ import annotations

import copy

import pytest

from ..conftest import open_fund
from ..support import credit_code, internship_claim, job_expansion_claim, person_id
from .helpers import (APPROVED_ON, approved_job_expansion, assert_problem, claim_ids, fund_balance,
                      identity_with_birth, masked, person_id_ending_in_x, skill_certificate_claim, submit)

BAD_MONEY = [
    pytest.param(1500, id="json-integer"),
    pytest.param(1500.0, id="json-float"),
    pytest.param("1.5", id="one-decimal"),
    pytest.param("1500", id="no-decimals"),
    pytest.param("1500.000", id="three-decimals"),
    pytest.param("0.00", id="zero"),
    pytest.param("-1.00", id="negative"),
    pytest.param("+1.00", id="plus-sign"),
    pytest.param("12345678901234.00", id="14-integer-digits"),
    pytest.param("01500.00", id="leading-zero"),
    pytest.param("1,500.00", id="thousands-separator"),
    pytest.param(" 1500.00", id="leading-space"),
    pytest.param("1500.00\n", id="trailing-newline"),
    pytest.param("１５００.００", id="full-width-digits"),
    pytest.param(None, id="null"),
]


@pytest.mark.parametrize("amount", BAD_MONEY)
def test_bad_money_in_an_allocation(staff, funds, amount):
    r = staff.treasurer.post(f"/v1/funds/{funds['ui']}/allocations",
                             {"amount": amount, "source": "central", "document_no": "财社〔2022〕1号",
                              "effective_date": "2022-06-20"})
    assert_problem(r, 422, "validation_error", field="amount")
    assert fund_balance(staff.treasurer, funds["ui"])["allocated"] == "200000.00"


@pytest.mark.parametrize("amount", ["0.01", "1500.00", "9999999999999.99"])
def test_good_money_in_an_allocation(staff, amount):
    fund_id = open_fund(staff.treasurer, "employment_subsidy", "210100")   # empty: the largest amount fits
    r = staff.treasurer.post(f"/v1/funds/{fund_id}/allocations",
                             {"amount": amount, "source": "central", "document_no": "财社〔2022〕1号",
                              "effective_date": "2022-06-20"})
    assert r.status_code == 201, r.text


@pytest.mark.parametrize("amount", [1500, "1.5", "0.00", "-1.00", "12345678901234.00"])
def test_bad_money_in_claim_commands(staff, funds, amount):
    claim = approved_job_expansion(staff)
    cid = claim["claim_id"]
    assert_problem(staff.reviewer.post(f"/v1/claims/{submit(staff.clerk)['claim_id']}/approve",
                                       {"amount": amount, "approved_on": APPROVED_ON}), 422, "validation_error",
                   field="amount")
    assert_problem(staff.treasurer.post(f"/v1/claims/{cid}/payments",
                                        {"amount": amount, "kind": "settlement", "payment_ref": "P-1"}),
                   422, "validation_error", field="amount")
    assert_problem(staff.reviewer.post(f"/v1/claims/{cid}/clawbacks", {"amount": amount, "reason": "r"}),
                   422, "validation_error", field="amount")
    assert_problem(staff.treasurer.post(f"/v1/claims/{cid}/recoveries", {"amount": amount, "reference": "r"}),
                   422, "validation_error", field="amount")
    assert staff.auditor.get(f"/v1/claims/{cid}").json() == claim


def test_bad_money_in_a_transfer(staff, funds):
    province = open_fund(staff.treasurer, "unemployment_insurance", "210000", "1000.00")
    r = staff.treasurer.post("/v1/fund-transfers", {"from_fund": province, "to_fund": funds["ui"], "amount": 100,
                                                    "document_no": "d", "effective_date": "2022-07-01"})
    assert_problem(r, 422, "validation_error", field="amount")


def test_money_facts_are_strings_too(staff):
    # skill_certificate has no money fact; the fact checks are the same for every program.
    body = job_expansion_claim()
    body["facts"]["graduation_year"] = "2022"
    assert_problem(staff.clerk.post("/v1/claims", body), 422, "validation_error", field="facts.graduation_year")
    body["facts"]["graduation_year"] = 2022.5  # 2022.0 is the integer 2022 (JSON has one number type)
    assert_problem(staff.clerk.post("/v1/claims", body), 422, "validation_error", field="facts.graduation_year")
    body["facts"]["graduation_year"] = 2022
    body["facts"]["unemployment_insured"] = "true"
    assert_problem(staff.clerk.post("/v1/claims", body), 422, "validation_error", field="facts.unemployment_insured")


# ---- identifiers ----------------------------------------------------------------------


def _with(body: dict, path: str, value) -> dict:
    body = copy.deepcopy(body)
    *parents, last = path.split(".")
    target = body
    for part in parents:
        target = target[part]
    target[last] = value
    return body


@pytest.mark.parametrize("path, value", [
    ("beneficiary.id", lambda: (lambda p: p[:-1] + ("0" if p[-1] != "0" else "1"))(person_id())),  # check char
    ("beneficiary.id", lambda: identity_with_birth("20220230")),  # 30 February
    ("beneficiary.id", lambda: identity_with_birth("20001301")),  # month 13
    ("beneficiary.id", lambda: person_id()[:17]),  # 17 characters
    ("beneficiary.id", lambda: person_id() + "1"),  # 19 characters
    ("beneficiary.id", lambda: person_id()[:16] + "Y" + "1"),  # a letter in the digits
    ("beneficiary.id", lambda: 210103200001010011),  # a JSON number
    ("applicant.id", lambda: (lambda c: c[:-1] + ("A" if c[-1] != "A" else "B"))(credit_code())),  # check char
    ("applicant.id", lambda: "91210100MA0QI0O0V1"),  # I and O are outside the alphabet
    ("applicant.id", lambda: credit_code()[:17]),
])
def test_invalid_identifiers_name_the_field(staff, path, value):
    r = staff.clerk.post("/v1/claims", _with(job_expansion_claim(), path, value()))
    assert_problem(r, 422, "validation_error", field=path)
    assert claim_ids(staff.clerk) == []


def test_a_person_applicant_with_a_bad_identity_number(staff):
    body = skill_certificate_claim(applicant=identity_with_birth("19990229"))
    assert_problem(staff.clerk.post("/v1/claims", body), 422, "validation_error", field="applicant.id")


def test_lower_case_x_is_accepted_and_upper_cased(staff):
    hire = person_id_ending_in_x()
    r = staff.clerk.post("/v1/claims", job_expansion_claim(beneficiary=hire.lower()))
    assert r.status_code == 201, r.text
    assert r.json()["beneficiary"]["id"] == masked(hire) and r.json()["beneficiary"]["id"].endswith("X")
    # Upper and lower case are the same person: the hire is already claimed.
    assert_problem(staff.clerk.post("/v1/claims", job_expansion_claim(beneficiary=hire)), 409, "duplicate")


def test_the_documented_valid_identifiers_pass(staff):
    body = job_expansion_claim(beneficiary="11010519491231002X", applicant="91350100M000100Y43")
    r = staff.clerk.post("/v1/claims", body)
    assert r.status_code == 201, r.text
    assert r.json()["beneficiary"]["id"] == "1101**********002X"
    for code in ("91110000101623741K", "9144030071526726XG"):
        r = staff.clerk.post("/v1/claims", job_expansion_claim(applicant=code))
        assert r.status_code == 201, r.text


# ---- facts and the rest of a claim ----------------------------------------------------


@pytest.mark.parametrize("facts, field", [
    ({"graduation_year": 2022, "contract_start": "2022-07-01", "unemployment_insured": True, "salary": "5000.00"},
     "facts.salary"),
    ({"graduation_year": 2022, "contract_start": "2022-07-01"}, "facts.unemployment_insured"),
    ({"contract_start": "2022-07-01", "unemployment_insured": True}, "facts.graduation_year"),
    ({"graduation_year": 2022, "contract_start": "2022-02-30", "unemployment_insured": True}, "facts.contract_start"),
    ({"graduation_year": 2022, "contract_start": "20220701", "unemployment_insured": True}, "facts.contract_start"),
    ({"graduation_year": 2022, "contract_start": "2022-7-1", "unemployment_insured": True}, "facts.contract_start"),
    ({"graduation_year": 1800, "contract_start": "2022-07-01", "unemployment_insured": True},
     "facts.graduation_year"),
])
def test_bad_facts_name_the_fact(staff, facts, field):
    r = staff.clerk.post("/v1/claims", {**job_expansion_claim(), "facts": facts})
    assert_problem(r, 422, "validation_error", field=field)


def test_facts_after_submission_must_be_later_facts(staff):
    cid = submit(staff.clerk, internship_claim(term_months=3))["claim_id"]
    assert_problem(staff.clerk.post(f"/v1/claims/{cid}/facts", {"facts": {"term_months": 6}}),
                   422, "validation_error", field="facts.term_months")
    assert_problem(staff.clerk.post(f"/v1/claims/{cid}/facts", {"facts": {"bonus": 1}}),
                   422, "validation_error", field="facts.bonus")
    assert_problem(staff.clerk.post(f"/v1/claims/{cid}/facts", {"facts": {"months_served": "3"}}),
                   422, "validation_error", field="facts.months_served")
    assert staff.clerk.get(f"/v1/claims/{cid}").json()["version"] == 1


@pytest.mark.parametrize("change, field", [
    ({"application_date": "2022-02-30"}, "application_date"),
    ({"application_date": "2022-7-15"}, "application_date"),
    ({"application_date": "15/07/2022"}, "application_date"),
    ({"region": "21010"}, "region"),
    ({"region": 210100}, "region"),
    ({"applicant": {"kind": "company", "id": "91350100M000100Y43", "name": "x"}}, "applicant.kind"),
    ({"applicant": {"kind": "enterprise", "id": "91350100M000100Y43", "name": "企" * 201}}, "applicant.name"),
    ({"applicant": {"kind": "enterprise", "id": "91350100M000100Y43", "name": ""}}, "applicant.name"),
    ({"beneficiary": {"id": "11010519491231002X", "name": "名" * 201}}, "beneficiary.name"),
    ({"facts": "none"}, "facts"),
    ({"colour": "red"}, "colour"),
])
def test_bad_claim_fields_are_named(staff, change, field):
    r = staff.clerk.post("/v1/claims", {**job_expansion_claim(), **change})
    assert_problem(r, 422, "validation_error", field=field)


def test_a_person_program_takes_no_beneficiary_and_an_enterprise_program_needs_one(staff):
    body = {**skill_certificate_claim(), "beneficiary": {"id": person_id(), "name": "x"}}
    assert_problem(staff.clerk.post("/v1/claims", body), 422, "validation_error", field="beneficiary")
    body = job_expansion_claim()
    del body["beneficiary"]
    assert_problem(staff.clerk.post("/v1/claims", body), 422, "validation_error", field="beneficiary")
    body = _with(job_expansion_claim(), "applicant.kind", "person")
    assert_problem(staff.clerk.post("/v1/claims", body), 422, "validation_error", field="applicant.kind")


@pytest.mark.parametrize("command, body, field", [
    ("reject", {"reason": "理" * 201}, "reason"),
    ("reject", {"reason": ""}, "reason"),
    ("reject", {}, "reason"),
    ("withdraw", {"reason": "理" * 201}, "reason"),
    ("approve", {"approved_on": "2022-06-31"}, "approved_on"),
    ("approve", {"approved_on": "2022-07-01"}, "approved_on"),  # before the application date
    ("approve", {"fund_id": "employment-subsidy"}, "fund_id"),
])
def test_bad_command_inputs_are_named(staff, funds, command, body, field):
    cid = submit(staff.clerk)["claim_id"]
    api = staff.clerk if command == "withdraw" else staff.reviewer
    assert_problem(api.post(f"/v1/claims/{cid}/{command}", body), 422, "validation_error", field=field)
    assert staff.clerk.get(f"/v1/claims/{cid}").json()["status"] == "submitted"


@pytest.mark.parametrize("body, field", [
    ({"amount": "1500.00", "kind": "advance", "payment_ref": "P-1", "paid_on": "2022-07-20"}, "kind"),
    ({"amount": "1500.00", "kind": "settlement", "payment_ref": "P" * 201, "paid_on": "2022-07-20"}, "payment_ref"),
    ({"amount": "1500.00", "kind": "settlement", "payment_ref": "", "paid_on": "2022-07-20"}, "payment_ref"),
    ({"amount": "1500.00", "kind": "settlement", "payment_ref": "P-1", "paid_on": "2022-07-32"}, "paid_on"),
    ({"amount": "1500.00", "kind": "settlement", "payment_ref": "P-1", "paid_on": "2022-07-15"}, "paid_on"),
])
def test_bad_payments_are_named(staff, funds, body, field):
    cid = approved_job_expansion(staff)["claim_id"]
    assert_problem(staff.treasurer.post(f"/v1/claims/{cid}/payments", body), 422, "validation_error", field=field)
    assert staff.clerk.get(f"/v1/claims/{cid}").json()["amounts"]["paid"] == "0.00"


def test_a_body_that_is_not_json_is_invalid(staff):
    r = staff.clerk.client.post("/v1/claims", content=b"{not json", headers={
        "Authorization": f"Bearer {staff.clerk.token}", "Content-Type": "application/json"})
    assert_problem(r, 422, "validation_error")


def test_chinese_text_round_trips_unchanged(staff):
    body = job_expansion_claim()
    body["applicant"]["name"] = "沈阳市铁西区·智造（辽宁）有限公司"
    body["beneficiary"]["name"] = "欧阳 娜娜"
    r = staff.clerk.post("/v1/claims", body)
    assert r.status_code == 201, r.text
    assert r.json()["applicant"]["name"] == "沈阳市铁西区·智造（辽宁）有限公司"
    assert r.json()["beneficiary"]["name"] == "欧阳 娜娜"
    assert r.headers["content-type"].startswith("application/json")
