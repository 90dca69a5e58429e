"""二.8 一次性求职创业补贴: amount, once per person, for a graduate applying in the graduating
academic year (1 September of the year before graduation to 31 August of it) who belongs to
one of the eight listed hardship categories."""
from __future__ import annotations

from .table import PERSON, Case, D, Limit, Table, Version, invalid, not_eligible, table

TABLE = Table("job_search", facts={"graduation_year": 2022, "hardship_category": "low_income"}, on=D(2022, 7, 1),
              region="210202", kind="person", applicant=PERSON, beneficiary=None)
CATEGORIES = ("low_income", "disabled_family", "poverty_alleviation", "extreme_poverty", "disability",
              "martyr_family", "orphan", "student_loan")
ONCE = Limit(f"job_search:{PERSON}", 1, "once", "once per person")
SHENYANG_1500 = (Version("amount", "1500.00", region="210100", effective_from=D(2022, 9, 1), source="Shenyang"),)
AMOUNT_2000_IN_2023 = (Version("amount", "2000.00", effective_from=D(2023, 1, 1)),)

CASES = [
    *[Case(f"hardship_{category}_qualifies", "二.8: 低保家庭、残疾人子女、脱贫家庭、特困、残疾、烈士子女、孤儿、国家助学贷款",
           facts={"hardship_category": category}, entitled="1000.00", prepay=0, ready=True, limits=(ONCE,),
           steps=("graduation_year", "hardship_category", "amount", "prepayment"),
           cites={"graduation_year": (), "hardship_category": (), "prepayment": (),
                  "amount": ({"name": "amount", "value": "1000.00", "source": "local assumption: Dalian's figure"},)})
      for category in CATEGORIES],
    Case("other_hardship_is_refused_as_a_fact", "二.8: only the eight listed", facts={"hardship_category": "unemployed"},
         refused=invalid("facts.hardship_category")),
    Case("other_hardship_is_refused_by_the_rule", "二.8: only the eight listed", validate=False,
         facts={"hardship_category": "unemployed"}, refused=not_eligible("job_search.hardship_category")),
    # ---- the graduating academic year (毕业学年), both ends included
    Case("graduate_of_2023_applying_2022-09-01_first_day_of_the_academic_year", "二.8: 对毕业学年…毕业生",
         facts={"graduation_year": 2023}, on=D(2022, 9, 1), entitled="1000.00", limits=(ONCE,),
         arithmetic={"graduation_year": "2022-09-01 ≤ 2022-09-01 ≤ 2023-08-31"}),
    Case("graduate_of_2023_applying_2022-08-31_the_day_before_is_refused", "二.8: 对毕业学年…毕业生",
         facts={"graduation_year": 2023}, on=D(2022, 8, 31), refused=not_eligible("job_search.graduation_year"),
         arithmetic={"graduation_year": "2022-08-31 ∉ [2022-09-01, 2023-08-31]"}),
    Case("graduate_of_2023_applying_2023-08-31_last_day_of_the_academic_year", "二.8: 对毕业学年…毕业生",
         facts={"graduation_year": 2023}, on=D(2023, 8, 31), entitled="1000.00",
         arithmetic={"graduation_year": "2022-09-01 ≤ 2023-08-31 ≤ 2023-08-31"}),
    Case("graduate_of_2023_applying_2023-09-01_the_day_after_is_refused", "二.8: 对毕业学年…毕业生",
         facts={"graduation_year": 2023}, on=D(2023, 9, 1), refused=not_eligible("job_search.graduation_year"),
         arithmetic={"graduation_year": "2023-09-01 ∉ [2022-09-01, 2023-08-31]"}),
    Case("graduate_of_2022_applying_2022-08-31_last_day", "二.8: 对毕业学年…毕业生", on=D(2022, 8, 31),
         entitled="1000.00"),
    Case("graduate_of_2022_applying_2022-09-01_the_day_after_is_refused", "二.8: 对毕业学年…毕业生", on=D(2022, 9, 1),
         refused=not_eligible("job_search.graduation_year")),
    Case("graduate_of_2021_in_july_2022_is_refused", "二.8: 毕业学年", facts={"graduation_year": 2021},
         refused=not_eligible("job_search.graduation_year")),
    Case("graduate_of_2023_in_july_2022_is_refused", "二.8: 毕业学年", facts={"graduation_year": 2023},
         refused=not_eligible("job_search.graduation_year")),
    Case("once_per_person_whatever_the_year", "二.8: once per person", facts={"graduation_year": 2023},
         on=D(2023, 3, 1), limits=(ONCE,)),
    Case("nothing_comes_later", "DOMAIN.md facts: no later facts", later={"hardship_category": "orphan"},
         refused=invalid("facts.hardship_category", "cannot change after submission")),
    # ---- parameters by region and date
    Case("shenyang_amount_from_its_date", "二.8 不低于…元: Shenyang's figure", versions=SHENYANG_1500, region="210102",
         on=D(2022, 9, 1), facts={"graduation_year": 2023}, entitled="1500.00"),
    Case("shenyang_amount_not_the_day_before", "二.8: a city's figure from its date only", versions=SHENYANG_1500,
         region="210102", on=D(2022, 8, 31), entitled="1000.00"),
    Case("shenyang_amount_not_in_dalian", "二.8: a city's figure in its own districts only", versions=SHENYANG_1500,
         on=D(2022, 9, 1), facts={"graduation_year": 2023}, entitled="1000.00"),
    Case("amount_of_next_year_not_in_force_yet", "二.8: a version effective 2023-01-01 changes nothing in 2022",
         versions=AMOUNT_2000_IN_2023, on=D(2022, 12, 31), facts={"graduation_year": 2023}, entitled="1000.00"),
    Case("amount_of_next_year_in_force_then", "二.8: the amount in force on the claim's date",
         versions=AMOUNT_2000_IN_2023, on=D(2023, 1, 1), facts={"graduation_year": 2023}, entitled="2000.00"),
]


@table(CASES)
def test_job_search(case: Case) -> None:
    TABLE.check(case)


def test_hardship_categories_are_the_eight_of_the_notice():
    """二.8: the fact offers exactly the eight categories the notice lists."""
    assert TABLE.program.fact("hardship_category").choices == CATEGORIES


def test_job_search_is_for_the_applicant_alone():
    """二.8: the graduate applies and is paid."""
    assert (TABLE.program.applicant_kinds, TABLE.program.beneficiary) == (("person",), False)
