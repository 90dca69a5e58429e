"""The rules the service checks on well-formed input that /openapi.json does not state, each
with the test of whether a request breaks it; tests/test_schemathesis.py lets a schema-valid
request be refused as `422 validation_error` only when one of these says that request breaks
its rule (on the refused field), so that any other such refusal fails the run.

Every rule here is one JSON Schema cannot state, or not in a document a client generator can
use:
- an order between two values of one request (`from` ≤ `to`, `listed_from` < `listed_until`,
  `effective_from` < `effective_to`): JSON Schema has no keyword comparing two values;
- a relation between a path parameter and the body (a holiday calendar's days lie in its
  year, give or take a month; a program's parameter change names that program's
  parameters, each within that program's bounds, and a floored one not below the province's
  value in force): a body's schema does not see the path, nor the ledger's values (the
  schema states each value's form by its unit, and a count's widest bounds);
- a bound that moves with the clock, which API.md fixes as `422` (a period closes only once
  its month has ended; a parameter change from before today needs `retroactive`): a static
  document cannot hold "today" (business dates, the other such bound, are kept to by the
  harness instead: tests/test_schemathesis.py, map_body);
- a key unique among an array's items (a holiday calendar lists each date once) and a
  day of the week (an adjusted working day is a Saturday or Sunday): `uniqueItems` compares
  whole items, and no keyword knows the calendar;
- a transfer between related regions of one fund type: stateable only as one branch per
  fund type and region (464), each of which a generated client makes a model of;
- a graduation year beside the diploma date, which must be its year: one branch per year;
- an order between a body's date and one the claim holds (an approval not before the
  application date, a payment not before the approval, a return not before the payment): a
  body's schema does not see the claim;
- who the caller is: a token for another user than the caller is registered by its hash
  (`token_sha256`), one for oneself may be made by the service (API.md, "No token is ever
  shown to anyone but its owner"); a schema does not know whose id the path names;
- a bank statement's content: the CSV file, its header and the mapping of its columns and
  direction values, which JSON Schema does not describe (as no schema describes the lines
  of an uploaded file); and the statement's options go in the query with a text/csv body,
  in the body with a JSON one (a query parameter's schema does not see the body's media type).
"""
from __future__ import annotations

import datetime as dt
import re

from ledger.clock import SYSTEM_CLOCK
from ledger.regions import is_ancestor


def _query(case) -> dict:
    return case.query or {}


def _body(case) -> dict:
    return case.body if isinstance(case.body, dict) else {}


def _out_of_order(values: dict, first: str, second: str, *, strict: bool) -> bool:
    a, b = values.get(first), values.get(second)
    if not (isinstance(a, str) and isinstance(b, str)):
        return False
    return a >= b if strict else a > b


def _unrelated_funds(case) -> bool:
    body = _body(case)
    try:
        (from_type, from_region), (to_type, to_region) = (body["from_fund"].split(":"), body["to_fund"].split(":"))
    except (KeyError, AttributeError, ValueError):
        return False
    return from_type != to_type or not (is_ancestor(from_region, to_region) or is_ancestor(to_region, from_region))


def _calendar_day_refused(case, field: str) -> bool:
    """The day is outside the path's year (give or take a month), listed before, or an
    adjusted working day on a weekday (ledger/policy/calendar.py, schedule_days)."""
    found = re.fullmatch(r"days\[(\d+)\]\.date", field)
    days = _body(case).get("days")
    try:
        year = int((case.path_parameters or {})["year"])
        at = int(found.group(1))
        row = days[at]
        day = dt.date.fromisoformat(row["date"])
        earlier = {str(other.get("date")) for other in days[:at] if isinstance(other, dict)}
    except (AttributeError, KeyError, IndexError, TypeError, ValueError):
        return False
    reach = dt.timedelta(days=31)  # ledger/policy/calendar.py, REACH
    return (not dt.date(year, 1, 1) - reach <= day <= dt.date(year, 12, 31) + reach or row["date"] in earlier
            or (row.get("kind") == "workday" and day.weekday() < 5))


def _not_the_programs_parameter(case, field: str) -> bool:
    from ledger.policy.catalog import load_catalog

    program = load_catalog().programs.get((case.path_parameters or {}).get("code"))
    name = field.removeprefix("values.")
    return (program is not None and field.startswith("values.") and name in (_body(case).get("values") or {})
            and name not in {p.name for p in program.parameters})


def _outside_the_programs_bounds(case, field: str) -> bool:
    """A value in its unit's form (which the schema states) but outside the bounds the path's
    program gives it, or of a parameter with a floor (不低于: the province's value in force,
    which only the ledger knows)."""
    from ledger.policy.catalog import load_catalog
    from ledger.policy.units import parse_parameter

    program = load_catalog().programs.get((case.path_parameters or {}).get("code"))
    name = field.removeprefix("values.")
    raw = (_body(case).get("values") or {}).get(name)
    if program is None or raw is None or not field.startswith("values.") or name not in program.parameter_names():
        return False
    bounds = program.parameter(name).bounds
    if bounds.floor is not None:
        return True
    try:
        value = parse_parameter(program.parameter(name).unit, raw)
    except ValueError:
        return False
    return not bounds.minimum <= value <= bounds.maximum


def _past_change_not_retroactive(case) -> bool:
    body = _body(case)
    start = body.get("effective_from")
    return (isinstance(start, str) and start < SYSTEM_CLOCK.today().isoformat()
            and body.get("retroactive", False) is not True)


def _month_not_ended(case) -> bool:
    month = (case.path_parameters or {}).get("month")
    return isinstance(month, str) and month >= f"{SYSTEM_CLOCK.today():%Y-%m}"


def _graduation_year_off(case) -> bool:
    facts = _body(case).get("facts")
    if not isinstance(facts, dict) or "graduation_year" not in facts or "diploma_date" not in facts:
        return False
    return str(facts["graduation_year"]) != str(facts["diploma_date"])[:4]


STATEMENT_CONTENT = re.compile(r"^(csv|line \d+.*|columns|debit|credit|skip_lines)$")
STATEMENT_OPTIONS = ("fund_id", "statement_id", "columns", "debit", "credit", "skip_lines")


def _statement_content(case, field: str) -> bool:
    return STATEMENT_CONTENT.fullmatch(field) is not None


def _statement_options_misplaced(case, field: str) -> bool:
    media = (case.media_type or "").split(";")[0].strip()
    if media == "application/json":
        return field in STATEMENT_OPTIONS and field in _query(case)
    return field == "fund_id" and "fund_id" not in _query(case)


# The claim a request names, as the ledger under test holds it (its document), or None: set
# by the harness that owns the application (tests/test_schemathesis.py, `api`).
claim_document = None

CLAIM_DATES = {"approved_on": "application_date", "paid_on": "approved_on"}


def _before_the_claims_own_date(case, field: str) -> bool:
    """An approval dated before the claim's application date, a payment before its approval, a
    return before its payment (ledger/service/claims.py): an order between a body's date and
    one the claim holds, which no schema sees."""
    path = case.path_parameters or {}
    value = _body(case).get(field)
    claim = claim_document(path.get("claim_id")) if claim_document is not None else None
    if claim is None or not isinstance(value, str):
        return False
    if field == "returned_on":
        paid = next((p["paid_on"] for p in claim.get("payments", ()) if p.get("payment_ref") == path.get("payment_ref")),
                    None)
    else:
        paid = claim.get(CLAIM_DATES[field])
    return paid is not None and value < paid


def breaks_an_unstated_rule(case, field: str | None) -> bool:
    """Whether the refused request breaks a rule of this module on `field`."""
    if field is None:
        return False
    method, path = case.operation.method.upper(), case.operation.path
    if method == "GET" and field in ("from", "to"):
        return _out_of_order(_query(case), "from", "to", strict=False)
    if (method, path, field) == ("POST", "/v1/watchlist", "listed_until"):
        return _out_of_order(_body(case), "listed_from", "listed_until", strict=True)
    if (method, path, field) == ("PUT", "/v1/programs/{code}/parameters", "effective_to"):
        return _out_of_order(_body(case), "effective_from", "effective_to", strict=True)
    if (method, path, field) == ("PUT", "/v1/programs/{code}/parameters", "retroactive"):
        return _past_change_not_retroactive(case)
    if (method, path) == ("PUT", "/v1/programs/{code}/parameters"):
        return _not_the_programs_parameter(case, field) or _outside_the_programs_bounds(case, field)
    if (method, path, field) == ("POST", "/v1/fund-transfers", "to_fund"):
        return _unrelated_funds(case)
    if (method, path) == ("PUT", "/v1/holiday-calendar/{year}"):
        return _calendar_day_refused(case, field)
    if method == "POST" and path.startswith("/v1/periods/{fund_id}/{month}/") and field == "month":
        return _month_not_ended(case)
    if method == "POST" and path.startswith("/v1/claims/{claim_id}/") and field in ("approved_on", "paid_on",
                                                                                      "returned_on"):
        return _before_the_claims_own_date(case, field)
    if (method, path, field) == ("POST", "/v1/claims", "facts.graduation_year"):
        return _graduation_year_off(case)
    if (method, path, field) == ("POST", "/v1/users/{user_id}/tokens", "token_sha256"):
        return (case.path_parameters or {}).get("user_id") != "me" and "token_sha256" not in _body(case)
    if (method, path) == ("POST", "/v1/bank-statements"):
        return _statement_options_misplaced(case, field) or _statement_content(case, field)
    return False
