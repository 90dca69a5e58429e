"""Issue 19, "Paid twice, or to the wrong person": the same person or thing under another
spelling, another employer or another company is still the same key (DOMAIN.md, revision
of 2026-12-07: "Keys in normal form", "One subsidy per person-month", "Graduates, hires,
interns"). Each reproduction of the audit, through the HTTP API."""
from __future__ import annotations

import pytest

from ..conftest import open_fund
from ..support import credit_code, person_id
from .helpers import SHENYANG, assert_problem, skill_certificate_claim, submit


@pytest.fixture
def money(staff):
    for fund_type in ("employment_subsidy", "unemployment_insurance", "skill_upgrade_account", "inclusive_finance"):
        open_fund(staff.treasurer, fund_type, SHENYANG, "5000000.00")


# ---- keys in normal form (F12) -------------------------------------------------------------


def test_one_certificate_typed_three_ways_is_paid_once(staff, money):
    """ZS20260001, ＺＳ２０２６０００１ and ZS-20260001 paid one certificate three times."""
    first = submit(staff.clerk, skill_certificate_claim(certificate_no="ZS20260001"))
    assert first["facts"]["certificate_no"] == "ZS20260001"
    for typed in ("ＺＳ２０２６０００１", "ZS-20260001", "zs 2026 0001"):
        r = staff.clerk.post("/v1/claims", skill_certificate_claim(certificate_no=typed))
        assert_problem(r, 409, "duplicate")
    # Facts keep the text as given: a certificate number of its own is accepted as typed.
    other = submit(staff.clerk, skill_certificate_claim(certificate_no="ＺＳ－２０２６－０００２"))
    assert other["facts"]["certificate_no"] == "ＺＳ－２０２６－０００２"


def test_one_occupation_typed_two_ways_is_one_occupation(staff, money):
    holder = person_id()
    submit(staff.clerk, skill_certificate_claim(holder, occupation="CAD制图员"))
    r = staff.clerk.post("/v1/claims", skill_certificate_claim(holder, occupation="ＣＡＤ 制图员"))
    assert_problem(r, 409, "duplicate")
