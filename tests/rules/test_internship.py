"""一.3 就业见习补贴: (living allowance + management fee) per month of the term, prepaid up to
a share, settled on the months served; the whole term counts when the intern left for stable
employment with less than a third of the term left, for claims applied by 2022-12-31; at
most max_term_months per intern across all the intern's claims; the intern is one the notice
names, on the day the internship starts (DOMAIN.md, Graduates, hires, interns; F8)."""
from __future__ import annotations

from ledger.money import floor_fen

from .table import DROP, INSTITUTION, Cap, Case, D, Table, Version, cap_reached, invalid, not_eligible, table, took

INTERN = "9" * 64
TABLE = Table("internship", facts={"term_months": 3, "intern_category": "graduate_left", "started_on": "2022-06-15",
                                   "left_school_on": "2022-06-01"},
              on=D(2022, 7, 1), region="210102", kind="institution", applicant=INSTITUTION, beneficiary=INTERN)
YOUTH = {"intern_category": "unemployed_youth", "left_school_on": DROP, "started_on": "2022-06-15"}
STUDENT = {"intern_category": "graduating_student", "left_school_on": DROP, "graduation_year": 2023}
INTERN_KEY = f"internship:intern:{INTERN}"
PREPAY_A_THIRD = (Version("prepay_share", "1/3", region="210100"),)
SHENYANG_6_FROM_SEPTEMBER = (Version("max_term_months", 6, region="210100", effective_from=D(2022, 9, 1)),)
LEFT_FOR_A_JOB_AFTER_3_OF_4 = {"months_served": 3, "left_for_employment": True}


def intern_cap(units: int, cap: int = 12) -> tuple[Cap, ...]:
    return (Cap(INTERN_KEY, units, cap, "months"),)


CASES = [
    Case("worked_example_3_months_3450_with_1725_prepayable", "一.3: 基本生活费每人每月…元、每人每月指导管理费…元；可预拨最多不超过50%",
         entitled="3450.00", prepay="1/2", prepayable="1725.00", ready=False, limits=(), caps=intern_cap(3),
         steps=("term_months", "intern", "months_served", "cap", "amount", "prepayment"),
         arithmetic={"amount": "(1000.00 + 150.00) × 3 = 3450.00", "prepayment": "⌊3450.00 × 0.5⌋ = 1725.00",
                     "cap": "max(0, 12 − 0) = 12; min(3, 12) = 3"},
         cites={"term_months": ("max_term_months",), "intern": (), "months_served": (), "cap": ("max_term_months",),
                "amount": ("living_allowance", "management_fee"), "prepayment": ("prepay_share",)}),
    Case("term_of_12_months_is_the_longest", "一.3: term ≤ max_term_months (12)", facts={"term_months": 12},
         entitled="13800.00"),
    Case("term_of_13_months_is_refused", "一.3: term ≤ max_term_months (12)", facts={"term_months": 13},
         refused=not_eligible("internship.term_months"), cites={"term_months": ("max_term_months",)}),
    Case("term_of_1_month_is_the_shortest", "一.3: a term is at least a month", facts={"term_months": 1},
         entitled="1150.00"),
    Case("term_of_0_months_is_not_a_term", "一.3: a term is at least a month", facts={"term_months": 0},
         refused=invalid("facts.term_months")),
    # ---- settlement on the months served
    Case("worked_example_left_after_1_of_3_not_for_a_job_1150", "一.3: settled on the months served",
         later={"months_served": 1, "left_for_employment": False}, entitled="1150.00", ready=True,
         arithmetic={"amount": "(1000.00 + 150.00) × 1 = 1150.00"},
         says={"months_served": "settled on 1 month served"}),
    Case("months_served_alone_settles", "一.3: settled on the months served", later={"months_served": 1},
         entitled="1150.00", ready=True),
    Case("left_for_a_job_with_less_than_a_third_left_counts_the_term", "一.3: 距见习期不足三分之一时…实现稳定就业…按协议确定的最长期限计算",
         facts={"term_months": 4}, later=LEFT_FOR_A_JOB_AFTER_3_OF_4, entitled="4600.00", ready=True,
         steps=("term_months", "intern", "left_for_employment", "cap", "amount", "prepayment"),
         arithmetic={"left_for_employment": "3 × (4 − 3) = 3 < 4"}),
    Case("left_for_a_job_after_9_of_12_counts_the_term", "一.3: 不足三分之一 — 3 of 12 left",
         facts={"term_months": 12}, later={"months_served": 9, "left_for_employment": True}, entitled="13800.00"),
    Case("left_for_a_job_with_exactly_a_third_left_of_3_counts_served", "一.3: 不足三分之一 is strict",
         later={"months_served": 2, "left_for_employment": True}, entitled="2300.00",
         arithmetic={"months_served": "3 × (3 − 2) = 3 ≥ 3"}),
    Case("left_for_a_job_with_exactly_a_third_left_of_12_counts_served", "一.3: 不足三分之一 is strict",
         facts={"term_months": 12}, later={"months_served": 8, "left_for_employment": True}, entitled="9200.00"),
    Case("left_for_a_job_with_two_thirds_left_counts_served", "一.3: 不足三分之一",
         later={"months_served": 1, "left_for_employment": True}, entitled="1150.00"),
    Case("left_late_not_for_a_job_counts_served", "一.3: only stable employment earns the whole term",
         facts={"term_months": 4}, later={"months_served": 3, "left_for_employment": False}, entitled="3450.00"),
    Case("served_the_whole_term", "一.3: settled on actual months, up to the term", later={"months_served": 3},
         entitled="3450.00"),
    Case("served_no_month", "一.3: settled on actual months, from 0", later={"months_served": 0}, entitled="0.00",
         ready=True, caps=intern_cap(0)),
    Case("served_more_than_the_term_is_refused", "一.3: an intern cannot serve more than the agreed term",
         later={"months_served": 4}, refused=invalid("facts.months_served")),
    Case("left_for_employment_alone_does_not_settle", "一.3: settlement needs the months served",
         later={"left_for_employment": True}, entitled="3450.00", ready=False),
    Case("months_served_at_submission_settles_at_once", "一.3: a host filing after the internship",
         facts={"months_served": 2}, entitled="2300.00", ready=True),
    Case("prepay_share_of_a_city_floors_to_the_fen", "一.3: 可预拨最多不超过50% — a city's share, rounded down",
         versions=PREPAY_A_THIRD, facts={"term_months": 1}, prepay="1/3", prepayable="383.33",
         arithmetic={"prepayment": "⌊1150.00 × 1/3⌋ = 383.33"}),
    Case("term_cannot_change_after_submission",
         "DOMAIN.md facts: only months_served and left_for_employment come later",
         later={"term_months": 2}, refused=invalid("facts.term_months", "cannot change after submission")),
    # ---- the full-term rule's deadline (对距见习期…政策受理期限截至2022年12月31日)
    Case("full_term_rule_for_a_claim_applied_2022-12-31", "一.3: 政策受理期限截至2022年12月31日", on=D(2022, 12, 31),
         facts={"term_months": 4}, later=LEFT_FOR_A_JOB_AFTER_3_OF_4, entitled="4600.00"),
    Case("no_full_term_rule_for_a_claim_applied_2023-01-01", "一.3: 政策受理期限截至2022年12月31日", on=D(2023, 1, 1),
         facts={"term_months": 4}, later=LEFT_FOR_A_JOB_AFTER_3_OF_4, entitled="3450.00",
         steps=("term_months", "intern", "full_term_rule_until", "months_served", "cap", "amount", "prepayment"),
         arithmetic={"full_term_rule_until": "2023-01-01 > 2022-12-31"},
         cites={"full_term_rule_until": ({"name": "full_term_rule_until", "value": "2022-12-31"},)}),
    # After the deadline the months served are paid; the step must not claim a third or more
    # was left when less was (3 × (4 − 3) = 3 is not ≥ 4).
    Case("after_the_deadline_settlement_does_not_claim_a_third_was_left", "一.3: 政策受理期限截至2022年12月31日",
         on=D(2023, 1, 1), facts={"term_months": 4}, later=LEFT_FOR_A_JOB_AFTER_3_OF_4, entitled="3450.00",
         omits={"months_served": ("a third of the term or more", "不少于三分之一", "3 ≥ 4")}),
    Case("rule_set_without_the_deadline_keeps_the_full_term_rule", "一.3 under the rules recorded before the revision "
         "of 2026-11-30 (RuleSet.from_wire without full_term_rule_until)", without=("full_term_rule_until",),
         on=D(2023, 1, 1), facts={"term_months": 4}, later=LEFT_FOR_A_JOB_AFTER_3_OF_4, entitled="4600.00"),
    # ---- the cap across claims: max_term_months per intern
    Case("earlier_claims_took_9_the_term_of_3_fits", "一.3: internship months per intern, across claims",
         prior={INTERN_KEY: took(9, "claim-1")}, entitled="3450.00", caps=intern_cap(3),
         arithmetic={"cap": "max(0, 12 − 9) = 3; min(3, 3) = 3"}),
    Case("earlier_claims_took_10_the_rest_is_2_months", "一.3: internship months per intern, across claims",
         prior={INTERN_KEY: took(10, "claim-1")}, entitled="2300.00", prepayable="1150.00", caps=intern_cap(2),
         arithmetic={"cap": "max(0, 12 − 10) = 2; min(3, 2) = 2", "amount": "(1000.00 + 150.00) × 2 = 2300.00"}),
    Case("earlier_claims_took_12_nothing_remains", "一.3: internship months per intern, across claims",
         prior={INTERN_KEY: took(12, "claim-1", "claim-2")}, refused=cap_reached("internship.cap"),
         steps=("term_months", "intern", "months_served", "cap")),
    Case("earlier_claims_took_12_a_settlement_of_0_months_passes", "一.3: a claim settled at nothing takes nothing",
         prior={INTERN_KEY: took(12, "claim-1")}, later={"months_served": 0}, entitled="0.00", caps=intern_cap(0)),
    Case("full_term_counted_within_what_remains", "一.3: the full term, within the intern's months",
         facts={"term_months": 4}, later=LEFT_FOR_A_JOB_AFTER_3_OF_4, prior={INTERN_KEY: took(10, "claim-1")},
         entitled="2300.00", caps=intern_cap(2)),
    Case("another_intern_has_their_own_months", "一.3: per intern", beneficiary="8" * 64,
         elsewhere={INTERN_KEY: took(12, "claim-1")}, entitled="3450.00",
         caps=(Cap(f"internship:intern:{'8' * 64}", 3, 12, "months"),)),
    Case("term_cap_lowered_mid_year_holds_the_later_claim", "DOMAIN.md: the cap in force on the later claim's own date",
         versions=SHENYANG_6_FROM_SEPTEMBER, on=D(2022, 9, 1), prior={INTERN_KEY: took(6, "claim-1")},
         refused=cap_reached("internship.cap")),
    Case("term_cap_lowered_mid_year_not_for_a_claim_before_it", "DOMAIN.md: the cap in force on the claim's own date",
         versions=SHENYANG_6_FROM_SEPTEMBER, on=D(2022, 8, 31), prior={INTERN_KEY: took(6, "claim-1")},
         entitled="3450.00", caps=intern_cap(3)),
    # ---- who the intern is, on the day the internship starts (一.3; DOMAIN.md F8)
    Case("graduate_starting_two_years_after_leaving", "一.3: 离校2年内未就业的高校毕业生",
         facts={"left_school_on": "2020-06-15"}, entitled="3450.00",
         arithmetic={"intern": "2020-06-15 ≤ 2022-06-15 ≤ 2022-06-15"}),
    Case("graduate_starting_a_day_after_two_years_is_refused", "一.3: 离校2年内未就业的高校毕业生",
         facts={"left_school_on": "2020-06-14"}, refused=not_eligible("internship.intern")),
    Case("starting_before_leaving_school_is_not_the_left_category", "一.3: 离校…未就业",
         facts={"left_school_on": "2022-06-16"}, refused=not_eligible("internship.intern")),
    Case("vocational_graduate_within_two_years", "一.3: 中职毕业生", facts={"intern_category": "vocational_left"},
         entitled="3450.00"),
    Case("left_category_without_a_date_is_422", "DOMAIN.md F8: by category left_school_on, else 422 not_eligible",
         facts={"left_school_on": DROP}, refused=not_eligible("internship.intern")),
    Case("youth_on_the_16th_birthday", "一.3: 16至24岁失业青年 — the 16th birthday included", facts=YOUTH,
         birth=D(2006, 6, 15), entitled="3450.00", arithmetic={"intern": "2022-06-15 ≤ 2022-06-15 < 2031-06-15"}),
    Case("youth_the_day_before_the_16th_birthday_is_refused", "一.3: 16至24岁失业青年", facts=YOUTH,
         birth=D(2006, 6, 16), refused=not_eligible("internship.intern")),
    Case("youth_on_the_eve_of_the_25th_birthday", "一.3: 16至24岁 — until the eve of the 25th birthday", facts=YOUTH,
         birth=D(1997, 6, 16), entitled="3450.00"),
    Case("youth_on_the_25th_birthday_is_refused", "一.3: 16至24岁 — 25 is too old", facts=YOUTH,
         birth=D(1997, 6, 15), refused=not_eligible("internship.intern"),
         arithmetic={"intern": "2022-06-15 ∉ [2013-06-15, 2022-06-15)"}),
    Case("an_intern_born_in_1970_is_refused", "一.3: the audit's intern born 1970 (issue 19, F8)", facts=YOUTH,
         birth=D(1970, 1, 1), refused=not_eligible("internship.intern")),
    Case("youth_without_a_birth_date_is_refused", "一.3: age by the identity number", facts=YOUTH,
         refused=not_eligible("internship.intern")),
    Case("graduating_student_from_1_september", "一.3: 毕业学年高校毕业生", on=D(2022, 9, 10),
         facts={**STUDENT, "started_on": "2022-09-01"}, entitled="3450.00",
         arithmetic={"intern": "2022-09-01 ≤ 2022-09-01 ≤ 2023-08-31"}),
    Case("graduating_student_in_the_year", "一.3: 毕业学年高校毕业生 (1 September – 31 August)",
         facts={**STUDENT, "graduation_year": 2022}, entitled="3450.00",
         arithmetic={"intern": "2021-09-01 ≤ 2022-06-15 ≤ 2022-08-31"}),
    Case("graduating_student_of_next_year_is_refused_before_september", "一.3: 毕业学年",
         facts=STUDENT, refused=not_eligible("internship.intern")),
    Case("intern_category_is_required", "DOMAIN.md F8: intern_category, started_on",
         facts={"intern_category": DROP}, refused=invalid("facts.intern_category")),
    Case("started_on_is_required", "DOMAIN.md F8: intern_category, started_on",
         facts={"started_on": DROP}, refused=invalid("facts.started_on")),
    Case("stored_without_a_category_notes_the_intern_not_checked", "DOMAIN.md: stored claims still load",
         facts={"intern_category": DROP, "started_on": DROP, "left_school_on": DROP}, validate=False,
         entitled="3450.00", says={"intern": "not checked"}),
]


@table(CASES)
def test_internship(case: Case) -> None:
    TABLE.check(case)


def test_worked_example_prepaid_1725_settled_at_1150_leaves_575_to_claw_back():
    """一.3 worked example: the prepayment of an unsettled 3-month claim, less what the intern
    who left after 1 month not for a job earned, is the clawback: 1725.00 − 1150.00 = 575.00."""
    prepaid = TABLE.decide(CASES[0])
    settled = TABLE.decide(next(c for c in CASES if c.id == "worked_example_left_after_1_of_3_not_for_a_job_1150"))
    assert floor_fen(prepaid.entitled_fen * prepaid.prepay_share) - settled.entitled_fen == 57500
