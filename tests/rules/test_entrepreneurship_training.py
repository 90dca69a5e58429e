"""二.4 创业培训补贴: the training institution receives gyb_amount or syb_amount per trainee
whose course started in the trainee's graduation year (毕业年度, DOMAIN.md F9: the course's
year, so a January claim for a December course is paid), once per trainee and course."""
from __future__ import annotations

from .table import DROP, INSTITUTION, TRAINEE, Case, D, Limit, Table, Version, invalid, not_eligible, table

TABLE = Table("entrepreneurship_training", facts={"course": "SYB", "graduation_year": 2022,
                                                  "course_started_on": "2022-06-10"}, on=D(2022, 7, 1),
              region="210102", kind="institution", applicant=INSTITUTION, beneficiary=TRAINEE)
SHENYANG_SYB_2500 = (Version("syb_amount", "2500.00", region="210100", effective_from=D(2022, 9, 1),
                             source="Shenyang"),)
GYB_600_IN_2023 = (Version("gyb_amount", "600.00", effective_from=D(2023, 1, 1)),)


def once(course: str, trainee: str = TRAINEE) -> Limit:
    return Limit(f"entrepreneurship_training:{trainee}:{course}", 1, "count", f"the {course} course subsidised once "
                 "per trainee")


CASES = [
    *[Case(f"{course}_pays_{amount}_to_the_institution", "二.4: 按照每人创业引导培训不低于…元、创业指导培训不低于…元的标准，给予…培训机构",
           facts={"course": course}, entitled=f"{amount}.00", prepay=0, ready=True, limits=(once(course),),
           steps=("course_started_on", "graduation_year", "amount", "prepayment"),
           arithmetic={"amount": f"{amount}.00 × 1 = {amount}.00"},
           cites={"course_started_on": (), "graduation_year": (), "prepayment": (),
                  "amount": ({"name": parameter, "value": f"{amount}.00", "region": "210000",
                              "effective_from": "2022-06-04", "source": "local assumption: Liaoning practice"},)})
      for course, amount, parameter in (("GYB", 500, "gyb_amount"), ("SYB", 2000, "syb_amount"))],
    Case("graduated_the_year_before_is_refused", "二.4: 毕业年度高校毕业生可参加免费创业培训",
         facts={"graduation_year": 2021}, refused=not_eligible("entrepreneurship_training.graduation_year")),
    Case("graduating_the_year_after_is_refused", "二.4: 毕业年度高校毕业生", facts={"graduation_year": 2023},
         refused=not_eligible("entrepreneurship_training.graduation_year")),
    Case("syb_claim_in_january_for_a_december_course", "二.4 毕业年度: the course's year (issue 19, F9)",
         facts={"graduation_year": 2022, "course_started_on": "2022-12-12"}, on=D(2023, 1, 10), entitled="2000.00",
         arithmetic={"graduation_year": "2022 = 2022"}),
    Case("course_on_the_application_date_counts", "二.4: a course not after the application date",
         facts={"course_started_on": "2022-07-01"}, entitled="2000.00"),
    Case("course_after_the_application_date_is_refused", "二.4: a course not after the application date",
         facts={"course_started_on": "2022-07-02"}, refused=not_eligible("entrepreneurship_training.course_started_on")),
    Case("course_of_the_year_before_graduation_is_refused", "二.4: 毕业年度 of the course",
         facts={"graduation_year": 2023}, refused=not_eligible("entrepreneurship_training.graduation_year")),
    Case("course_started_on_is_required", "DOMAIN.md Graduates, hires, interns: course_started_on",
         facts={"course_started_on": DROP}, refused=invalid("facts.course_started_on")),
    Case("stored_without_a_course_date_is_decided_as_then", "二.4: a claim stored before F9 (毕业年度 by application)",
         facts={"course_started_on": DROP, "graduation_year": 2023}, validate=False, on=D(2023, 1, 1),
         entitled="2000.00", steps=("graduation_year", "amount", "prepayment")),
    Case("course_other_than_gyb_or_syb_is_refused", "二.4: the two courses of the notice", facts={"course": "IYB"},
         refused=invalid("facts.course")),
    Case("nothing_comes_later", "DOMAIN.md facts: no later facts", later={"course": "GYB"},
         refused=invalid("facts.course", "cannot change after submission")),
    # ---- once per trainee and course (DOMAIN.md, caps across claims)
    Case("the_same_course_once_in_any_year", "二.4: once per trainee and course, whatever the year",
         facts={"graduation_year": 2023, "course_started_on": "2023-02-01"}, on=D(2023, 3, 1), limits=(once("SYB"),)),
    Case("another_trainee_has_their_own_course", "二.4: once per trainee", beneficiary="f" * 64,
         limits=(once("SYB", "f" * 64),)),
    # ---- parameters by region and date
    Case("shenyang_syb_from_its_date", "二.4 不低于…元: Shenyang pays more", versions=SHENYANG_SYB_2500,
         on=D(2022, 9, 1), entitled="2500.00"),
    Case("shenyang_syb_not_the_day_before", "二.4: a city's figure from its date only", versions=SHENYANG_SYB_2500,
         on=D(2022, 8, 31), entitled="2000.00"),
    Case("shenyang_syb_not_in_dalian", "二.4: a city's figure in its own districts only", versions=SHENYANG_SYB_2500,
         on=D(2022, 9, 1), region="210202", entitled="2000.00"),
    Case("shenyang_syb_leaves_gyb_alone", "二.4: one parameter per course", versions=SHENYANG_SYB_2500,
         on=D(2022, 9, 1), facts={"course": "GYB"}, entitled="500.00"),
    Case("gyb_of_next_year_not_in_force_yet", "二.4: a version effective 2023-01-01 changes nothing in 2022",
         versions=GYB_600_IN_2023, on=D(2022, 12, 31), facts={"course": "GYB"}, entitled="500.00"),
    Case("gyb_of_next_year_in_force_then", "二.4: the amount in force on the claim's date", versions=GYB_600_IN_2023,
         on=D(2023, 1, 1), facts={"course": "GYB", "graduation_year": 2022}, entitled="600.00"),
]


@table(CASES)
def test_entrepreneurship_training(case: Case) -> None:
    TABLE.check(case)


def test_entrepreneurship_training_is_paid_to_the_institution_for_a_trainee():
    """二.4: 给予符合条件的培训机构创业培训补贴, from the skill-upgrade account or the employment fund."""
    program = TABLE.program
    assert (program.applicant_kinds, program.beneficiary, program.beneficiary_role) == (
        ("institution",), True, "trainee")
    assert program.fund_types == ("skill_upgrade_account", "employment_subsidy")
