"""Path and query parameters with their declared limits (ledger/limits.py), declared once
and shared by the routes, so /openapi.json publishes what the server enforces.

Query filters are enforced here (`422` naming the parameter). Ids in paths are published
with their shape but not refused by it: an id that names nothing, well-formed or not, is
`404` from the ledger, as the contract has it."""
from __future__ import annotations

from typing import Annotated

from fastapi import Header, Path, Query

from ledger.limits import (DATE_OR_MOMENT_PATTERN, DATE_PATTERN, MAX_PAGE, MAX_POSITION, MAX_TEXT_CHARS, MONTH_PATTERN,
                           TEXT_PATTERN)

from .b64 import base64_pattern
from .schemas import (CREDIT_CODE_FORMAT, CREDIT_CODE_PATTERN, FUND_ID_PATTERN, IDENTITY_NUMBER_FORMAT,
                      IDENTITY_NUMBER_PATTERN, PARTY_ID_PATTERN, SERVED_REGION_PATTERN, UUID_PATTERN)

CURSOR_PATTERN = r"^[A-Za-z0-9_-]{1,200}$"


def _id(pattern: str, description: str):
    return Path(description=description, json_schema_extra={"pattern": pattern})


ClaimId = Annotated[str, _id(UUID_PATTERN, "The claim's id (a UUID)")]
FundId = Annotated[str, _id(FUND_ID_PATTERN, "The fund's id, {fund_type}:{region}")]
ItemId = Annotated[str, _id(UUID_PATTERN, "The item's id (a UUID)")]
Month = Annotated[str, _id(MONTH_PATTERN, "A month, YYYY-MM (2000-01 to 2099-12)")]  # as the ledger checks it

LIMIT = Query(100, ge=1, le=MAX_PAGE, description=f"Items per page, 1–{MAX_PAGE}")
CURSOR = Query(None, pattern=CURSOR_PATTERN,
               description="The next_cursor of the previous page (one not issued for this query: 404)")
# A cursor that carries a log position (api/deps.py, decode_position_cursor): the unpadded
# URL-safe base64 of "v1:" and 1-18 digits (every position below 10**18), spelled out as the
# characters base64 makes of digits, so that any cursor the schema admits is one the
# service reads (a looser pattern let `cursor=1` through to a refusal).
POSITION_CURSOR_PATTERN = base64_pattern(b"v1:", b"0123456789", 1, 18)
POSITION_CURSOR = Query(None, pattern=POSITION_CURSOR_PATTERN, description="The next_cursor of the previous page")
REGION = Query(None, pattern=SERVED_REGION_PATTERN,
               description="A region the ledger serves (GET /v1/regions) and those below it")
FUND_ID_FILTER = Query(None, pattern=FUND_ID_PATTERN, description="A fund, {fund_type}:{region}")
POSITION = Query(0, ge=0, le=MAX_POSITION)
# A party's id as a filter: either kind, with its format (the check character the ledger
# verifies), so that an id the schema admits is one the ledger reads.
PARTY_ID_SCHEMA = {"anyOf": [{"type": "string", "pattern": IDENTITY_NUMBER_PATTERN, "format": IDENTITY_NUMBER_FORMAT},
                             {"type": "string", "pattern": CREDIT_CODE_PATTERN, "format": CREDIT_CODE_FORMAT}]}


IDENTITY_NUMBER_SCHEMA = {"type": "string", "pattern": IDENTITY_NUMBER_PATTERN, "format": IDENTITY_NUMBER_FORMAT}


def _published(schema: dict):
    """The parameter's schema as given (a filter left out is absent, never null)."""
    def replace(generated: dict) -> None:
        generated.pop("anyOf", None)
        generated.update(schema)
    return replace


def party_id_filter(description: str, *, header: str | None = None):
    where = Header if header else Query
    return where(None, alias=header, pattern=PARTY_ID_PATTERN, json_schema_extra=_published(PARTY_ID_SCHEMA),
                 description=description)


def identity_number_filter(description: str, *, header: str):
    return Header(None, alias=header, pattern=IDENTITY_NUMBER_PATTERN,
                  json_schema_extra=_published(IDENTITY_NUMBER_SCHEMA), description=description)


def date(description: str, *, alias: str | None = None, required: bool = False):
    return Query(... if required else None, alias=alias, pattern=DATE_PATTERN,
                 json_schema_extra={"format": "date"}, description=description)


def moment_or_date(description: str):
    """A date, or an RFC 3339 time with a zone, within the business range."""
    return Query(None, max_length=40, description=description, pattern=DATE_OR_MOMENT_PATTERN)


def text(description: str):
    return Query(None, min_length=1, max_length=MAX_TEXT_CHARS, pattern=TEXT_PATTERN, description=description)
