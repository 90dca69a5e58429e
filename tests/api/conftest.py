"""Fixtures of the HTTP tests. The base fixtures (client, admin, staff) come from
tests/conftest.py; these add funded Shenyang funds and one user per role."""
from __future__ import annotations

import pytest

from ..conftest import open_fund
from ..support import make_user


@pytest.fixture
def funds(staff) -> dict[str, str]:
    """Shenyang's two funds that pay job_expansion and internship claims, with money."""
    return {
        "ui": open_fund(staff.treasurer, "unemployment_insurance", "210100", "200000.00"),
        "es": open_fund(staff.treasurer, "employment_subsidy", "210100", "200000.00"),
    }


@pytest.fixture
def roles(admin, staff) -> dict:
    """One user holding just each role, scoped to the province (admin: the bootstrap
    admin, scoped to the country)."""
    people = {role: make_user(admin, f"only {role}", [role], ["210000"])
              for role in ("clerk", "reviewer", "treasurer", "auditor")}
    people["admin"] = admin
    return people
