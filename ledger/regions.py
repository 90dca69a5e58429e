"""GB/T 2260 region codes: 000000 the country, ..0000 a province, ....00 a city.

The divisions the ledger serves ship as data (ledger/data/divisions.json: Liaoning, its 14
cities and their districts and counties, and the country for the operator's root): a code
not in that list is refused wherever a region is given, so a typo cannot open a fund or
scope a user to a region nobody can see, and every screen can show a name for a code."""
from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

from .errors import ValidationFailed

COUNTRY = "000000"
_CODE = re.compile(r"^[0-9]{6}$")


@cache
def divisions() -> dict[str, dict]:
    """The shipped division list by code: `name_zh`, `level` (country|province|city|county)."""
    doc = json.loads(resources.files("ledger.data").joinpath("divisions.json").read_text("utf-8"))
    return {row["code"]: row for row in doc["divisions"]}


def region_name(code: str) -> str | None:
    row = divisions().get(code)
    return row["name_zh"] if row else None


def region_code(value: object, *, field: str = "region") -> str:
    """A code of GB/T 2260's shape, served here or not (the policy catalog resolves national
    and provincial defaults for any region)."""
    if not isinstance(value, str) or not _CODE.fullmatch(value):  # "$" alone would pass "210100\n"
        raise ValidationFailed(f"{field} must be a 6-digit administrative division code", field=field)
    return value


def validate_region(value: object, *, field: str = "region") -> str:
    """A division this ledger serves: every region a command or a read names."""
    if region_code(value, field=field) not in divisions():
        raise ValidationFailed(f"{field} {value} is not an administrative division this ledger serves "
                               "(GET /v1/regions lists them)", field=field)
    return value


def ancestors(region: str) -> list[str]:
    """The region and every wider one, most specific first."""
    chain = [region]
    if region == COUNTRY:
        return chain
    if not region.endswith("00"):
        chain.append(region[:4] + "00")
    if not region.endswith("0000"):
        chain.append(region[:2] + "0000")
    chain.append(COUNTRY)
    return list(dict.fromkeys(chain))


def covers(scope: str, region: str) -> bool:
    """Whether a user scoped to `scope` may act in `region` (every code below it)."""
    return scope in ancestors(region)


def is_ancestor(wider: str, narrower: str) -> bool:
    return wider != narrower and wider in ancestors(narrower)
