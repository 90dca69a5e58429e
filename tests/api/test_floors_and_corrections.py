"""Issue 19, "Numbers the notice fixes, still open" (DOMAIN.md, "Floors, corrections,
objections, texts"): a city set at the province's floor (不低于) follows the province when it
raises it (F10); a retroactive correction confirmed after a claim was submitted reaches it
at approval (F11). The bounds themselves are in test_parameters.py."""
from __future__ import annotations

import pytest

from ..conftest import open_fund
from ..support import job_expansion_claim, parameters_in_force, person_id
from .helpers import SHENYANG, assert_problem, submit


@pytest.fixture
def money(staff):
    for fund_type in ("employment_subsidy", "unemployment_insurance"):
        open_fund(staff.treasurer, fund_type, SHENYANG, "5000000.00")


def in_force(client, program: str, region: str, effective_from: str, values: dict) -> dict:
    return parameters_in_force(client.app.state.runtime.ledger, program, {
        "region": region, "effective_from": effective_from, "values": values})


def startup(day: str) -> dict:
    return {"program": "startup", "region": SHENYANG, "applicant": {"kind": "person", "id": person_id(), "name": "创业者"},
            "facts": {"first_business": True, "guaranteed_loan": True, "new_industry": False,
                      "registered_on": "2022-06-10", "business_form": "individual", "diploma_date": "2021-06-30"},
            "application_date": day}


def test_a_city_at_the_floor_follows_the_province_when_it_raises_it(client, staff):
    """The audit: a city set equal to the province's floor stayed there when the province raised it."""
    in_force(client, "startup", SHENYANG, "2022-06-04", {"amount": "5000.00"})
    in_force(client, "startup", "210000", "2022-09-01", {"amount": "6000.00"})
    assert submit(staff.clerk, startup("2022-08-31"))["amounts"]["entitled"] == "5000.00"
    raised = submit(staff.clerk, startup("2022-09-01"))
    assert raised["amounts"]["entitled"] == "6000.00"
    amount = next(s for s in raised["entitlement_explanation"] if s["rule"] == "startup.amount")
    assert amount["parameters"][0]["region"] == "210000"                   # the province's figure, cited
    rules = staff.clerk.get("/v1/programs/startup", region=SHENYANG, on="2022-09-01").json()
    assert rules["parameters"]["amount"] == "6000.00" and rules["sources"]["amount"]["region"] == "210000"


def test_a_retroactive_correction_reaches_a_claim_submitted_but_not_approved(client, staff, money):
    """The audit: a retroactive correction did not reach claims submitted but not yet approved."""
    claim = submit(staff.clerk, job_expansion_claim(application_date="2022-08-15"))
    assert claim["amounts"]["entitled"] == "1500.00"
    approved_before = submit(staff.clerk, job_expansion_claim(application_date="2022-08-15"))
    staff.reviewer.post(f"/v1/claims/{approved_before['claim_id']}/approve", {"approved_on": "2022-08-16"})
    correction = in_force(client, "job_expansion", SHENYANG, "2022-08-01", {"per_hire": "1200.00"})
    r = staff.reviewer.post(f"/v1/claims/{claim['claim_id']}/approve", {"approved_on": "2022-08-16"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["amounts"]["entitled"], body["amounts"]["approved"], body["rule_version"]) == (
        "1200.00", "1200.00", correction["rule_version"])
    redecided = [e for e in staff.auditor.get(f"/v1/claims/{claim['claim_id']}/events").json()["items"]
                 if e["type"] == "Redecided"]
    assert redecided and redecided[0]["actor"] == staff.reviewer.user_id
    assert claim["rule_version"] in redecided[0]["data"]["reason"]
    # A claim approved before the correction keeps the rules it was decided under.
    kept = staff.clerk.get(f"/v1/claims/{approved_before['claim_id']}").json()
    assert (kept["amounts"]["approved"], kept["rule_version"]) == ("1500.00", claim["rule_version"])


def test_an_approval_above_the_corrected_entitlement_is_refused_and_records_nothing(client, staff, money):
    claim = submit(staff.clerk, job_expansion_claim(application_date="2022-08-15"))
    in_force(client, "job_expansion", SHENYANG, "2022-08-01", {"per_hire": "1400.00"})
    r = staff.reviewer.post(f"/v1/claims/{claim['claim_id']}/approve", {"approved_on": "2022-08-16", "amount": "1500.00"})
    assert_problem(r, 409, "limit_exceeded")                              # above the corrected 1,400.00
    after = staff.clerk.get(f"/v1/claims/{claim['claim_id']}").json()
    assert (after["status"], after["rule_version"], after["amounts"]["entitled"]) == (
        "submitted", claim["rule_version"], "1500.00")                   # a refusal changes nothing
    r = staff.reviewer.post(f"/v1/claims/{claim['claim_id']}/approve", {"approved_on": "2022-08-16"})
    assert r.json()["amounts"]["approved"] == "1400.00"


def test_a_correction_reaches_the_second_claim_of_a_loan_counted_once(client, staff):
    """Decided again at approval under a corrected rate, the second claim on a loan keeps the
    loan's principal counted once against the borrower's 200,000.00 (150,000.00 twice would be
    over it and refuse the approval)."""
    open_fund(staff.treasurer, "inclusive_finance", SHENYANG, "5000000.00")
    borrower = person_id()
    body = {"program": "loan_interest", "region": SHENYANG, "applicant": {"kind": "person", "id": borrower, "name": "创业者"},
            "facts": {"loan_principal": "150000.00", "loan_term_months": 24, "interest_due": "1000.00",
                      "loan_contract_no": "JK-2022-7", "diploma_date": "2021-06-30"},
            "application_date": "2022-08-15"}
    submit(staff.clerk, body)
    second = submit(staff.clerk, body)
    in_force(client, "loan_interest", SHENYANG, "2022-06-04", {"max_annual_rate": "0.05"})
    r = staff.reviewer.post(f"/v1/claims/{second['claim_id']}/approve", {"approved_on": "2022-08-16"})
    assert r.status_code == 200, r.text
    assert r.json()["amounts"]["approved"] == "1000.00" and r.json()["rule_version"] != second["rule_version"]
