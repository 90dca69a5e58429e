"""GB/T 2260 region codes: 000000 the country, ..0000 a province, ....00 a city."""
from __future__ import annotations

import re

from .errors import ValidationFailed

COUNTRY = "000000"
_CODE = re.compile(r"^[0-9]{6}$")


def validate_region(value: object, *, field: str = "region") -> str:
    if not isinstance(value, str) or not _CODE.fullmatch(value):  # "$" alone would pass "210100\n"
        raise ValidationFailed(f"{field} must be a 6-digit administrative division code", field=field)
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
