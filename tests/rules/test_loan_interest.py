"""二.7 创业担保贷款贴息: a graduate's guaranteed start-up loan of at most max_principal and
max_term_months has its interest subsidised from the inclusive-finance fund, at most
⌊counted principal × max_annual_rate × term / 12⌋ per loan across all the loan's claims; a
borrower's loans (the graduate, as a person or the founder an enterprise names) count their
principal once each against max_principal (最高不超过20万元, DOMAIN.md F4), the loan keyed by
its contract number in normal form (F12)."""
from __future__ import annotations

from .table import (DROP, EMPLOYER, HIRE, PERSON, Cap, Case, D, Table, Version, cap_reached, invalid, not_eligible,
                    table, took)

TABLE = Table("loan_interest", facts={"loan_principal": "150000.00", "loan_term_months": 24, "interest_due": "3862.50",
                                      "loan_contract_no": "DB-2022-0001", "graduation_year": 2020,
                                      "diploma_date": "2020-06-30"},
              on=D(2022, 7, 1), region="210102", kind="person", applicant=PERSON, beneficiary=None)
STEPS = ("graduate", "max_principal", "max_term_months", "borrower_cap", "interest_cap", "cap", "amount", "prepayment")
LOAN_KEY = "loan_interest:loan:DB20220001"
STORED_LOAN_KEY = "loan_interest:loan:DB-2022-0001"  # the form claims stored before the normal form took
BORROWER_KEY = f"loan_interest:borrower:{PERSON}"
MAX_PRINCIPAL = 20_000_000
# ⌊15000000 fen × 0.052 × 24 / 12⌋ = 1560000 fen
LOAN_CAP = 1_560_000
SHENYANG_100000 = (Version("max_principal", "100000.00", region="210100", effective_from=D(2022, 9, 1),
                           source="Shenyang"),)
TERM_24_IN_2023 = (Version("max_term_months", 24, effective_from=D(2023, 1, 1)),)
# As the release before the revision stored a loan claim (tests/fixtures/make_claims_v1.py).
STORED_V1 = {"loan_principal": "100000.00", "loan_term_months": 24, "interest_due": "1800.00",
             "loan_contract_no": DROP, "graduation_year": DROP, "diploma_date": DROP}


def loan_cap(units: int, cap: int = LOAN_CAP, principal: int = 15_000_000, term: int = 24,
             counted: int | None = None, borrower: str = BORROWER_KEY) -> tuple[Cap, ...]:
    """The borrower's principal (the loan counted once) and the loan's interest."""
    return (Cap(borrower, principal if counted is None else counted, MAX_PRINCIPAL, "fen", tag=LOAN_KEY),
            Cap(LOAN_KEY, units, cap, "fen", tag=f"{principal}:{term}"))


def reproduction(term: int, cap: str, cap_fen: int) -> Case:
    return Case(f"interest_50000_on_a_1000_loan_over_{term}_months_is_capped_at_{cap}",
                "二.7: 按规定贴息 — the review's reproduction: 50000.00 of interest on a 1000.00 loan",
                facts={"loan_principal": "1000.00", "loan_term_months": term, "interest_due": "50000.00"},
                entitled=cap, caps=loan_cap(cap_fen, cap_fen, principal=100_000, term=term),
                arithmetic={"interest_cap": f"⌊1000.00 × 0.052 × {term} / 12⌋ = {cap}"})


CASES = [
    Case("pays_the_interest_due_from_inclusive_finance", "二.7: 按规定从普惠金融发展专项资金给予贴息",
         entitled="3862.50", prepay=0, ready=True, limits=(), caps=loan_cap(386_250), steps=STEPS,
         arithmetic={"interest_cap": "⌊150000.00 × 0.052 × 24 / 12⌋ = 15600.00",
                     "cap": "max(0, 15600.00 − 0.00) = 15600.00; min(3862.50, 15600.00) = 3862.50",
                     "max_principal": "150000.00 ≤ 200000.00", "max_term_months": "24 ≤ 36"},
         cites={"graduate": ("graduate_within_years",), "max_principal": ("max_principal",),
                "max_term_months": ("max_term_months",),
                "interest_cap": ({"name": "max_annual_rate", "value": "0.052",
                                  "source": "assumed (LPR + 150 basis points in 2022)"},),
                "borrower_cap": ("max_principal",), "cap": (), "amount": (), "prepayment": ()}),
    Case("principal_of_200000_qualifies", "二.7: 最高不超过20万元", facts={"loan_principal": "200000.00"},
         entitled="3862.50", caps=loan_cap(386_250, 2_080_000, principal=20_000_000)),
    Case("principal_one_fen_above_200000_is_refused", "二.7: 最高不超过20万元", facts={"loan_principal": "200000.01"},
         refused=not_eligible("loan_interest.max_principal"),
         arithmetic={"max_principal": "200000.01 > 200000.00"}, cites={"max_principal": ("max_principal",)}),
    Case("term_of_35_months_qualifies", "二.7: 最长不超过3年", facts={"loan_term_months": 35}, entitled="3862.50"),
    Case("term_of_36_months_qualifies", "二.7: 最长不超过3年", facts={"loan_term_months": 36}, entitled="3862.50",
         caps=loan_cap(386_250, 2_340_000, term=36)),
    Case("term_of_37_months_is_refused", "二.7: 最长不超过3年", facts={"loan_term_months": 37},
         refused=not_eligible("loan_interest.max_term_months"), arithmetic={"max_term_months": "37 > 36"},
         cites={"max_term_months": ("max_term_months",)}),
    Case("borrowed_by_the_enterprise", "二.7: 创办企业、从事个体经营和网络创业 — a person or their enterprise",
         kind="enterprise", applicant=EMPLOYER, beneficiary=HIRE, entitled="3862.50",
         caps=loan_cap(386_250, borrower=f"loan_interest:borrower:{HIRE}")),
    Case("interest_of_zero_is_refused", "DOMAIN.md facts: money greater than zero",
         facts={"interest_due": "0.00"}, refused=invalid("facts.interest_due")),
    Case("principal_as_a_number_is_refused", "DOMAIN.md facts: money is a two-decimal string",
         facts={"loan_principal": 150000}, refused=invalid("facts.loan_principal")),
    Case("term_of_0_months_is_refused", "DOMAIN.md facts: whole months from 1", facts={"loan_term_months": 0},
         refused=invalid("facts.loan_term_months")),
    Case("loan_contract_no_is_required", "DOMAIN.md caps: the loan (loan_contract_no, a new fact)",
         facts={"loan_contract_no": DROP}, refused=invalid("facts.loan_contract_no")),
    Case("nothing_comes_later", "DOMAIN.md facts: no later facts", later={"interest_due": "1.00"},
         refused=invalid("facts.interest_due", "cannot change after submission")),
    # ---- parameters by region and date
    Case("shenyang_ceiling_from_its_date", "二.7: a city's lower ceiling (最高不超过20万元 bounds it above)",
         versions=SHENYANG_100000, on=D(2022, 9, 1), facts={"loan_principal": "150000.00"},
         refused=not_eligible("loan_interest.max_principal")),
    Case("shenyang_ceiling_not_the_day_before", "二.7: a city's ceiling from its date only", versions=SHENYANG_100000,
         on=D(2022, 8, 31), facts={"loan_principal": "150000.00"}, entitled="3862.50"),
    Case("shenyang_ceiling_not_in_dalian", "二.7: a city's ceiling in its own districts only", versions=SHENYANG_100000,
         on=D(2022, 9, 1), region="210202", facts={"loan_principal": "150000.00"}, entitled="3862.50"),
    Case("term_of_next_year_not_in_force_yet", "二.7: a version effective 2023-01-01 changes nothing in 2022",
         versions=TERM_24_IN_2023, on=D(2022, 12, 31), facts={"loan_term_months": 36}, entitled="3862.50"),
    Case("term_of_next_year_in_force_then", "二.7: the term in force on the claim's date", versions=TERM_24_IN_2023,
         on=D(2023, 1, 1), facts={"loan_term_months": 36}, refused=not_eligible("loan_interest.max_term_months")),
    # ---- a graduate: applied within 5 years of the diploma's date, the boundary day included (F13)
    Case("applied_on_the_day_60_months_after_the_diploma", "本通知所指高校毕业生: 毕业证书所注日期起5年内",
         facts={"graduation_year": 2017, "diploma_date": "2017-07-01"}, entitled="3862.50",
         arithmetic={"graduate": "2017-07-01 ≤ 2022-07-01 ≤ 2017-07-01 + 60 months = 2022-07-01"}),
    Case("applied_the_day_after_60_months_is_refused", "本通知所指高校毕业生: 毕业证书所注日期起5年内",
         facts={"graduation_year": 2017, "diploma_date": "2017-06-30"},
         refused=not_eligible("loan_interest.graduate"), arithmetic={"graduate": "2022-07-01 ∉ [2017-06-30, 2022-06-30]"}),
    Case("graduating_in_the_application_year", "本通知所指高校毕业生: from the diploma's date",
         facts={"graduation_year": 2022, "diploma_date": "2022-06-30"}, entitled="3862.50"),
    Case("no_diploma_yet_is_not_a_graduate", "本通知所指高校毕业生: 毕业证书所注日期起5年内",
         facts={"graduation_year": 2022, "diploma_date": "2022-07-02"}, refused=not_eligible("loan_interest.graduate")),
    Case("graduation_year_other_than_the_diplomas_is_422", "DOMAIN.md: graduation_year, if given, is the diploma's year",
         facts={"graduation_year": 2019}, refused=invalid("facts.graduation_year")),
    Case("stored_without_a_diploma_date_counts_years_as_then", "本通知所指高校毕业生 on a claim stored before F13",
         facts={"diploma_date": DROP, "graduation_year": 2016}, validate=False,
         refused=not_eligible("loan_interest.graduate"), arithmetic={"graduate": "0 ≤ 2022 − 2016 = 6 > 5"}),
    # ---- the interest a loan can bear: ⌊principal × 0.052 × term / 12⌋ (DOMAIN.md, caps)
    reproduction(12, "52.00", 5_200),
    reproduction(24, "104.00", 10_400),
    reproduction(36, "156.00", 15_600),
    Case("interest_one_fen_below_the_loan_cap", "二.7: at most the interest at the largest subsidised rate",
         facts={"interest_due": "15599.99"}, entitled="15599.99"),
    Case("interest_at_the_loan_cap", "二.7: at most the interest at the largest subsidised rate",
         facts={"interest_due": "15600.00"}, entitled="15600.00", caps=loan_cap(LOAN_CAP)),
    Case("interest_one_fen_above_the_loan_cap", "二.7: at most the interest at the largest subsidised rate",
         facts={"interest_due": "15600.01"}, entitled="15600.00", caps=loan_cap(LOAN_CAP)),
    Case("loan_cap_floors_to_the_fen", "二.7: ⌊123456.78 × 0.052 × 7 / 12⌋ = 3744.85 (3744.8556)",
         facts={"loan_principal": "123456.78", "loan_term_months": 7, "interest_due": "9999.99"},
         entitled="3744.85", caps=loan_cap(374_485, 374_485, principal=12_345_678, term=7)),
    # ---- the cap across claims: per loan
    Case("earlier_claims_took_10000_the_3862_50_fits", "二.7: per loan, across its claims",
         prior={LOAN_KEY: took(1_000_000, "claim-1")}, entitled="3862.50", caps=loan_cap(386_250)),
    Case("earlier_claims_took_14000_the_rest_is_1600", "二.7: per loan, across its claims",
         prior={LOAN_KEY: took(1_400_000, "claim-1", "claim-2")}, entitled="1600.00", caps=loan_cap(160_000),
         arithmetic={"cap": "max(0, 15600.00 − 14000.00) = 1600.00; min(3862.50, 1600.00) = 1600.00"},
         says={"cap": "claim-1, claim-2"}),
    Case("earlier_claims_left_one_fen", "二.7: per loan, across its claims",
         prior={LOAN_KEY: took(LOAN_CAP - 1, "claim-1")}, entitled="0.01", caps=loan_cap(1)),
    Case("earlier_claims_took_the_loan_cap_nothing_remains", "二.7: per loan, across its claims",
         prior={LOAN_KEY: took(LOAN_CAP, "claim-1", "claim-2")}, refused=cap_reached("loan_interest.cap"),
         steps=STEPS[:6]),
    *[Case(f"contract_number_written_otherwise_is_the_same_loan_{i}", "二.7 per loan; DOMAIN.md F12 keys in normal form",
           facts={"loan_contract_no": typed}, prior={LOAN_KEY: took(LOAN_CAP, "c-1")},
           refused=cap_reached("loan_interest.cap"))
      for i, typed in enumerate((" db-2022 0001", "DB20220001", "ＤＢ－２０２２－０００１", "db/2022/0001"))],
    Case("claims_stored_under_the_old_spelling_count", "DOMAIN.md: stored claims still count (the same spelling)",
         prior={STORED_LOAN_KEY: took(LOAN_CAP - 100, "stored-1")}, entitled="1.00", caps=loan_cap(100),
         says={"cap": "stored-1"}),
    # ---- the borrower: 最高不超过20万元 across their loans, each counted once (F4)
    Case("a_second_claim_on_a_known_loan_counts_its_principal_once", "二.7 最高不超过20万元: a loan counts once",
         prior={BORROWER_KEY: took(15_000_000, "claim-1", tags=((LOAN_KEY, 15_000_000),)),
                LOAN_KEY: took(386_250, "claim-1", tags=(("15000000:24", 386_250),))},
         entitled="3862.50", caps=loan_cap(386_250), arithmetic={
             "borrower_cap": "max(0, 200000.00 − 0.00) = 200000.00; min(150000.00, 200000.00) = 150000.00"}),
    Case("a_new_loan_counts_what_remains_and_is_subsidised_in_proportion", "二.7 最高不超过20万元 per borrower (F4)",
         prior={BORROWER_KEY: took(15_000_000, "claim-1", tags=(("loan_interest:loan:OTHER1", 15_000_000),))},
         entitled="1287.50", caps=loan_cap(128_750, 520_000, counted=5_000_000),
         arithmetic={"borrower_cap": "max(0, 200000.00 − 150000.00) = 50000.00; min(150000.00, 50000.00) = 50000.00",
                     "counted_share": "⌊3862.50 × 50000.00 / 150000.00⌋ = 1287.50",
                     "interest_cap": "⌊50000.00 × 0.052 × 24 / 12⌋ = 5200.00"}),
    Case("four_loans_of_200000_the_fourth_is_409", "二.7 最高不超过20万元: the audit's JK2024-002 (F4)",
         facts={"loan_contract_no": "JK2024-002", "loan_principal": "200000.00"},
         prior={BORROWER_KEY: took(20_000_000, "c-1", "c-2", tags=(("loan_interest:loan:JK2024001", 20_000_000),))},
         refused=cap_reached("loan_interest.borrower_cap")),
    Case("a_known_loan_with_another_principal_is_422", "DOMAIN.md F4: a known loan with another principal or term",
         prior={LOAN_KEY: took(100, "claim-1", tags=(("20000000:24", 100),))},
         refused=not_eligible("loan_interest.loan"), says={"loan": "200000.00"}),
    Case("a_known_loan_with_another_term_is_422", "DOMAIN.md F4: a known loan with another principal or term",
         prior={LOAN_KEY: took(100, "claim-1", tags=(("15000000:36", 100),))},
         refused=not_eligible("loan_interest.loan")),
    Case("another_loan_has_its_own_cap", "二.7: per loan", facts={"loan_contract_no": "DB-2022-0002"},
         elsewhere={LOAN_KEY: took(LOAN_CAP, "claim-1")}, entitled="3862.50"),
    Case("claims_stored_without_a_founder_keep_the_business_as_borrower", "DOMAIN.md: stored claims still load",
         kind="enterprise", applicant=EMPLOYER, validate=False, entitled="3862.50",
         caps=loan_cap(386_250, borrower=f"loan_interest:borrower:{EMPLOYER}")),
    # ---- claims stored and rules recorded before the revision of 2026-11-30
    Case("stored_v1_claim_under_its_v1_rules_is_paid_as_before", "二.7 and 本通知所指高校毕业生 on a claim that predates "
         "both", facts=STORED_V1, validate=False, without=("graduate_within_years", "max_annual_rate"),
         on=D(2022, 7, 15), region="210100", entitled="1800.00", caps=(),
         steps=("graduate", "max_principal", "max_term_months", "interest_cap", "amount", "prepayment"),
         says={"graduate": ("not checked", "未核对"), "interest_cap": ("not checked", "未核对")}),
]


@table(CASES)
def test_loan_interest(case: Case) -> None:
    TABLE.check(case)


def test_loan_interest_is_paid_to_the_borrower_from_inclusive_finance():
    """二.7: 从普惠金融发展专项资金给予贴息 — a person or their enterprise borrows."""
    program = TABLE.program
    assert (program.applicant_kinds, program.beneficiary, program.founder, program.fund_types) == (
        ("person", "enterprise"), False, True, ("inclusive_finance",))
