"""三.11 新型学徒制培训补贴: by level per apprentice-year, raised for shortage occupations,
for a graduate (within five years of graduating) on a contract of at least a year; part
prepaid and the rest on completion; one training year per apprentice and calendar year."""
from __future__ import annotations

from .table import DROP, EMPLOYER, Case, D, Limit, Table, Version, invalid, not_eligible, table

APPRENTICE = "7" * 64
TABLE = Table("apprenticeship", facts={"level": "advanced", "shortage_occupation": False, "contract_months": 24,
                                       "certificate_no": "GJ-2022-001", "graduation_year": 2020,
                                       "diploma_date": "2020-06-30"},
              on=D(2022, 9, 1), region="210302", kind="enterprise", applicant=EMPLOYER, beneficiary=APPRENTICE)
STEPS = ("graduate", "contract_months", "certificate", "amount", "completion", "prepayment")
SHORTAGE = {"shortage_occupation": True}
TWO_SEVENTHS_UPLIFT = (Version("shortage_uplift", "2/7", region="210300"),)
# As the release before the revision stored an apprenticeship claim (tests/fixtures/make_claims_v1.py).
STORED_V1 = {"level": "advanced", "shortage_occupation": True, "contract_months": 36, "certificate_no": "GX-V1-1",
             "graduation_year": DROP, "diploma_date": DROP}


def year_of(year: int, apprentice: str = APPRENTICE) -> Limit:
    return Limit(f"apprenticeship:{apprentice}:{year}", 1, "count", f"one training year per apprentice in {year}")


CASES = [
    Case("advanced_on_the_shortage_list_is_7800", "三.11: 高级工（三级）…急需紧缺…可在上述标准基础上提高不超过30%",
         facts=SHORTAGE, entitled="7800.00", arithmetic={"amount": "⌊6000.00 × (1 + 0.3)⌋ = 7800.00"},
         cites={"amount": ("advanced", "shortage_uplift")}),
    *[Case(f"{level}_is_{amount}", "三.11: 中级工 5000, 高级工 6000 (Anshan 2022); 技师 7000, 高级技师 8000 (assumed)",
           facts={"level": level}, entitled=f"{amount}.00", cites={"amount": (level,)})
      for level, amount in (("intermediate", 5000), ("advanced", 6000), ("technician", 7000),
                            ("senior_technician", 8000))],
    Case("uplift_of_two_sevenths_floors_to_the_fen", "三.11: ⌊5000.00 × 9/7⌋ = 6428.57", versions=TWO_SEVENTHS_UPLIFT,
         facts={"level": "intermediate", **SHORTAGE}, entitled="6428.57"),
    Case("contract_of_12_months_qualifies", "三.11: 签订1年以上期限劳动合同", facts={"contract_months": 12},
         entitled="6000.00"),
    Case("contract_of_11_months_is_refused", "三.11: 签订1年以上期限劳动合同", facts={"contract_months": 11},
         refused=not_eligible("apprenticeship.contract_months")),
    Case("prepays_half_until_completion", "三.11: at most prepay_share before completion, the rest on completion",
         entitled="6000.00", prepay="1/2", prepayable="3000.00", ready=False, limits=(year_of(2022),), steps=STEPS,
         arithmetic={"prepayment": "⌊6000.00 × 0.5⌋ = 3000.00", "graduate": "2020-06-30 ≤ 2022-09-01 ≤ 2020-06-30 + 60 months = 2025-06-30"},
         cites={"graduate": ("graduate_within_years",), "contract_months": (), "certificate": (),
                "amount": ({"name": "advanced", "value": "6000.00", "source": "local assumption: Anshan's 2022 figure"},), "completion": (),
                "prepayment": ("prepay_share",)}),
    Case("completed_settles_the_full_amount", "三.11: completion earns the rest", facts=SHORTAGE,
         later={"completed": True}, entitled="7800.00", ready=True),
    Case("not_completed_settles_at_nothing", "三.11: the subsidy is for training completed", later={"completed": False},
         entitled="0.00", ready=True, arithmetic={"completion": "6000.00 → 0.00"}),
    Case("level_outside_the_four_is_refused", "DOMAIN.md facts: level is one of four", facts={"level": "master"},
         refused=invalid("facts.level")),
    Case("certificate_no_empty_is_refused", "DOMAIN.md facts: certificate_no is text", facts={"certificate_no": ""},
         refused=invalid("facts.certificate_no")),
    Case("shortage_occupation_as_a_number_is_refused", "DOMAIN.md facts: a boolean",
         facts={"shortage_occupation": 1}, refused=invalid("facts.shortage_occupation")),
    Case("contract_months_as_text_is_refused", "DOMAIN.md facts: whole months", facts={"contract_months": "24"},
         refused=invalid("facts.contract_months")),
    Case("diploma_date_is_required", "DOMAIN.md Graduates, hires, interns: diploma_date",
         facts={"diploma_date": DROP}, refused=invalid("facts.diploma_date")),
    Case("graduation_year_may_be_left_out", "DOMAIN.md: graduation_year, if given, is the diploma's year",
         facts={"graduation_year": DROP}, refused=None, entitled=None, steps=STEPS),
    Case("only_completed_comes_later", "DOMAIN.md facts: completed is the one later fact",
         later={"level": "technician"}, refused=invalid("facts.level", "cannot change after submission")),
    # ---- one training year per apprentice and calendar year (每人每年)
    Case("the_training_year_is_the_calendar_year_of_application", "三.11: 每人每年", on=D(2023, 1, 2),
         limits=(year_of(2023),)),
    Case("another_apprentice_has_their_own_year", "三.11: 每人", beneficiary="8" * 64,
         limits=(year_of(2022, "8" * 64),)),
    # ---- a graduate within five years
    Case("graduated_5_years_before_the_application_year", "本通知所指高校毕业生: 5年内",
         facts={"graduation_year": 2017, "diploma_date": DROP}, validate=False, entitled="6000.00", arithmetic={"graduate": "0 ≤ 2022 − 2017 = 5 ≤ 5"}),
    Case("graduated_6_years_before_is_refused", "本通知所指高校毕业生: 5年内", facts={"graduation_year": 2016, "diploma_date": DROP}, validate=False,
         refused=not_eligible("apprenticeship.graduate"), steps=("graduate",),
         arithmetic={"graduate": "0 ≤ 2022 − 2016 = 6 > 5"}),
    Case("graduating_in_the_application_year", "本通知所指高校毕业生: from the diploma's date",
         facts={"graduation_year": 2022, "diploma_date": DROP}, validate=False, entitled="6000.00", arithmetic={"graduate": "0 ≤ 2022 − 2022 = 0 ≤ 5"}),
    # Five years *from* the diploma's date: someone graduating after the application year holds
    # no diploma yet and is not a graduate of the notice (一.1 social_insurance refuses the same).
    Case("graduating_after_the_application_year_is_not_a_graduate", "本通知所指高校毕业生: 毕业证书所注日期起5年内",
         facts={"graduation_year": 2023, "diploma_date": DROP}, validate=False, refused=not_eligible("apprenticeship.graduate")),
    # ---- 毕业证书所注日期起5年内 on the application date (DOMAIN.md F13), boundary included
    Case("applied_on_the_day_60_months_after_the_diploma", "本通知所指高校毕业生: 毕业证书所注日期起5年内",
         facts={"graduation_year": 2017, "diploma_date": "2017-09-01"}, entitled="6000.00",
         arithmetic={"graduate": "2017-09-01 ≤ 2022-09-01 ≤ 2017-09-01 + 60 months = 2022-09-01"}),
    Case("applied_the_day_after_60_months_is_refused", "本通知所指高校毕业生: 毕业证书所注日期起5年内",
         facts={"graduation_year": 2017, "diploma_date": "2017-08-31"}, refused=not_eligible("apprenticeship.graduate")),
    # ---- claims stored and rules recorded before the revision of 2026-11-30; settled later
    Case("stored_v1_claim_under_its_v1_rules_is_decided_as_before", "本通知所指高校毕业生: not checked on a claim "
         "that predates the condition", facts=STORED_V1, validate=False, without=("graduate_within_years",),
         on=D(2022, 7, 12), region="210100", entitled="7800.00", prepayable="3900.00", ready=False, steps=STEPS,
         says={"graduate": ("not checked", "未核对")}),
    Case("stored_v1_claim_completed_under_its_v1_rules", "三.11: completion of a claim that predates the condition",
         facts=STORED_V1, validate=False, later={"completed": True}, without=("graduate_within_years",),
         on=D(2022, 7, 12), region="210100", entitled="7800.00", ready=True,
         says={"graduate": ("not checked", "未核对")}),
]


@table(CASES)
def test_apprenticeship(case: Case) -> None:
    TABLE.check(case)
