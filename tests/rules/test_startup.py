"""二.5 一次性创业补贴: a graduate (within five years of graduating) whose first business in
Liaoning has a guaranteed start-up loan receives amount, once per person, raised by
new_industry_uplift for a small or micro enterprise in a new industry, format or business
model, never for a sole trader (个体经营)."""
from __future__ import annotations

from .table import DROP, PERSON, Case, D, Limit, Table, Version, invalid, not_eligible, table

TABLE = Table("startup", facts={"first_business": True, "guaranteed_loan": True, "new_industry": False,
                                "registered_on": "2022-06-10", "business_form": "enterprise", "graduation_year": 2020,
                                "diploma_date": "2020-06-30"},
              on=D(2022, 7, 1), region="210102", kind="person", applicant=PERSON, beneficiary=None)
STEPS = ("graduate", "first_business", "guaranteed_loan", "registered_on", "amount", "prepayment")
ONCE = Limit(f"startup:person:{PERSON}", 1, "count", "once per person")
NEW_INDUSTRY = {"new_industry": True}
TWO_SEVENTHS_UPLIFT = (Version("new_industry_uplift", "2/7", region="210100"),)
DALIAN_8000 = (Version("amount", "8000.00", region="210200", effective_from=D(2022, 9, 1), source="Dalian"),)
UPLIFT_02_IN_2023 = (Version("new_industry_uplift", "0.2", effective_from=D(2023, 1, 1)),)
# 不低于 on every date (DOMAIN.md F10): Shenyang set its figure at the province's floor; the
# province raises it from 2023; Dalian is above the raised floor.
FLOOR_RAISED = (Version("amount", "5000.00", region="210100", effective_from=D(2022, 7, 1), source="Shenyang"),
                Version("amount", "6000.00", effective_from=D(2023, 1, 1), source="the province raises it"),
                Version("amount", "8000.00", region="210200", effective_from=D(2022, 9, 1), source="Dalian"))
# As the release before the revision of 2026-11-30 stored a start-up claim (tests/fixtures/
# make_claims_v1.py): no business_form, no graduation_year, decided under rules without
# graduate_within_years.
STORED_V1 = {"new_industry": True, "registered_on": "2022-05-01", "business_form": DROP, "graduation_year": DROP, "diploma_date": DROP}
NOT_CHECKED = ("not checked", "未核对")

CASES = [
    Case("pays_the_amount_once", "二.5: 给予不低于…元的一次性创业补贴 (5000.00, assumed)", entitled="5000.00", prepay=0,
         ready=True, limits=(ONCE,), steps=STEPS, arithmetic={"amount": "5000.00", "graduate": "2020-06-30 ≤ 2022-06-10 ≤ 2020-06-30 + 60 months = 2025-06-30"},
         cites={"graduate": ("graduate_within_years",), "first_business": (), "guaranteed_loan": (),
                "registered_on": (), "amount": ({"name": "amount", "source": "assumed"},), "prepayment": ()}),
    Case("new_industry_enterprise_is_raised_30_percent", "二.5: 对从事新产业、新业态、新商业模式创业的小微企业补贴标准可上浮30%",
         facts=NEW_INDUSTRY, entitled="6500.00", arithmetic={"amount": "⌊5000.00 × (1 + 0.3)⌋ = 6500.00"},
         cites={"amount": ("amount", "new_industry_uplift")}),
    Case("new_industry_sole_trader_is_not_raised", "二.5: 上浮 for 小微企业, not 个体经营 (DOMAIN.md, conditions)",
         facts={**NEW_INDUSTRY, "business_form": "individual"}, entitled="5000.00", cites={"amount": ("amount",)},
         says={"amount": ("sole traders", "个体经营")}),
    Case("sole_trader_not_in_a_new_industry", "二.5: 从事个体经营", facts={"business_form": "individual"},
         entitled="5000.00"),
    Case("uplift_of_two_sevenths_floors_to_the_fen", "二.5: ⌊5000.00 × 9/7⌋ = 6428.57", versions=TWO_SEVENTHS_UPLIFT,
         facts=NEW_INDUSTRY, entitled="6428.57"),
    Case("not_a_first_business_is_refused", "二.5: 首次在辽宁省内创办小微企业或从事个体经营",
         facts={"first_business": False}, refused=not_eligible("startup.first_business")),
    Case("without_a_guaranteed_loan_is_refused", "二.5: 且成功申领创业担保贷款", facts={"guaranteed_loan": False},
         refused=not_eligible("startup.guaranteed_loan")),
    Case("registered_on_the_application_date_counts", "二.5: registered by the application date",
         facts={"registered_on": "2022-07-01"}, entitled="5000.00"),
    Case("registered_the_day_after_is_refused", "二.5: registered by the application date",
         facts={"registered_on": "2022-07-02"}, refused=not_eligible("startup.registered_on")),
    Case("business_form_is_required", "DOMAIN.md facts: business_form, enterprise or individual",
         facts={"business_form": DROP}, refused=invalid("facts.business_form")),
    Case("business_form_outside_the_two_is_refused", "DOMAIN.md facts: business_form, enterprise or individual",
         facts={"business_form": "partnership"}, refused=invalid("facts.business_form")),
    Case("diploma_date_is_required", "DOMAIN.md Graduates, hires, interns: diploma_date",
         facts={"diploma_date": DROP}, refused=invalid("facts.diploma_date")),
    Case("graduation_year_may_be_left_out", "DOMAIN.md: graduation_year, if given, is the diploma's year",
         facts={"graduation_year": DROP}, refused=None, entitled=None, steps=STEPS),
    Case("nothing_comes_later", "DOMAIN.md facts: no later facts", later=NEW_INDUSTRY,
         refused=invalid("facts.new_industry", "cannot change after submission")),
    Case("once_per_person_whatever_the_year", "二.5: 一次性, a first business", on=D(2023, 3, 1), limits=(ONCE,)),
    # ---- parameters by region and date
    Case("dalian_amount_from_its_date", "二.5 具体标准由各市确定", versions=DALIAN_8000, region="210202",
         on=D(2022, 9, 1), entitled="8000.00"),
    Case("dalian_amount_raised_for_a_new_industry", "二.5: the uplift on the city's amount", versions=DALIAN_8000,
         region="210202", on=D(2022, 9, 1), facts=NEW_INDUSTRY, entitled="10400.00"),
    Case("dalian_amount_not_the_day_before", "二.5: a city's figure from its date only", versions=DALIAN_8000,
         region="210202", on=D(2022, 8, 31), entitled="5000.00"),
    Case("dalian_amount_not_in_shenyang", "二.5: a city's figure in its own districts only", versions=DALIAN_8000,
         on=D(2022, 9, 1), entitled="5000.00"),
    Case("uplift_of_next_year_not_in_force_yet", "二.5: a version effective 2023-01-01 changes nothing in 2022",
         versions=UPLIFT_02_IN_2023, on=D(2022, 12, 31), facts=NEW_INDUSTRY, entitled="6500.00"),
    Case("uplift_of_next_year_in_force_then", "二.5: the uplift in force on the claim's date",
         versions=UPLIFT_02_IN_2023, on=D(2023, 1, 1), facts=NEW_INDUSTRY, entitled="6000.00"),
    # ---- a graduate within five years (本通知所指高校毕业生…毕业证书所注日期起5年内)
    Case("graduated_5_years_before_the_application_year", "本通知所指高校毕业生: 5年内",
         facts={"graduation_year": 2017, "diploma_date": DROP}, validate=False, entitled="5000.00", arithmetic={"graduate": "0 ≤ 2022 − 2017 = 5 ≤ 5"}),
    Case("graduated_6_years_before_is_refused", "本通知所指高校毕业生: 5年内", facts={"graduation_year": 2016, "diploma_date": DROP}, validate=False,
         refused=not_eligible("startup.graduate"), steps=("graduate",),
         arithmetic={"graduate": "0 ≤ 2022 − 2016 = 6 > 5"},
         cites={"graduate": ({"name": "graduate_within_years", "value": 5, "source": "the notice"},)}),
    Case("graduating_in_the_application_year", "本通知所指高校毕业生: from the diploma's date",
         facts={"graduation_year": 2022, "diploma_date": DROP}, validate=False, entitled="5000.00", arithmetic={"graduate": "0 ≤ 2022 − 2022 = 0 ≤ 5"}),
    # Five years *from* the diploma's date: someone graduating after the application year holds
    # no diploma yet and is not a graduate of the notice (一.1 social_insurance refuses the same).
    Case("graduating_after_the_application_year_is_not_a_graduate", "本通知所指高校毕业生: 毕业证书所注日期起5年内",
         facts={"graduation_year": 2023, "diploma_date": DROP}, validate=False, refused=not_eligible("startup.graduate")),
    Case("graduate_of_2017_on_2022-12-31_passes", "本通知所指高校毕业生: by application year",
         facts={"graduation_year": 2017, "diploma_date": DROP}, validate=False, on=D(2022, 12, 31), entitled="5000.00"),
    Case("graduate_of_2017_on_2023-01-01_is_refused", "本通知所指高校毕业生: by application year",
         facts={"graduation_year": 2017, "diploma_date": DROP}, validate=False, on=D(2023, 1, 1), refused=not_eligible("startup.graduate")),
    # ---- 不低于 on every date: a city's value never below the province's (F10)
    Case("a_city_at_the_floor_before_the_province_raises_it", "二.5 不低于; DOMAIN.md F10", versions=FLOOR_RAISED,
         on=D(2022, 12, 31), entitled="5000.00", cites={"amount": ({"name": "amount", "region": "210100"},)}),
    Case("a_city_at_the_floor_follows_the_province_raising_it", "二.5 不低于; DOMAIN.md F10 (issue 19)",
         versions=FLOOR_RAISED, on=D(2023, 1, 1), facts={"registered_on": "2022-12-10"}, entitled="6000.00",
         cites={"amount": ({"name": "amount", "value": "6000.00", "region": "210000",
                            "source": "the province raises it"},)}),
    Case("a_city_above_the_raised_floor_keeps_its_figure", "二.5 具体标准由各市确定, 不低于", versions=FLOOR_RAISED,
         region="210202", on=D(2023, 1, 1), facts={"registered_on": "2022-12-10"}, entitled="8000.00"),
    # ---- 毕业证书所注日期起5年内 on the day the business registered (DOMAIN.md F13), boundary included
    Case("registered_on_the_day_60_months_after_the_diploma", "本通知所指高校毕业生: 毕业证书所注日期起5年内",
         facts={"graduation_year": 2017, "diploma_date": "2017-06-10"}, entitled="5000.00",
         arithmetic={"graduate": "2017-06-10 ≤ 2022-06-10 ≤ 2017-06-10 + 60 months = 2022-06-10"}),
    Case("registered_the_day_after_60_months_is_refused", "本通知所指高校毕业生: 毕业证书所注日期起5年内",
         facts={"graduation_year": 2017, "diploma_date": "2017-06-09"}, refused=not_eligible("startup.graduate"),
         arithmetic={"graduate": "2022-06-10 ∉ [2017-06-09, 2022-06-09]"}),
    Case("registered_before_the_diploma_is_refused", "本通知所指高校毕业生: from the diploma's date",
         facts={"graduation_year": 2022, "diploma_date": "2022-06-30"}, refused=not_eligible("startup.graduate")),
    # ---- claims stored and rules recorded before the revision of 2026-11-30
    Case("stored_v1_claim_under_its_v1_rules_is_paid_as_before", "本通知所指高校毕业生: not checked on a claim that "
         "predates the condition", facts=STORED_V1, validate=False, without=("graduate_within_years",),
         on=D(2022, 7, 15), region="210100", entitled="6500.00",
         steps=("graduate", "first_business", "guaranteed_loan", "registered_on", "business_form", "amount",
                "prepayment"), cites={"graduate": ()}, says={"graduate": NOT_CHECKED, "business_form": NOT_CHECKED}),
    Case("stored_v1_facts_under_todays_rules_note_the_graduate_not_checked", "本通知所指高校毕业生: a claim without "
         "graduation_year", facts=STORED_V1, validate=False, on=D(2022, 7, 15), entitled="6500.00",
         says={"graduate": NOT_CHECKED}),
    Case("v1_rules_do_not_check_a_recorded_graduation_year", "本通知所指高校毕业生: rules without "
         "graduate_within_years", facts={"graduation_year": 2010, "diploma_date": DROP}, validate=False, without=("graduate_within_years",),
         entitled="5000.00", says={"graduate": NOT_CHECKED}),
    Case("v1_rules_recorded_without_provenance", "二.5: a rule set rebuilt without where its values came from",
         without=("graduate_within_years",), provenance=False, entitled="5000.00",
         cites={"amount": ({"name": "amount", "value": "5000.00", "region": None, "effective_from": None,
                            "source": ""},)}),
]


@table(CASES)
def test_startup(case: Case) -> None:
    TABLE.check(case)


def test_startup_is_for_the_applicant_alone():
    """二.5: a person applies for their own business, paid from the employment subsidy fund."""
    program = TABLE.program
    assert (program.applicant_kinds, program.beneficiary, program.fund_types) == (
        ("person",), False, ("employment_subsidy",))
