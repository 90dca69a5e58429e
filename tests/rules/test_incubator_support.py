"""二.9 创业孵化载体补助: the incubator's basic operating and public-service costs × share, at
most cap per incubator and calendar year across all its claims."""
from __future__ import annotations

from .table import INSTITUTION, Cap, Case, D, Table, Version, cap_reached, invalid, table, took

TABLE = Table("incubator_support", facts={"eligible_costs": "150000.00"}, on=D(2022, 7, 1), region="210102",
              kind="institution", applicant=INSTITUTION, beneficiary=None)
KEY_2022 = f"incubator_support:{INSTITUTION}:2022"
KEY_2023 = f"incubator_support:{INSTITUTION}:2023"
CAP = 20_000_000
A_THIRD = (Version("share", "1/3", region="210100"),)
SHENYANG_CAP_300000 = (Version("cap", "300000.00", region="210100", effective_from=D(2022, 9, 1), source="Shenyang"),)
SHARE_08_IN_2023 = (Version("share", "0.8", effective_from=D(2023, 1, 1)),)


def costs(amount: str) -> dict:
    return {"eligible_costs": amount}


CASES = [
    Case("pays_the_eligible_costs", "二.9: 按其实际支出的基本运营和公共服务等费用给予补助", entitled="150000.00", prepay=0,
         ready=True, limits=(), caps=(Cap(KEY_2022, 15_000_000, CAP, "fen"),),
         steps=("supported", "cap", "amount", "prepayment"),
         arithmetic={"supported": "⌊150000.00 × 1⌋ = 150000.00",
                     "cap": "max(0, 200000.00 − 0.00) = 200000.00; min(150000.00, 200000.00) = 150000.00"},
         cites={"supported": ("share",), "cap": ({"name": "cap", "value": "200000.00", "source": "assumed"},),
                "amount": (), "prepayment": ()}),
    Case("costs_one_fen_below_the_cap", "二.9: at most cap (200000.00, assumed)", facts=costs("199999.99"),
         entitled="199999.99"),
    Case("costs_at_the_cap", "二.9: at most cap", facts=costs("200000.00"), entitled="200000.00"),
    Case("costs_one_fen_above_the_cap", "二.9: at most cap", facts=costs("200000.01"), entitled="200000.00",
         caps=(Cap(KEY_2022, CAP, CAP, "fen"),)),
    Case("costs_far_above_the_cap", "二.9: at most cap", facts=costs("1000000.00"), entitled="200000.00"),
    Case("share_of_a_third_floors_to_the_fen", "二.9: 具体补助办法由各市确定 — ⌊1000.00 × 1/3⌋ = 333.33",
         versions=A_THIRD, facts=costs("1000.00"), entitled="333.33"),
    Case("share_applies_before_the_cap", "二.9: the share of 600000.00 is exactly the cap", versions=A_THIRD,
         facts=costs("600000.00"), entitled="200000.00"),
    Case("share_then_cap", "二.9: ⌊900000.00 × 1/3⌋ = 300000.00, capped", versions=A_THIRD, facts=costs("900000.00"),
         entitled="200000.00",
         arithmetic={"supported": "⌊900000.00 × 1/3⌋ = 300000.00",
                     "cap": "max(0, 200000.00 − 0.00) = 200000.00; min(300000.00, 200000.00) = 200000.00"}),
    Case("run_by_an_enterprise", "二.9: an institution or an enterprise runs the incubator", kind="enterprise",
         entitled="150000.00"),
    Case("nothing_comes_later", "DOMAIN.md facts: no later facts", later=costs("1.00"),
         refused=invalid("facts.eligible_costs", "cannot change after submission")),
    Case("shenyang_cap_from_its_date", "二.9: a city's cap", versions=SHENYANG_CAP_300000, on=D(2022, 9, 1),
         facts=costs("500000.00"), entitled="300000.00"),
    Case("shenyang_cap_not_the_day_before", "二.9: a city's cap from its date only", versions=SHENYANG_CAP_300000,
         on=D(2022, 8, 31), facts=costs("500000.00"), entitled="200000.00"),
    Case("shenyang_cap_not_in_dalian", "二.9: a city's cap in its own districts only", versions=SHENYANG_CAP_300000,
         on=D(2022, 9, 1), region="210202", facts=costs("500000.00"), entitled="200000.00"),
    Case("share_of_next_year_not_in_force_yet", "二.9: a version effective 2023-01-01 changes nothing in 2022",
         versions=SHARE_08_IN_2023, on=D(2022, 12, 31), entitled="150000.00"),
    Case("share_of_next_year_in_force_then", "二.9: the share in force on the claim's date", versions=SHARE_08_IN_2023,
         on=D(2023, 1, 1), entitled="120000.00", caps=(Cap(KEY_2023, 12_000_000, CAP, "fen"),)),
    # ---- the cap across claims: per incubator and calendar year (DOMAIN.md, yearly cap assumed)
    Case("earlier_claims_took_50000_the_150000_fits_exactly", "二.9: cap per incubator and year, across claims",
         prior={KEY_2022: took(5_000_000, "claim-1")}, entitled="150000.00",
         caps=(Cap(KEY_2022, 15_000_000, CAP, "fen"),)),
    Case("earlier_claims_took_one_fen_more_the_claim_is_cut", "二.9: cap per incubator and year, across claims",
         prior={KEY_2022: took(5_000_001, "claim-1")}, entitled="149999.99",
         arithmetic={"cap": "max(0, 200000.00 − 50000.01) = 149999.99; min(150000.00, 149999.99) = 149999.99"}),
    Case("earlier_claims_left_one_fen", "二.9: cap per incubator and year, across claims",
         prior={KEY_2022: took(CAP - 1, "claim-1", "claim-2")}, entitled="0.01", caps=(Cap(KEY_2022, 1, CAP, "fen"),)),
    Case("earlier_claims_took_the_cap_nothing_remains", "二.9: cap per incubator and year, across claims",
         prior={KEY_2022: took(CAP, "claim-1", "claim-2")}, refused=cap_reached("incubator_support.cap"),
         steps=("supported", "cap")),
    Case("a_new_year_has_its_own_cap", "二.9: per calendar year", on=D(2023, 1, 1),
         elsewhere={KEY_2022: took(CAP, "claim-1")}, entitled="150000.00",
         caps=(Cap(KEY_2023, 15_000_000, CAP, "fen"),)),
    Case("another_incubator_has_its_own_cap", "二.9: per incubator", applicant="f" * 64,
         elsewhere={KEY_2022: took(CAP, "claim-1")}, entitled="150000.00"),
]


@table(CASES)
def test_incubator_support(case: Case) -> None:
    TABLE.check(case)


def test_incubator_support_is_for_the_incubator_itself():
    """二.9: 高校出资创办的创业孵化基地纳入支持范围 — an institution or an enterprise runs it."""
    assert (TABLE.program.applicant_kinds, TABLE.program.beneficiary) == (("institution", "enterprise"), False)
