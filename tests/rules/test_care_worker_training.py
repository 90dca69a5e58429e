"""辽政办发〔2022〕32号 三.5 养老托育从业人员培训补贴: the training institution is paid by
the level of the certificate a care worker obtained (三.12's figures, a local assumption),
once per trainee, occupation and level, and a certificate once."""
from __future__ import annotations

from .table import INSTITUTION, TRAINEE, Case, D, Limit, Table, invalid, not_eligible, table

TABLE = Table("care_worker_training",
              facts={"occupation": "elderly_care_worker", "level": "primary", "certificate_no": "YL2022-0001",
                     "certificate_date": "2022-08-01", "employed_in_care": True},
              on=D(2022, 9, 1), region="210102", kind="institution", applicant=INSTITUTION, beneficiary=TRAINEE)


def limits(occupation: str = "elderly_care_worker", level: str = "primary") -> tuple[Limit, ...]:
    return (Limit("care_worker_training:certificate:YL20220001", 1, "once", "a certificate number once"),
            Limit(f"care_worker_training:trainee:{TRAINEE}:{occupation}:{level}", 1, "once",
                  "the same occupation and level once"))


CASES = [
    *[Case(f"{level}_certificate_is_{amount}", "32号 三.5 按规定落实培训补贴 (三.12's figures, local assumption)",
           facts={"level": level}, entitled=f"{amount}.00", prepay=0, ready=True, limits=limits(level=level),
           steps=("employed_in_care", "certificate_date", "amount", "prepayment"),
           cites={"amount": ({"name": level, "value": f"{amount}.00"},)})
      for level, amount in (("primary", 1000), ("intermediate", 1500), ("advanced", 2000))],
    Case("a_childcare_worker_too", "32号 三.5 养老托育从业人员", facts={"occupation": "childcare_worker"},
         entitled="1000.00", limits=limits("childcare_worker"), says={"amount": "保育师"}),
    Case("not_working_in_care_is_refused", "32号 三.5 从业人员", facts={"employed_in_care": False},
         refused=not_eligible("care_worker_training.employed_in_care")),
    Case("certificate_dated_after_the_application_is_refused", "a certificate obtained by the application date",
         facts={"certificate_date": "2022-09-02"}, refused=not_eligible("care_worker_training.certificate_date")),
    Case("certificate_dated_the_application_date_counts", "a certificate obtained by the application date",
         facts={"certificate_date": "2022-09-01"}, entitled="1000.00"),
    Case("another_occupation_is_422", "32号 三.5: 养老护理员, 保育师", facts={"occupation": "nurse"},
         refused=invalid("facts.occupation")),
]


@table(CASES)
def test_care_worker_training(case):
    TABLE.check(case)
