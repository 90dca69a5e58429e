"""一.3 见习示范基地奖补: a one-off award to a unit approved as a national or provincial model
internship base, once per base and level."""
from __future__ import annotations

from .table import INSTITUTION, Case, D, Limit, Table, Version, invalid, not_eligible, table

TABLE = Table("internship_base_award", facts={"level": "national"}, on=D(2022, 7, 1), region="210102",
              kind="institution", applicant=INSTITUTION, beneficiary=None)
OTHER_BASE = "f" * 64
DALIAN_60000 = (Version("provincial_award", "60000.00", region="210200", effective_from=D(2022, 9, 1),
                        source="Dalian", stored=True),)
# Figures other than 一.3's (10万元、5万元): versions an earlier release could record, read as recorded.
NATIONAL_120000_IN_2023 = (Version("national_award", "120000.00", effective_from=D(2023, 1, 1), stored=True),)


def once(level: str, base: str = INSTITUTION) -> Limit:
    return Limit(f"internship_base_award:{base}:{level}", 1, "once", f"a {level} model internship base is awarded once")


CASES = [
    Case("national_base_100000_once", "一.3: 对获批国家…青年就业见习示范基地的单位…给予10万元…一次性奖补",
         entitled="100000.00", prepay=0, ready=True, limits=(once("national"),),
         steps=("level", "amount", "prepayment"),
         cites={"level": (), "amount": ({"name": "national_award", "source": "the notice"},), "prepayment": ()}),
    Case("provincial_base_50000_once", "一.3: 对获批…省青年就业见习示范基地的单位…给予…5万元一次性奖补",
         facts={"level": "provincial"}, entitled="50000.00", prepay=0, ready=True, limits=(once("provincial"),),
         steps=("level", "amount", "prepayment"),
         cites={"amount": ({"name": "provincial_award", "source": "the notice"},)}),
    Case("once_per_base_and_level_in_any_year", "一.3: 一次性 — the key holds no year", on=D(2023, 3, 1),
         limits=(once("national"),)),
    Case("another_base_has_its_own_award", "一.3: once per base", applicant=OTHER_BASE,
         limits=(once("national", OTHER_BASE),)),
    Case("municipal_base_is_refused_as_a_fact", "一.3: only national and provincial model bases",
         facts={"level": "municipal"}, refused=invalid("facts.level")),
    Case("municipal_base_is_refused_by_the_rule", "一.3: only national and provincial model bases",
         facts={"level": "municipal"}, validate=False, refused=not_eligible("internship_base_award.level")),
    Case("nothing_comes_later", "DOMAIN.md facts: no later facts", later={"level": "provincial"},
         refused=invalid("facts.level", "cannot change after submission")),
    Case("dalian_award_from_its_date", "一.3 按规定: a city's own figure", versions=DALIAN_60000, region="210202",
         on=D(2022, 9, 1), facts={"level": "provincial"}, entitled="60000.00",
         cites={"amount": ({"name": "provincial_award", "value": "60000.00", "region": "210200"},)}),
    Case("dalian_award_not_the_day_before", "一.3: a city's figure from its date only", versions=DALIAN_60000,
         region="210202", on=D(2022, 8, 31), facts={"level": "provincial"}, entitled="50000.00"),
    Case("dalian_award_not_in_shenyang", "一.3: a city's figure in its own districts only", versions=DALIAN_60000,
         region="210102", on=D(2022, 9, 1), facts={"level": "provincial"}, entitled="50000.00"),
    Case("national_award_of_next_year_not_in_force_yet", "一.3: a version effective 2023-01-01 changes nothing in 2022",
         versions=NATIONAL_120000_IN_2023, on=D(2022, 12, 31), entitled="100000.00"),
    Case("national_award_of_next_year_in_force_then", "一.3: the award in force on the claim's date",
         versions=NATIONAL_120000_IN_2023, on=D(2023, 1, 1), entitled="120000.00"),
]


@table(CASES)
def test_internship_base_award(case: Case) -> None:
    TABLE.check(case)


def test_internship_base_award_is_for_the_base_itself():
    """一.3: applied for by and paid to the base, an enterprise or an institution."""
    assert (TABLE.program.applicant_kinds, TABLE.program.beneficiary) == (("enterprise", "institution"), False)
