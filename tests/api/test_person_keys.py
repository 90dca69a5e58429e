"""Issue 19, "Paid twice, or to the wrong person": the same person or thing under another
spelling, another employer or another company is still the same key (DOMAIN.md, revision
of 2026-12-07: "Keys in normal form", "One subsidy per person-month", "Graduates, hires,
interns"). Each reproduction of the audit, through the HTTP API."""
from __future__ import annotations

import pytest

from ..conftest import open_fund
from ..support import credit_code, person_id
from .helpers import SHENYANG, assert_problem, identity_with_birth, skill_certificate_claim, submit


@pytest.fixture
def money(staff):
    for fund_type in ("employment_subsidy", "unemployment_insurance", "skill_upgrade_account", "inclusive_finance"):
        open_fund(staff.treasurer, fund_type, SHENYANG, "5000000.00")


# ---- keys in normal form (F12) -------------------------------------------------------------


def test_one_certificate_typed_three_ways_is_paid_once(staff, money):
    """ZS20260001, ＺＳ２０２６０００１ and ZS-20260001 paid one certificate three times."""
    first = submit(staff.clerk, skill_certificate_claim(certificate_no="ZS20260001"))
    assert first["facts"]["certificate_no"] == "ZS20260001"
    for typed in ("ＺＳ２０２６０００１", "ZS-20260001", "zs 2026 0001"):
        r = staff.clerk.post("/v1/claims", skill_certificate_claim(certificate_no=typed))
        assert_problem(r, 409, "duplicate")
    # Facts keep the text as given: a certificate number of its own is accepted as typed.
    other = submit(staff.clerk, skill_certificate_claim(certificate_no="ＺＳ－２０２６－０００２"))
    assert other["facts"]["certificate_no"] == "ＺＳ－２０２６－０００２"


def test_one_occupation_typed_two_ways_is_one_occupation(staff, money):
    holder = person_id()
    submit(staff.clerk, skill_certificate_claim(holder, occupation="CAD制图员"))
    r = staff.clerk.post("/v1/claims", skill_certificate_claim(holder, occupation="ＣＡＤ 制图员"))
    assert_problem(r, 409, "duplicate")


# ---- the intern (F8) ------------------------------------------------------------------------


def youth(birth: str) -> dict:
    return {"program": "internship", "region": SHENYANG,
            "applicant": {"kind": "enterprise", "id": credit_code(), "name": "见习单位"},
            "beneficiary": {"id": identity_with_birth(birth), "name": "见习生"},
            "facts": {"term_months": 12, "intern_category": "unemployed_youth", "started_on": "2022-07-01"},
            "application_date": "2022-07-15"}


def test_an_intern_born_in_1970_is_refused(staff, money):
    """The audit: nothing checked the intern; one born in 1970 was paid 13,800.00."""
    refused = assert_problem(staff.clerk.post("/v1/claims", youth("19700101")), 422, "not_eligible")
    assert refused["rule"] == "internship.intern"


def test_a_youth_from_the_16th_birthday_is_an_intern_and_settles(staff, money):
    """16至24岁, read from the identity number: the 16th birthday on the first day counts; the
    settlement decides again on the number's birth date (never stored in clear)."""
    assert_problem(staff.clerk.post("/v1/claims", youth("20060702")), 422, "not_eligible")     # 15 on 2022-07-01
    claim = submit(staff.clerk, youth("20060701"))
    assert claim["amounts"]["entitled"] == "13800.00"
    r = staff.clerk.post(f"/v1/claims/{claim['claim_id']}/facts", {"facts": {"months_served": 12}})
    assert r.status_code == 200 and r.json()["amounts"]["entitled"] == "13800.00", r.text
    assert_problem(staff.clerk.post("/v1/claims", youth("19970701")), 422, "not_eligible")      # 25 on 2022-07-01
    assert submit(staff.clerk, youth("19970702"))["status"] == "submitted"                   # 24, its eve


# ---- one subsidy per person-month, per graduate (F3) -----------------------------------------


def social(graduate: str, employer: str | None = None, **facts) -> dict:
    return {"program": "social_insurance", "region": SHENYANG,
            "applicant": {"kind": "enterprise", "id": employer or credit_code(), "name": "集团分公司"},
            "beneficiary": {"id": graduate, "name": "毕业生"},
            "facts": {"diploma_date": "2022-06-30", "hired_on": "2022-07-01", "period_start": "2022-07-01",
                      "registered_unemployed": False, "contract_months": 24, "enterprise_size": "large",
                      "employer_monthly_contribution": "1000.00", "months": 12, "retained_intern": False, **facts},
            "application_date": "2022-07-15"}


def test_branches_of_one_group_share_a_graduates_12_months(staff, money):
    """The audit: branches A, B and C each claimed 12 months for the same graduate → 3 × 12,000.00."""
    graduate = person_id()
    assert submit(staff.clerk, social(graduate))["amounts"]["entitled"] == "12000.00"
    for period in ("2022-07-01", "2023-07-01"):
        r = staff.clerk.post("/v1/claims", social(graduate, period_start=period))
        assert_problem(r, 409, "limit_exceeded")


def test_a_registered_unemployed_graduate_of_1990_is_refused(staff, money):
    r = staff.clerk.post("/v1/claims", social(person_id(), diploma_date="1990-07-01", registered_unemployed=True,
                                              hired_on="2022-07-01"))
    assert assert_problem(r, 422, "not_eligible")["rule"] == "social_insurance.graduate"


def test_flexible_employment_for_months_social_insurance_pays_is_refused(staff, money):
    graduate = person_id()
    submit(staff.clerk, social(graduate, months=6))                                           # 2022-07 .. 2022-12
    flexible = {"program": "flexible_social_insurance", "region": SHENYANG,
                "applicant": {"kind": "person", "id": graduate, "name": "毕业生"},
                "facts": {"left_school_on": "2022-06-30", "monthly_contribution": "900.00", "months": 6,
                          "period_start": "2022-07-01"}, "application_date": "2022-07-15"}
    assert_problem(staff.clerk.post("/v1/claims", flexible), 409, "limit_exceeded")
    flexible["facts"]["period_start"] = "2022-10-01"                                          # 3 months overlap
    assert submit(staff.clerk, flexible)["amounts"]["entitled"] == "1800.00"                  # 600.00 × 3


def test_a_2025_graduate_applies_on_2026_01_04(staff, money):
    """Refused though the notice allows it: 毕业年度 is the hire's year."""
    body = social(person_id(), diploma_date="2025-06-30", hired_on="2025-09-01", period_start="2025-09-01", months=4)
    body["application_date"] = "2026-01-04"
    assert submit(staff.clerk, body)["amounts"]["entitled"] == "4000.00"


# ---- the venue: 首次创办 across the person and companies (F7) ------------------------------


def venue(applicant: dict, founder: str | None) -> dict:
    body = {"program": "startup_venue", "region": SHENYANG, "applicant": applicant,
            "facts": {"monthly_rent": "3000.00", "months": 24, "in_incubator": False, "operating_since": "2022-01-01",
                      "diploma_date": "2021-06-30", "first_business": True}, "application_date": "2022-07-15"}
    if founder is not None:
        body["beneficiary"] = {"id": founder, "name": "创始人"}
    return body


def test_one_graduate_as_a_person_then_through_two_companies_is_paid_once(staff, money):
    """The audit: the same graduate as a person, then through two companies → 3 × 72,000.00."""
    graduate = person_id()
    assert submit(staff.clerk, venue({"kind": "person", "id": graduate, "name": "创业者"}, None))[
        "amounts"]["entitled"] == "72000.00"
    for _ in range(2):
        company = {"kind": "enterprise", "id": credit_code(), "name": "创业公司"}
        assert_problem(staff.clerk.post("/v1/claims", venue(company, graduate)), 409, "duplicate")
    # An enterprise must name its founder.
    r = staff.clerk.post("/v1/claims", venue({"kind": "enterprise", "id": credit_code(), "name": "公司"}, None))
    assert_problem(r, 422, "validation_error", field="beneficiary")


# ---- loans: the contract in normal form, 200,000.00 of principal per borrower (F4) ----------


def loan(borrower: str, contract: str) -> dict:
    return {"program": "loan_interest", "region": SHENYANG,
            "applicant": {"kind": "person", "id": borrower, "name": "创业者"},
            "facts": {"loan_principal": "200000.00", "loan_term_months": 36, "interest_due": "31200.00",
                      "loan_contract_no": contract, "diploma_date": "2021-06-30"}, "application_date": "2022-07-15"}


def test_four_spellings_of_loans_pay_one_loans_interest(staff, money):
    """The audit: JK2024-001, JK2024001, ＪＫ２０２４－００１ and JK2024-002 → 4 × 31,200.00 on
    800,000.00 of principal."""
    borrower = person_id()
    assert submit(staff.clerk, loan(borrower, "JK2024-001"))["amounts"]["entitled"] == "31200.00"
    for contract in ("JK2024001", "ＪＫ２０２４－００１", "JK2024-002"):
        assert_problem(staff.clerk.post("/v1/claims", loan(borrower, contract)), 409, "limit_exceeded")
    # A known loan claimed with another principal is not the same loan: 422.
    other = loan(borrower, "jk 2024 001")
    other["facts"]["loan_principal"] = "100000.00"
    assert_problem(staff.clerk.post("/v1/claims", other), 422, "not_eligible")


# ---- refused, though the notice allows it (F9) ---------------------------------------------


def test_flexible_employment_applied_a_day_after_two_years_for_a_period_begun_within_them(staff, money):
    body = {"program": "flexible_social_insurance", "region": SHENYANG,
            "applicant": {"kind": "person", "id": person_id(), "name": "灵活就业"},
            "facts": {"left_school_on": "2020-07-01", "monthly_contribution": "900.00", "months": 6,
                      "period_start": "2022-06-01"}, "application_date": "2022-07-02"}
    assert submit(staff.clerk, body)["amounts"]["entitled"] == "3600.00"
    body["applicant"]["id"] = person_id()
    body["facts"]["period_start"] = "2022-08-01"                                 # began after the two years
    assert_problem(staff.clerk.post("/v1/claims", body), 422, "not_eligible")


def test_an_syb_claim_in_january_for_a_december_course(staff, money):
    body = {"program": "entrepreneurship_training", "region": SHENYANG,
            "applicant": {"kind": "institution", "id": credit_code(), "name": "创业培训学校"},
            "beneficiary": {"id": person_id(), "name": "学员"},
            "facts": {"course": "SYB", "graduation_year": 2022, "course_started_on": "2022-12-05"},
            "application_date": "2023-01-09"}
    assert submit(staff.clerk, body)["amounts"]["entitled"] == "2000.00"
