"""一.1 一次性吸纳就业补贴: a small, medium or micro firm hiring a graduate of the application
year on a contract of at least a year receives its own contribution for months_covered
months, applied for by 2022-12-31; a firm deferring contributions is prepaid at most a share
and the rest once it resumes; once per hire, and never together with job_expansion."""
from __future__ import annotations

from ledger.policy.programs import Context, decide

from .table import CATALOG, EMPLOYER, HIRE, Case, D, Limit, Table, Version, invalid, not_eligible, raises, table

TABLE = Table("absorption", facts={"graduation_year": 2022, "contract_months": 12, "enterprise_size": "small",
                                   "employer_monthly_contribution": "1200.00"},
              on=D(2022, 7, 1), region="210102", kind="enterprise", applicant=EMPLOYER, beneficiary=HIRE)
STEPS = ("apply_until", "graduation_year", "contract_months", "enterprise_size", "amount", "prepayment")
ONCE_PER_HIRE = Limit(f"absorption:hire:{EMPLOYER}:{HIRE}", 1, "count", "once per hire")


def hire_in(year: int) -> Limit:
    return Limit(f"hire:{HIRE}:{year}", 1, "once", "for job_expansion or absorption but not both")


TIELING_2 = (Version("months_covered", 2, region="211200", effective_from=D(2022, 8, 1), source="Tieling"),)
# A deadline extended for 2023, so that the year's other versions can be shown deciding claims.
# A deadline outside 一.1's figure (= 2022-12-31), as an earlier release could record it.
EXTENDED = Version("apply_until", "2023-12-31", effective_from=D(2023, 1, 1), stored=True)
PREPAY_03_IN_2023 = (EXTENDED, Version("prepay_share", "0.3", effective_from=D(2023, 1, 1)))

CASES = [
    Case("pays_the_employer_contribution_for_months_covered", "一.1: 按企业为其缴纳的最长不超过6个月社会保险费",
         entitled="7200.00", prepay=0, ready=True, steps=STEPS, limits=(hire_in(2022), ONCE_PER_HIRE),
         arithmetic={"amount": "1200.00 × 6 = 7200.00", "apply_until": "2022-07-01 ≤ 2022-12-31"},
         cites={"apply_until": ("apply_until",), "graduation_year": (), "contract_months": (), "enterprise_size": (),
                "amount": ({"name": "months_covered", "value": 6, "region": "210000", "effective_from": "2022-06-04",
                            "source": "the notice's ceiling; Tieling chose 2"},),
                "prepayment": ()}),
    Case("graduated_the_year_before_is_refused", "一.1: 招用毕业年度高校毕业生", facts={"graduation_year": 2021},
         refused=not_eligible("absorption.graduation_year", "2022")),
    Case("graduating_the_year_after_is_refused", "一.1: 招用毕业年度高校毕业生", facts={"graduation_year": 2023},
         refused=not_eligible("absorption.graduation_year", "2022")),
    Case("contract_of_12_months_qualifies", "一.1: 签订1年以上期限劳动合同", facts={"contract_months": 12},
         entitled="7200.00"),
    Case("contract_of_11_months_is_refused", "一.1: 签订1年以上期限劳动合同", facts={"contract_months": 11},
         refused=not_eligible("absorption.contract_months")),
    Case("micro_firm_qualifies", "一.1: 中小微企业", facts={"enterprise_size": "micro"}, entitled="7200.00"),
    Case("small_firm_qualifies", "一.1: 中小微企业", facts={"enterprise_size": "small"}, entitled="7200.00"),
    Case("medium_firm_qualifies", "一.1: 中小微企业", facts={"enterprise_size": "medium"}, entitled="7200.00"),
    Case("large_firm_is_refused", "一.1: 中小微企业", facts={"enterprise_size": "large"},
         refused=not_eligible("absorption.enterprise_size")),
    Case("deferring_firm_is_prepaid_at_most_half_until_it_resumes", "一.1: 在阶段性缓缴社会保险费期限内…可预拨不超过50%",
         facts={"contribution_deferred": True}, entitled="7200.00", prepay="1/2", prepayable="3600.00", ready=False,
         steps=STEPS, arithmetic={"prepayment": "⌊7200.00 × 0.5⌋ = 3600.00"}, cites={"prepayment": ("prepay_share",)}),
    Case("resuming_later_releases_the_rest", "一.1: 余下部分在企业恢复缴纳社会保险费后拨付",
         facts={"contribution_deferred": True}, later={"contribution_deferred": False},
         entitled="7200.00", prepay=0, ready=True),
    Case("not_deferring_at_submission_is_paid_in_full", "一.1: a firm paying its contributions is not prepaid",
         facts={"contribution_deferred": False}, entitled="7200.00", prepay=0, ready=True),
    Case("only_contribution_deferred_comes_later", "DOMAIN.md facts: contribution_deferred is the one later fact",
         later={"enterprise_size": "micro"},
         refused=invalid("facts.enterprise_size", "cannot change after submission")),
    Case("enterprise_size_outside_the_four_is_refused", "一.1: 中小企业划型标准", facts={"enterprise_size": "huge"},
         refused=invalid("facts.enterprise_size")),
    Case("contribution_without_two_decimals_is_refused", "DOMAIN.md facts: money is a two-decimal string",
         facts={"employer_monthly_contribution": "1200"}, refused=invalid("facts.employer_monthly_contribution")),
    Case("a_claim_without_a_hire_cannot_be_decided", "一.1: a claim is for one hire", beneficiary=None,
         refused=raises(ValueError, "claimed for a hire")),
    # ---- months_covered set by a city (具体标准由各市确定)
    Case("tieling_2_months_from_its_date", "一.1: 具体标准由各市确定 — Tieling chose 2", versions=TIELING_2,
         region="211202", on=D(2022, 8, 1), entitled="2400.00",
         cites={"amount": ({"name": "months_covered", "value": 2, "region": "211200",
                            "effective_from": "2022-08-01"},)}),
    Case("tieling_6_months_the_day_before", "一.1: a city's figure from its effective date only", versions=TIELING_2,
         region="211202", on=D(2022, 7, 31), entitled="7200.00"),
    Case("tieling_figure_not_in_shenyang", "一.1: a city's figure in its own districts only", versions=TIELING_2,
         region="210102", on=D(2022, 8, 1), entitled="7200.00"),
    Case("prepay_share_of_next_year_not_in_force_yet", "一.1: a version effective 2023-01-01 changes nothing in 2022",
         versions=PREPAY_03_IN_2023, on=D(2022, 12, 31), facts={"contribution_deferred": True}, prepay="1/2"),
    Case("prepay_share_of_next_year_in_force_then", "一.1: 可预拨不超过50% — the share in force on the date",
         versions=PREPAY_03_IN_2023, on=D(2023, 1, 1), facts={"graduation_year": 2023, "contribution_deferred": True},
         prepay="3/10", prepayable="2160.00"),
    # ---- the deadline (DOMAIN.md, conditions the notice adds)
    Case("applied_on_2022-12-31_the_last_day_passes", "一.1: 政策实施期限截至2022年12月31日", on=D(2022, 12, 31),
         entitled="7200.00", arithmetic={"apply_until": "2022-12-31 ≤ 2022-12-31"}),
    Case("applied_on_2023-01-01_the_day_after_is_refused", "一.1: 政策实施期限截至2022年12月31日", on=D(2023, 1, 1),
         facts={"graduation_year": 2023}, refused=not_eligible("absorption.apply_until", "2022-12-31"),
         steps=("apply_until",), arithmetic={"apply_until": "2023-01-01 > 2022-12-31"},
         cites={"apply_until": ({"name": "apply_until", "value": "2022-12-31", "source": "the notice"},)}),
    Case("review_reproduction_2023-03-01_is_refused_not_paid_4800", "一.1: 政策实施期限截至2022年12月31日 (the review "
         "found a claim of 2023-03-01 paid 800.00 × 6 = 4800.00)", on=D(2023, 3, 1),
         facts={"graduation_year": 2023, "employer_monthly_contribution": "800.00"},
         refused=not_eligible("absorption.apply_until")),
    # ---- once per hire in any year; the hire's year shared with job_expansion
    Case("once_per_hire_in_any_year_and_the_hire_year_of_the_date", "一.1: 一次性; 与一次性扩岗补助不重复享受",
         versions=(EXTENDED,), on=D(2023, 3, 1), facts={"graduation_year": 2023},
         limits=(hire_in(2023), ONCE_PER_HIRE)),
    Case("another_employer_of_the_same_graduate_is_another_hire", "一.1: 一次性 — per employer and graduate",
         applicant="f" * 64, limits=(hire_in(2022), Limit(f"absorption:hire:{'f' * 64}:{HIRE}", 1, "count"))),
    # ---- a rule set recorded before the deadline was a parameter decides as it did
    Case("rule_set_without_apply_until_decides_as_it_did", "一.1 under the rules recorded before the revision of "
         "2026-11-30 (RuleSet.from_wire without apply_until)", without=("apply_until",), on=D(2023, 3, 1),
         facts={"graduation_year": 2023, "employer_monthly_contribution": "800.00"}, entitled="4800.00",
         steps=STEPS, says={"apply_until": ("not checked", "未核对")}),
]


@table(CASES)
def test_absorption(case: Case) -> None:
    TABLE.check(case)


def test_absorption_and_job_expansion_share_one_hire_key():
    """一.1: 与一次性吸纳就业补贴不重复享受 — both programs take the same key, so one hire is
    subsidised by one of the two, for one employer, once a calendar year."""
    absorption = TABLE.decide(CASES[0])
    on = D(2022, 7, 1)
    expansion = decide("job_expansion", CATALOG.program("job_expansion").validate_facts(
        {"graduation_year": 2022, "contract_start": "2022-07-01", "unemployment_insured": True}),
        CATALOG.resolve("job_expansion", "210102", on), Context(on, "210102", "enterprise", "f" * 64, HIRE))
    assert expansion.limits == (absorption.limits[0],)


def test_contribution_deferred_false_is_a_later_fact():
    """一.1: 余下部分在企业恢复缴纳社会保险费后拨付 — the clerk records later that the firm resumed."""
    assert TABLE.program.validate_later_facts({"contribution_deferred": False}) == {"contribution_deferred": False}
