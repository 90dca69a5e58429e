"""Bank statements and reconciliation (API.md, "Reports and reconciliation"). Importing a
statement is the treasurer's; reading the reconciliation is the treasurer's, the
auditor's and the admin's; a fund outside the caller's regions is 403. The matching rules
are in ledger/domain/bank.py, the CSV layout in ledger/statements.py, the lists in
projections/reconciliation.py."""
from __future__ import annotations

import codecs

import orjson
from fastapi import APIRouter, Depends, Query, Request

from ledger.access import Actor
from ledger.errors import ValidationFailed

from .. import deps, params
from ..bodies import StrictJSONRoute
from ..responses import PROBLEMS, json, outcome
from ..writes import write
from ..schemas import FUND_ID_PATTERN, BankStatementIn, BankStatementOut, ReconciliationOut

router = APIRouter(prefix="/v1", tags=["reconciliation"], responses=PROBLEMS, route_class=StrictJSONRoute)

CSV_TYPES = ("text/csv", "application/csv", "text/plain")
EXAMPLE = ("交易日期,金额,借贷标志,摘要,对方户名\n"
           "2022-07-20,1500.00,借,ZF-2022-0001,沈阳示例科技有限公司\n"
           "2022-07-25,500.00,贷,HK-2022-0001,张三\n")
STATEMENT_BODY = {"required": True, "content": {
    "text/csv": {"schema": {"type": "string"}, "example": EXAMPLE},
    "application/json": {"schema": BankStatementIn.model_json_schema()},
}}

IMPORT_DESCRIPTION = """Import a CSV statement of a fund's bank account and match its lines to the
fund's payments, returned payments and recoveries.

**As `text/csv`**, with the fund and the options as query parameters: in the charset the
Content-Type names (e.g. `text/csv; charset=gbk`), or, without one, UTF-8 or else GB18030 (which
reads GBK and GB2312, as Chinese banks export), whichever the bytes are; **or as JSON** `{"fund_id", "statement_id"?, "csv", "columns"?,
"debit"?, "credit"?, "skip_lines"?}`.

**Columns** (header names, matched exactly): `date` (YYYY-MM-DD; YYYY/MM/DD and YYYYMMDD too),
`amount` (yuan with exactly two decimals, positive), `direction` (`debit`: money out of the fund's
account; `credit`: money in), `reference` (optional: the payment's `payment_ref` or the recovery's
`reference`), `counterparty` (optional). A bank's own export is read with a mapping,
`columns=date:交易日期,amount:金额,direction:借贷标志,reference:摘要,counterparty:对方户名`, and the values its
direction column uses, `debit=借&credit=贷` (several: `借|支出`). Exports with one amount column per
side map `debit_amount:借方发生额,credit_amount:贷方发生额` instead of amount and direction.
A preamble above the header (bank, account, period) is skipped: the header is the first line naming
every required column (`skip_lines` to say how many lines to skip instead). Every line is checked: the first bad one is `422`
naming the line (of the file: the header is line 1) and the column.

**Matching**: a debit line matches a payment with that reference and amount; a credit line a returned
payment (reference = the payment_ref) or a recovery (its reference) with that amount: `exact`. Lines
without a reference, or whose reference names nothing in the fund, match an item of the same
direction and amount dated within 3 days: `probable`. A ledger item is matched at most once across all
statements. A line repeated within the statement is a `duplicate` (reported, not matched); a line an
earlier statement already brought and matched is an `overlap`.

**Answer**: the statement's counts (`summary`) and its first 1,000 lines with their outcomes
(`more_lines` says how many follow; `GET /v1/reconciliation` pages through them all).

**Idempotent**: the statement's identity is the fund and a hash of its lines (or `statement_id`:
the same id with other lines is `409 duplicate`). Importing it again records nothing new (unless
the ledger has since recorded items its unmatched lines match) and answers the same body, `200`
instead of `201`. `Idempotency-Key` is honoured as everywhere."""


async def raw_body(request: Request) -> bytes:
    return await request.body()


def _media(request: Request) -> tuple[str, str | None]:
    media, _, rest = request.headers.get("content-type", "").partition(";")
    charset = None
    for part in rest.split(";"):
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            charset = value.strip().strip('"')
    return media.strip().lower(), charset


@router.post("/bank-statements", status_code=201, response_model=BankStatementOut,
             responses={200: {"model": BankStatementOut, "description": "The statement had been imported before"}},
             openapi_extra={"requestBody": STATEMENT_BODY}, description=IMPORT_DESCRIPTION)
async def import_statement(request: Request, actor: Actor = Depends(deps.actor), body: bytes = Depends(raw_body),
                     fund_id: str | None = Query(None, pattern=FUND_ID_PATTERN,
                                                 description="The fund whose account the statement is of"),
                     statement_id: str | None = params.text("The bank's id of the statement"),
                     columns: str | None = params.text("e.g. date:交易日期,amount:金额,direction:借贷标志"),
                     debit: str | None = params.text("The direction column's debit value(s), e.g. 借"),
                     credit: str | None = params.text("The direction column's credit value(s), e.g. 贷"),
                     skip_lines: int | None = Query(None, ge=0, le=100, description="Lines above the header (default: "
                                                                                     "found by the header's columns)")):
    media, charset = _media(request)
    query = {"fund_id": fund_id, "statement_id": statement_id, "columns": columns, "debit": debit, "credit": credit,
             "skip_lines": skip_lines}
    if media == "application/json":
        payload = _json_statement(body, query)
    elif media in CSV_TYPES:
        payload = {name: value for name, value in query.items() if value is not None}
        payload["csv"] = _decode(body, charset)
    else:
        raise ValidationFailed("send the statement as text/csv (or as JSON with the CSV in \"csv\")",
                               field="Content-Type")
    ledger = deps.runtime(request).ledger
    return outcome(await write(ledger.import_statement, actor, payload, idem=deps.idem(request, payload),
                               reads_first=True))


def _json_statement(body: bytes, query: dict) -> dict:
    given = [name for name, value in query.items() if value is not None]
    if given:
        raise ValidationFailed(f"with a JSON body, give {', '.join(given)} in the body, not the query",
                               field=given[0])
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise ValidationFailed("body: the body is not valid JSON", field="body") from None
    if not isinstance(payload, dict):
        raise ValidationFailed("body: the body must be a JSON object", field="body")
    unknown = sorted(set(payload) - set(BankStatementIn.model_fields))
    if unknown:
        raise ValidationFailed(f"{unknown[0]}: not a field of a bank statement", field=unknown[0])
    if not isinstance(payload.get("csv"), str):
        raise ValidationFailed("csv: the statement as CSV text is required", field="csv")
    return payload


# Tried in turn when the Content-Type names no charset: a Chinese bank's export is GBK (read
# by its superset GB18030) far more often than anything else but UTF-8.
DETECTED = ("utf-8", "gb18030")


def _decode(body: bytes, charset: str | None) -> str:
    """The statement's text in the charset named, or the first of DETECTED that reads every
    byte; never a guess that turns into mojibake: bytes no candidate reads are refused."""
    if charset is None:
        for encoding in DETECTED:
            try:
                return body.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise ValidationFailed("the statement is neither UTF-8 nor GBK/GB18030 text; name its charset in the "
                               "Content-Type, e.g. text/csv; charset=big5", field="csv")
    try:
        codecs.lookup(charset)
    except LookupError:
        raise ValidationFailed(f"Content-Type names an unknown charset {charset!r}", field="Content-Type") from None
    try:
        return body.decode(charset)
    except UnicodeDecodeError as exc:
        raise ValidationFailed(f"the statement is not valid {charset} (byte {exc.start}); name its charset in the "
                               "Content-Type, e.g. text/csv; charset=gbk, or send none to have UTF-8 or GBK "
                               "recognised", field="csv") from None


# A cursor carries where the page stopped, a statement_id (up to 200 characters) included.
RECONCILIATION_CURSOR = Query(None, min_length=1, max_length=2000, pattern=r"^[A-Za-z0-9_-]+$",
                              description="The next_cursor of the previous page")


@router.get("/reconciliation", response_model=ReconciliationOut)
def reconciliation(request: Request, actor: Actor = Depends(deps.actor),
                   fund_id: str = Query(..., pattern=FUND_ID_PATTERN, description="The fund, e.g. "
                                                                                  "employment_subsidy:210100"),
                   start: str = params.date("First day, YYYY-MM-DD (included)", alias="from", required=True),
                   to: str = params.date("Last day, YYYY-MM-DD (included)", required=True),
                   limit: int = params.LIMIT, cursor: str | None = RECONCILIATION_CURSOR):
    """The fund's bank lines and ledger items of the period: `matched` (a line and the payment,
    returned payment or recovery it matched, `exact` or `probable`; either's date in the period),
    `unmatched_in_ledger` (items dated in the period that no statement line matched) and
    `unmatched_in_bank` (lines dated in the period that matched nothing, duplicates included).

    Paginated across the three lists, read in that order: a page holds at most `limit` entries in
    all and stops before 4 MiB; `next_cursor` continues it (null on the last page). The first page's
    `counts` gives each list's whole length (null on the pages after it). Reflects every write
    acknowledged before the read; `position` is the log position it answers at."""
    answer = deps.runtime(request).reads.reconciliation(actor, fund_id, start, to, limit=limit,
                                                        cursor=deps.decode_cursor(cursor))
    if answer["next_cursor"] is not None:
        answer["next_cursor"] = deps.encode_cursor(answer["next_cursor"])
    return json(answer)
