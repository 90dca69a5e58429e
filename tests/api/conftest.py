"""Fixtures of the HTTP tests. The base fixtures (client, admin, staff, funds) come from
tests/conftest.py; this adds one user per role."""
from __future__ import annotations

import pytest

from ..support import make_user


@pytest.fixture
def roles(admin, staff) -> dict:
    """One user holding just each role, scoped to the province (admin: the bootstrap
    admin, scoped to the country)."""
    people = {role: make_user(admin, f"only {role}", [role], ["210000"])
              for role in ("clerk", "reviewer", "treasurer", "auditor")}
    people["admin"] = admin
    return people
