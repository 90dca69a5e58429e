"""一.3 见习示范基地奖补: a one-off award to a unit approved as a national or provincial
model internship base, once per base and level."""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from ledger.errors import ValidationFailed
from ledger.policy import load_catalog
from ledger.policy.programs import Context, decide

CATALOG = load_catalog()
D = dt.date
BASE = "a" * 64
PROGRAM = CATALOG.program("internship_base_award")


def claim(level: str = "national", on: D = D(2022, 7, 1), region: str = "210102", catalog=CATALOG,
          base: str = BASE):
    facts = PROGRAM.validate_facts({"level": level})
    rules = catalog.resolve("internship_base_award", region, on)
    return decide("internship_base_award", facts, rules, Context(on, region, "institution", base, None))


@pytest.mark.parametrize("level, fen", [("national", 10000000), ("provincial", 5000000)])
def test_award_by_level(level, fen):
    """一.3: 对获批国家、省青年就业见习示范基地的单位，分别按规定给予10万元、5万元一次性奖补."""
    decision = claim(level)
    assert (decision.entitled_fen, decision.prepay_share, decision.settlement_ready) == (fen, Fraction(0), True)
    steps = decision.explanation
    assert [s["rule"].split(".")[1] for s in steps] == ["level", "amount", "prepayment"]
    assert steps[1]["parameters"][0]["name"] == f"{level}_award"
    assert steps[1]["parameters"][0]["source"] == "the notice"


def test_internship_base_award_once_per_base_and_level():
    """一.3: once per base and level — the national and the provincial award are separate."""
    (national,) = claim("national").limits
    (provincial,) = claim("provincial").limits
    assert (national.key, national.limit) == (f"internship_base_award:{BASE}:national", 1)
    assert provincial.key == f"internship_base_award:{BASE}:provincial"
    assert claim("national", on=D(2023, 3, 1)).limits == (national,)
    (other,) = claim("national", base="c" * 64).limits
    assert other.key != national.key


def test_level_must_be_national_or_provincial():
    """一.3: only national and provincial model bases are awarded."""
    with pytest.raises(ValidationFailed) as caught:
        claim("municipal")
    assert caught.value.field == "facts.level"


def test_internship_base_award_is_for_the_base_itself():
    """一.3: applied for and paid to the base (enterprise or institution); no beneficiary, no later facts."""
    assert (PROGRAM.applicant_kinds, PROGRAM.beneficiary) == (("enterprise", "institution"), False)
    with pytest.raises(ValidationFailed, match="cannot change after submission"):
        PROGRAM.validate_later_facts({"level": "provincial"})


def test_provincial_award_city_override_applies_to_later_claims_only():
    """一.3 按规定: a city's own figure from its date, beside the province's default."""
    catalog = CATALOG.with_versions([CATALOG.parameter_version(
        "internship_base_award", "provincial_award", "60000.00", region="210200", effective_from=D(2022, 9, 1),
        source="Dalian")])
    assert claim("provincial", catalog=catalog, region="210202", on=D(2022, 9, 1)).entitled_fen == 6000000
    assert claim("provincial", catalog=catalog, region="210202", on=D(2022, 8, 31)).entitled_fen == 5000000
    assert claim("provincial", catalog=catalog, region="210102", on=D(2022, 9, 1)).entitled_fen == 5000000


def test_national_award_set_for_next_year_is_not_in_force_yet():
    """一.3: a version effective 2023-01-01 changes nothing in 2022."""
    catalog = CATALOG.with_versions([CATALOG.parameter_version(
        "internship_base_award", "national_award", "120000.00", region="210000", effective_from=D(2023, 1, 1),
        source="assumed")])
    assert claim(catalog=catalog, on=D(2022, 12, 31)).entitled_fen == 10000000
    assert claim(catalog=catalog, on=D(2023, 1, 1)).entitled_fen == 12000000
