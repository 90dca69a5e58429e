"""The divisions the ledger serves ship as data: named for every screen, and the only codes a
fund, a claim, a user's scope or a read may name (issue 20: `999999` opened a fund)."""
from __future__ import annotations

import pytest

from ..support import job_expansion_claim
from .helpers import assert_problem

UNKNOWN = ["999999", "215000", "110000", "210199"]


def test_the_region_list_names_liaoning_its_cities_and_their_districts(staff):
    items = {r["code"]: r for r in staff.clerk.get("/v1/regions").json()["items"]}
    assert items["210000"] == {"code": "210000", "name_zh": "辽宁省", "level": "province", "parent": "000000"}
    assert items["210100"]["name_zh"] == "沈阳市" and items["210100"]["parent"] == "210000"
    assert items["210211"] == {"code": "210211", "name_zh": "甘井子区", "level": "county", "parent": "210200"}
    cities = [r for r in items.values() if r["level"] == "city"]
    assert len(cities) == 14 and all(r["parent"] == "210000" for r in cities)
    counties = [r for r in items.values() if r["level"] == "county"]
    assert all(r["parent"] in items and items[r["parent"]]["level"] == "city" for r in counties)


@pytest.mark.parametrize("region", UNKNOWN)
def test_a_fund_in_a_region_not_served_is_refused(staff, region):
    r = staff.treasurer.post("/v1/funds", {"fund_type": "employment_subsidy", "region": region})
    assert_problem(r, 422, "validation_error", field="region")
    assert all(f["region"] != region for f in staff.treasurer.get("/v1/funds").json()["items"])


@pytest.mark.parametrize("region", UNKNOWN[:2])
def test_a_claim_in_a_region_not_served_is_refused(staff, region):
    r = staff.clerk.post("/v1/claims", job_expansion_claim(region=region))
    assert_problem(r, 422, "validation_error", field="region")


def test_a_read_filtered_by_a_region_not_served_is_refused(staff):
    assert_problem(staff.auditor.get("/v1/funds", region="999999"), 422, "validation_error",
                   field="region")
