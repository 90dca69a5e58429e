"""一.1 一次性扩岗补助: a graduate of the application year, on a labour contract, insured
against unemployment, applied for by the deadline: per_hire, once per hire and calendar
year, and never together with absorption for the same hire."""
from __future__ import annotations

import pytest

from ledger.policy.programs import Context, decide

from .table import CATALOG, EMPLOYER, HIRE, Case, D, Limit, Table, Version, not_eligible, raises, table

TABLE = Table("job_expansion", facts={"graduation_year": 2022, "contract_start": "2022-07-01",
                                      "unemployment_insured": True},
              on=D(2022, 7, 1), region="210102", kind="enterprise", applicant=EMPLOYER, beneficiary=HIRE)
HIRE_2022 = Limit(f"hire:{HIRE}:2022", 1, "once", "for job_expansion or absorption but not both")
SHENYANG_1200 = (Version("per_hire", "1200.00", region="210100", effective_from=D(2022, 7, 1), source="Shenyang"),)

CASES = [
    Case("pays_per_hire_1500_once_without_prepayment", "一.1: 按照每人1500元标准发放一次性扩岗补助",
         entitled="1500.00", prepay=0, ready=True, limits=(HIRE_2022,),
         steps=("graduation_year", "unemployment_insured", "contract_start", "apply_until", "amount"),
         arithmetic={"amount": "1500.00 × 1 = 1500.00"},
         cites={"graduation_year": (), "unemployment_insured": (), "contract_start": (),
                "apply_until": ({"name": "apply_until", "value": "2022-12-31"},),
                "amount": ({"name": "per_hire", "value": "1500.00", "region": "210000", "effective_from": "2022-06-04",
                            "source": "the notice, via Liaoning mirrors"},)}),
    Case("graduated_the_year_before_is_refused", "一.1: 招用毕业年度高校毕业生", facts={"graduation_year": 2021},
         refused=not_eligible("job_expansion.graduation_year", "2022")),
    Case("graduating_the_year_after_is_refused", "一.1: 招用毕业年度高校毕业生", facts={"graduation_year": 2023},
         refused=not_eligible("job_expansion.graduation_year", "2022")),
    Case("not_insured_against_unemployment_is_refused", "一.1: 签订劳动合同并参加失业保险",
         facts={"unemployment_insured": False}, refused=not_eligible("job_expansion.unemployment_insured")),
    Case("contract_starting_on_the_application_date_counts", "一.1: 签订劳动合同",
         facts={"contract_start": "2022-07-01"}, entitled="1500.00"),
    Case("contract_starting_the_day_after_is_refused", "一.1: 签订劳动合同", facts={"contract_start": "2022-07-02"},
         refused=not_eligible("job_expansion.contract_start")),
    Case("applied_on_2022-12-31_the_last_day_passes", "一.1: 政策实施期限截至2022年12月31日", on=D(2022, 12, 31),
         facts={"contract_start": "2022-12-01"}, entitled="1500.00", limits=(HIRE_2022,),
         says={"apply_until": "applied 2022-12-31, within the deadline 2022-12-31"}),
    Case("applied_on_2023-01-01_the_day_after_is_refused", "一.1: 政策实施期限截至2022年12月31日", on=D(2023, 1, 1),
         facts={"graduation_year": 2023, "contract_start": "2022-12-01"},
         refused=not_eligible("job_expansion.apply_until"),
         says={"apply_until": "applied 2023-01-01, after the deadline 2022-12-31"},
         cites={"apply_until": ("apply_until",)}),
    Case("per_hire_of_a_city_from_its_date", "一.1: the amount is a parameter; a city's figure wins in its districts",
         versions=SHENYANG_1200, entitled="1200.00",
         cites={"amount": ({"name": "per_hire", "value": "1200.00", "region": "210100", "source": "Shenyang"},)}),
    Case("per_hire_of_a_city_not_before_its_date", "一.1: a city's figure from its effective date only",
         versions=SHENYANG_1200, on=D(2022, 6, 30), facts={"contract_start": "2022-06-01"}, entitled="1500.00"),
    Case("a_claim_without_a_hire_cannot_be_decided", "一.1: 每人 — a claim is for one hire", beneficiary=None,
         refused=raises(ValueError, "claimed for a hire")),
]


@table(CASES)
def test_job_expansion(case: Case) -> None:
    TABLE.check(case)


def test_job_expansion_is_decided_only_under_its_own_rule_set():
    """一.1: another program's parameters never decide a job-expansion claim."""
    facts = TABLE.program.validate_facts(dict(TABLE.facts))
    rules = CATALOG.resolve("internship", "210102", D(2022, 7, 1))
    with pytest.raises(ValueError, match="cannot be decided under the rules of internship"):
        decide("job_expansion", facts, rules, Context(D(2022, 7, 1), "210102", "enterprise", EMPLOYER, HIRE))
