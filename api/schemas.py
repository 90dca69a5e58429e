"""Request and response shapes, for validation at the edge and for /openapi.json. The
ledger checks every value again: these models document, the domain decides."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints

from ledger.domain.fund import ALLOCATION_SOURCES, FUND_TYPES
from ledger.limits import DATE_PATTERN, MAX_PAGE, MAX_POSITION, MAX_TEXT_CHARS, SAFE_INTEGER, TEXT_PATTERN
from ledger.money import MONEY_PATTERN, RATE_PATTERN
from ledger.policy.catalog import load_catalog
from ledger.policy.units import MAX_RATE_CHARS
from ledger.regions import divisions

# The declared limits of ledger/limits.py, published so that generated clients and
# property-based tools see what the server enforces.
Money = Annotated[str, StringConstraints(pattern=MONEY_PATTERN),
                  Field(description="Yuan with exactly two decimals, above zero, e.g. \"1500.00\"",
                        examples=["1500.00"])]
# An amount in an answer: zero too (a bank statement's line may be 0.00).
AmountOut = Annotated[str, StringConstraints(pattern=r"^(0|[1-9][0-9]{0,12})\.[0-9]{2}$")]
SignedMoney = Annotated[str, StringConstraints(pattern=r"^-?(0|[1-9][0-9]*)\.[0-9]{2}$")]
Date = Annotated[str, StringConstraints(pattern=DATE_PATTERN),
                 Field(examples=["2022-07-15"], json_schema_extra={"format": "date"},
                       description="A real date YYYY-MM-DD between 2000-01-01 and 2099-12-31")]
REGION_PATTERN = r"^[0-9]{6}$"
# Published as the list of divisions the ledger serves, which the ledger checks (ledger/regions.py).
Region = Annotated[str, StringConstraints(pattern=REGION_PATTERN),
                   Field(examples=["210100"], json_schema_extra={"enum": sorted(divisions())})]
Text = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT_CHARS, pattern=TEXT_PATTERN)]
# A division the ledger serves, as a pattern (query filters, fund ids): the same list as Region's enum.
SERVED_REGION = "|".join(sorted(divisions()))
SERVED_REGION_PATTERN = f"^({SERVED_REGION})$"
# A fund is one fund type in one served division: an id of another region names no fund the
# ledger could hold, and is refused as malformed.
FUND_ID_PATTERN = rf"^({'|'.join(FUND_TYPES)}):({SERVED_REGION})$"
FundId = Annotated[str, StringConstraints(pattern=FUND_ID_PATTERN), Field(examples=["employment_subsidy:210100"])]
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
IDENTITY_NUMBER_FORMAT = "gb11643"    # 17 digits and a check character (0-9 or X), a real birth date
CREDIT_CODE_FORMAT = "gb32100"        # the unified social credit code's alphabet and check character
# The shapes ledger/identifiers.py checks, short of the check character (the formats above).
_YEAR = "([0-9]{3}[1-9]|[0-9]{2}[1-9]0|[0-9][1-9]00|[1-9]000)"  # 0001-9999
_LEAP = "([0-9]{2}(0[48]|[2468][048]|[13579][26])|(0[48]|[2468][048]|[13579][26])00)"
_BIRTH = (f"({_YEAR}((0[13578]|1[02])(0[1-9]|[12][0-9]|3[01])|(0[469]|11)(0[1-9]|[12][0-9]|30)"
          f"|02(0[1-9]|1[0-9]|2[0-8]))|{_LEAP}0229)")
IDENTITY_NUMBER_PATTERN = f"^[0-9]{{6}}{_BIRTH}[0-9]{{3}}[0-9Xx]$"
CREDIT_CODE_PATTERN = r"^[0-9A-HJ-NP-RTUW-Ya-hj-np-rtuw-y]{18}$"
# A resident identity number (GB 11643) or a unified social credit code (GB 32100).
PARTY_ID_PATTERN = f"^({IDENTITY_NUMBER_PATTERN[1:-1]}|{CREDIT_CODE_PATTERN[1:-1]})$"
PartyId = Annotated[str, StringConstraints(pattern=PARTY_ID_PATTERN), Field(examples=["91350100M000100Y43"])]
# Either, with its format (the check character), where the body says no more (the watch list).
EITHER_PARTY_ID = {"anyOf": [{"pattern": IDENTITY_NUMBER_PATTERN, "format": IDENTITY_NUMBER_FORMAT},
                             {"pattern": CREDIT_CODE_PATTERN, "format": CREDIT_CODE_FORMAT}]}
ProgramCode = Literal[tuple(load_catalog().programs)]  # type: ignore[valid-type]
Role = Literal["admin", "clerk", "reviewer", "treasurer", "auditor"]
# The SHA-256 of a token its owner made (`ledger token new`): tokens of others are registered by it.
TokenSha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-fA-F]{64}$"),
                        Field(description="SHA-256 (hex) of a token the person made on their own machine")]
ClaimStatus = Literal["submitted", "rejected", "withdrawn", "approved", "prepaid", "paid", "closed"]
# The orders of GET /v1/claims (projections/store.py, CLAIM_ORDERS); "-": newest or largest first.
ClaimSort = Literal["submitted", "-submitted", "updated", "-updated", "entitled", "-entitled"]
FundType = Literal[tuple(FUND_TYPES)]  # type: ignore[valid-type]
AllocationSource = Literal[ALLOCATION_SOURCES]  # type: ignore[valid-type]
Limit = Annotated[int, Field(ge=1, le=MAX_PAGE)]
Position = Annotated[int, Field(ge=0, le=MAX_POSITION)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BackdateIn(Strict):
    """Evidence for a business date more than LEDGER_BACKDATE_DAYS (default 30) before today
    (API.md, "Insiders and time"): recorded with the entry and listed by GET /reports/backdated."""
    reason: Text
    document_no: Text


BACKDATE = Field(None, description="Required when a business date of the body lies more than LEDGER_BACKDATE_DAYS "
                                   "before today; no business date may be later than today")


class UserIn(Strict):
    name: Text
    roles: list[Role] = Field(min_length=1)
    regions: list[Region] = Field(min_length=1)
    token_sha256: TokenSha256
    reason: Text | None = None


class RolesIn(Strict):
    """New roles and regions for a user (they replace the old ones)."""
    roles: list[Role] = Field(min_length=1)
    regions: list[Region] = Field(min_length=1)
    reason: Text | None = None


class ReactivateIn(Strict):
    reason: Text
    token_sha256: TokenSha256 | None = None


class UserOut(BaseModel):
    """GET /users/me: the caller."""
    user_id: str
    name: str
    roles: list[str]
    regions: list[str]


class TokenIssued(BaseModel):
    """A token, shown this once to its owner (`null` when an Idempotency-Key replays the
    request; absent when it was registered by its hash): only its hash is stored.
    `expires_at` is null for the bootstrap admin's token only."""
    user_id: str
    token: str | None = None
    token_id: str
    expires_at: str | None


class UserCreated(TokenIssued):
    name: str | None = None
    roles: list[str] | None = None
    regions: list[str] | None = None


class TokenIn(Strict):
    revoke_others: StrictBool = False
    token_sha256: TokenSha256 | None = None
    reason: Text | None = None


class TokenRecord(BaseModel):
    token_id: str
    issued_at: str
    expires_at: str | None
    revoked: bool


class UserDocument(BaseModel):
    user_id: str
    name: str
    roles: list[str]
    regions: list[str]
    active: bool
    tokens: list[TokenRecord]


class UserPage(BaseModel):
    items: list[UserDocument]
    next_cursor: str | None


class UserChangeOut(BaseModel):
    """A change of who may act (API.md, "◆ Insiders and time"); `regions`: every region it
    reaches, `new_regions`: the regions it gives the user."""
    change_id: str
    seq: int
    kind: Literal["create", "roles", "reactivate", "token", "deactivate"]
    user_id: str
    status: Literal["proposed", "in_force", "rejected"]
    regions: list[str]
    proposed_by: str
    confirmed_by: str | None
    alone: bool
    rejected_by: str | None
    rejection_reason: str | None
    name: str | None = None
    roles: list[str] | None = None
    new_regions: list[str] | None = None
    token_sha256: str | None = None
    revoke_others: bool | None = None
    reason: str | None = None


class UserChangePage(BaseModel):
    items: list[UserChangeOut]
    next_cursor: str | None


class UserChangeInForce(UserDocument):
    """A change put in force, and the user as it now stands."""
    change_id: str
    kind: str
    status: Literal["in_force"]
    token_id: str | None = None
    expires_at: str | None = None


class FundIn(Strict):
    fund_type: FundType
    region: Region
    name: Text | None = None


class AllocationIn(Strict):
    amount: Money
    source: AllocationSource
    document_no: Text
    effective_date: Date
    memo: Text | None = None
    backdate: BackdateIn | None = BACKDATE


class TransferIn(Strict):
    from_fund: FundId
    to_fund: FundId
    amount: Money
    document_no: Text
    effective_date: Date
    backdate: BackdateIn | None = BACKDATE


class Balance(BaseModel):
    allocated: SignedMoney
    reserved: SignedMoney
    disbursed: SignedMoney
    recovered: SignedMoney
    available: SignedMoney


class FundOut(BaseModel):
    fund_id: str
    fund_type: str
    region: str
    name: str
    balance: Balance
    position: int | None
    version: int


class FundPage(BaseModel):
    items: list[FundOut]
    next_cursor: str | None


class FundMovement(BaseModel):
    position: int
    kind: Literal["allocated", "transferred_in", "transferred_out", "reserved", "released", "disbursed",
                  "payment_returned", "recovered"]
    business_date: str
    recorded_at: str
    amount: str
    document_no: str | None
    source: str | None
    program: str | None
    counterpart_fund: str | None
    claim_id: str | None
    payment_ref: str | None
    reference: str | None
    backdated: bool = False


class FundMovementPage(BaseModel):
    items: list[FundMovement]
    next_cursor: str | None


class AllocationOut(BaseModel):
    allocation_id: str
    fund: FundOut


class TransferOut(BaseModel):
    transfer_id: str
    from_fund: FundOut
    to_fund: FundOut


class ApplicantIn(Strict):
    kind: Literal["enterprise", "person", "institution"]
    id: PartyId
    name: Text


class BeneficiaryIn(Strict):
    id: PartyId
    name: Text


TEXT_SCHEMA = {"type": "string", "minLength": 1, "maxLength": MAX_TEXT_CHARS, "pattern": TEXT_PATTERN}


def _party_schema(kind: str | None) -> dict:
    person = kind in (None, "person")
    return {"type": "object", "additionalProperties": False, "required": ["id", "name"] + (["kind"] if kind else []),
            "properties": {**({"kind": {"const": kind}} if kind else {}),
                           "id": {"type": "string",
                                  "pattern": IDENTITY_NUMBER_PATTERN if person else CREDIT_CODE_PATTERN,
                                  "format": IDENTITY_NUMBER_FORMAT if person else CREDIT_CODE_FORMAT},
                           "name": TEXT_SCHEMA}}


def _claim_variants(schema: dict) -> None:
    """/openapi.json: a claim is one of the programs', each with its own facts (the facts
    schema of GET /programs/{code}), applicant kinds and beneficiary, so a generated claim
    has the shape the ledger takes. The ledger validates the facts against the catalog."""
    common = {k: v for k, v in schema["properties"].items() if k not in ("program", "applicant", "beneficiary",
                                                                         "facts")}
    variants = []
    for program in load_catalog().programs.values():
        facts = {k: v for k, v in program.facts_schema().items() if k != "$schema"}
        properties = {**common, "program": {"const": program.code},
                      "applicant": {"oneOf": [_party_schema(kind) for kind in program.applicant_kinds]},
                      "facts": facts}
        if program.beneficiary or program.founder:
            properties["beneficiary"] = _party_schema(None)
        variant = {"type": "object", "title": program.code, "additionalProperties": False, "properties": properties,
                   "required": ["program", "region", "applicant", "facts"]
                   + (["beneficiary"] if program.beneficiary else [])}
        if program.founder and not program.beneficiary:
            # An enterprise names the person who founded it (DOMAIN.md, One subsidy per
            # person-month); a person claims for itself (ledger/service/claims.py, _beneficiary).
            variant["if"] = {"properties": {"applicant": {"properties": {"kind": {"const": "person"}}}}}
            variant["then"] = {"not": {"required": ["beneficiary"]}}
            variant["else"] = {"required": ["beneficiary"]}
        variants.append(variant)
    schema["oneOf"] = variants


class ClaimIn(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_claim_variants)
    program: ProgramCode
    region: Region
    applicant: ApplicantIn
    beneficiary: BeneficiaryIn | None = None
    facts: dict[str, Any]
    application_date: Date | None = None
    backdate: BackdateIn | None = BACKDATE


class ApproveIn(Strict):
    amount: Money | None = None
    fund_id: FundId | None = None
    approved_on: Date | None = None
    backdate: BackdateIn | None = BACKDATE


class ReasonIn(Strict):
    reason: Text


def _later_facts(schema: dict) -> None:
    """The settlement facts (DOMAIN.md, marked later) of every program, each with its own
    schema: no other fact changes after submission. Which of them a claim takes is its
    program's (another program's is 409 invalid_state)."""
    later = load_catalog().later_facts()
    schema.clear()
    schema.update({"type": "object", "properties": {name: spec.json_schema() for name, spec in later.items()},
                   "additionalProperties": False, "minProperties": 1,
                   "description": "Settlement facts learned after submission: those of the claim's program"})


class FactsIn(Strict):
    facts: dict[str, Any] = Field(json_schema_extra=_later_facts)


class PaymentIn(Strict):
    amount: Money
    kind: Literal["prepayment", "settlement"]
    payment_ref: Text
    paid_on: Date | None = None
    backdate: BackdateIn | None = BACKDATE


class ReturnIn(Strict):
    reason: Text
    returned_on: Date | None = None
    backdate: BackdateIn | None = BACKDATE


class ClawbackIn(Strict):
    amount: Money
    reason: Text


class RecoveryIn(Strict):
    amount: Money
    reference: Text
    received_on: Date | None = None
    backdate: BackdateIn | None = BACKDATE


class ObjectionIn(Strict):
    reason: Text
    received_on: Date | None = Field(None, description="The day the objection was received (default: today); "
                                                       "during the notice")
    backdate: BackdateIn | None = BACKDATE


class ObjectionResolutionIn(Strict):
    outcome: Literal["upheld", "dismissed"]
    reason: Text


class PartyOut(BaseModel):
    kind: str | None = None
    id: str
    name: str


class Amounts(BaseModel):
    entitled: SignedMoney
    approved: SignedMoney
    reserved: SignedMoney
    paid: SignedMoney
    prepaid: SignedMoney
    returned: SignedMoney
    clawback_demanded: SignedMoney
    recovered: SignedMoney
    clawback_outstanding: SignedMoney


class PaymentOut(BaseModel):
    payment_ref: str
    kind: str
    amount: AmountOut
    paid_on: str
    returned: bool
    backdated: bool = False


class ClawbackOut(BaseModel):
    clawback_id: str
    amount: AmountOut
    reason: str
    confirmed: bool


class ObjectionOut(BaseModel):
    objection_id: str
    reason: str
    received_on: str
    status: Literal["open", "upheld", "dismissed"]
    resolution_reason: str | None
    backdated: bool = False


class PublicityOut(BaseModel):
    """The public notice (公示) opened on approval: payment from `ends_on`, once no
    objection is open."""
    starts_on: str
    ends_on: str
    objections: list[ObjectionOut]


class BackdatedEntryOut(BaseModel):
    """An entry of a claim dated beyond the backdating window, with its evidence."""
    entry: Literal["application", "approval", "payment", "return", "objection", "recovery"]
    ref: str | None
    fields: list[str]
    reason: str
    document_no: str
    backdated: bool = True


class ClaimOut(BaseModel):
    claim_id: str
    program: str
    region: str
    applicant: PartyOut
    beneficiary: PartyOut | None
    facts: dict[str, Any]
    application_date: str
    status: ClaimStatus
    fund_id: str | None
    rule_version: str
    entitlement_explanation: list[dict[str, Any]]
    amounts: Amounts
    payments: list[PaymentOut]
    clawbacks: list[ClawbackOut]
    approved_on: str | None = None
    publicity: PublicityOut | None = None
    backdated: bool = Field(False, description="Whether any entry of the claim is dated beyond the backdating window")
    backdated_entries: list[BackdatedEntryOut] = []
    # Every objection, during a notice or after approval or payment (DOMAIN.md, F14).
    objections: list[ObjectionOut] = []
    version: int
    submitted_at: str
    updated_at: str
    payment_ref: str | None = None
    clawback_id: str | None = None
    recovery_id: str | None = None
    objection_id: str | None = None


class ClaimPage(BaseModel):
    items: list[ClaimOut]
    next_cursor: str | None


class ClaimEventOut(BaseModel):
    position: int
    version: int
    type: str
    recorded_at: str
    actor: str | None
    data: dict[str, Any]


class ClaimEvents(BaseModel):
    items: list[ClaimEventOut]


class SourceOut(BaseModel):
    value: Any
    region: str | None
    effective_from: str | None
    document_no: str | None = None
    source: str
    source_zh: str | None = Field(None, description="The source in Chinese: the clause it comes from, a national "
                                                    "rule, or 本地假设 (a local assumption)")


class BoundOut(BaseModel):
    """The range a parameter's value keeps to, with its source (the clause of the notice,
    or local practice / assumed); `floor`: where the notice says 不低于, a city's or
    district's value is not below the province's in force."""
    min: Any = None
    max: Any = None
    source: str
    source_zh: str | None = Field(None, description="The source in Chinese: the clause that caps the value, a "
                                                    "national rule, or 本地假设 / 地方惯例 where no document gives a figure")
    document_no: str | None = Field(None, description="The number of the document the source cites (a document "
                                                      "without one in our copy: its title and date)")
    floor: dict[str, Any] | None = Field(None, description="Where the notice says 不低于: what it is (`of`, `of_zh`), "
                                                          "its source (`source`, `source_zh`, `document_no`) and, for a "
                                                          "date, the province's value in force (`value`, `region`, `on`)")


class DocumentOut(BaseModel):
    title_zh: str
    issued_on: str
    document_no: str | None = Field(description="null where our copy lacks the number: cited by title and date")


class ProgramOut(BaseModel):
    code: str
    name_zh: str
    name_en: str
    clause: str
    clause_text: str | None = Field(None, description="The clause in Chinese (figures stripped from our copy: …)")
    document: DocumentOut | None = None
    fund_types: list[str]
    payee_kind: str
    facts: dict[str, Any]
    parameters: dict[str, Any]
    sources: dict[str, SourceOut] = Field(description="Where each value comes from: region, effective date, "
                                                      "document, source")
    bounds: dict[str, BoundOut]
    rule_version: str | None = None
    rule_code_version: int | None = Field(None, description="The version of the program's rule code the set is "
                                                            "decided by (null: a rule version named before it was "
                                                            "recorded)")
    model_config = ConfigDict(extra="allow")


def _parameter_value(unit: str, specs: list) -> dict:
    """One parameter's value as its unit writes it (ledger/policy/units.py parse_parameter):
    money and dates as their strings, rates as "0.5" or "2/3", counts as whole numbers within
    the widest bounds any program gives the name; null removes the region's own value. A
    program's own bounds and a floor (不低于) depend on the path's program and the province's
    value in force, which a body's schema cannot see (tests/unstated_rules.py)."""
    if unit == "money":
        value = {"type": "string", "pattern": MONEY_PATTERN}
    elif unit == "rate":
        value = {"type": "string", "maxLength": MAX_RATE_CHARS, "pattern": RATE_PATTERN}
    elif unit == "date":
        value = {"type": "string", "pattern": DATE_PATTERN}
    else:
        value = {"type": "integer", "minimum": min(spec.bounds.minimum for spec in specs),
                 "maximum": max(spec.bounds.maximum for spec in specs)}
    return {"anyOf": [value, {"type": "null"}]}


def _parameter_values() -> dict:
    specs: dict[str, list] = {}
    for program in load_catalog().programs.values():
        for spec in program.parameters:
            specs.setdefault(spec.name, []).append(spec)
    # A name means one unit in every program (tests/test_policy_catalog.py holds it).
    return {name: _parameter_value(found[0].unit, found) for name, found in sorted(specs.items())}


PARAMETER_VALUES = _parameter_values()


class ParametersIn(Strict):
    region: Region
    effective_from: Date
    effective_to: Date | None = None
    values: dict[str, Any] = Field(min_length=1, description="Parameter name -> value in its unit; null removes "
                                                             "the region's own value from effective_from",
                                   json_schema_extra={"properties": PARAMETER_VALUES,
                                                      "additionalProperties": False})
    document_no: Text
    reason: Text
    retroactive: StrictBool = Field(False, description="Required (true) for an effective_from before today "
                                                       "(China Standard Time)")


class ParameterChangeOut(BaseModel):
    change_id: str
    status: Literal["proposed", "in_force", "rejected"]
    program: str
    region: str
    effective_from: str
    effective_to: str | None
    values: dict[str, Any]
    document_no: str
    reason: str
    retroactive: bool
    proposed_by: str
    confirmed_by: str | None
    rejected_by: str | None
    rejection_reason: str | None
    rule_version: str | None


class ParameterChangePage(BaseModel):
    items: list[ParameterChangeOut]
    next_cursor: str | None


class ParameterVersionOut(BaseModel):
    version_id: str
    region: str
    effective_from: str
    effective_to: str | None
    values: dict[str, Any]
    document_no: str | None
    reason: str | None
    actor: str
    proposed_by: str
    confirmed_by: str | None = Field(description="null for a version one admin put in force alone, before "
                                                 "changes needed a second")
    retroactive: bool | None


class ParameterHistory(BaseModel):
    items: list[ParameterVersionOut]
    next_cursor: str | None


class ProgramList(BaseModel):
    items: list[ProgramOut]


class Division(BaseModel):
    code: str
    name_zh: str
    level: Literal["country", "province", "city", "county"]
    parent: str | None


class DivisionList(BaseModel):
    items: list[Division]


class BoundRefused(BaseModel):
    """The limit a proposed parameter value broke, with its source in both languages."""
    limit: Literal["min", "max", "floor"]
    value: Any = Field(description="The limit, in the parameter's unit (money as a money string)")
    source: str
    source_zh: str
    document_no: str
    region: str | None = Field(None, description="A floor: the province whose value in force it is")
    of: str | None = None
    of_zh: str | None = None


class Problem(BaseModel):
    """An RFC 9457 problem document: every refusal (application/problem+json)."""
    type: str
    title: str
    status: int
    detail: str
    code: str = Field(description="What went wrong, e.g. validation_error, not_found, insufficient_funds")
    field: str | None = Field(None, description="The input at fault, where there is one (e.g. facts.term_months)")
    bound: BoundRefused | None = Field(None, description="A parameter value outside its bounds or below its floor: "
                                                         "the limit it broke")
    model_config = ConfigDict(extra="allow")


class AuditEvent(BaseModel):
    position: int
    originator_id: str
    version: int
    type: str = Field(description="The event's type; \"undecodable\" when its stored bytes cannot be read")
    topic: str
    recorded_at: str | None
    timestamp: str | None
    actor: str | None
    data: dict[str, Any]
    hash: str | None
    prev_hash: str | None


class AuditEventPage(BaseModel):
    items: list[AuditEvent]
    next_cursor: str | None


class SealCheck(BaseModel):
    recorded_at_position: int
    position: int | None = Field(description="The sealed position (null when the seal cannot be decoded)")
    hash: str | None
    sealed_at: str | None
    signature: str | None
    ok: bool
    problem: str | None


class AnchorCheck(BaseModel):
    position: int
    hash: str
    source: str | None = None
    ok: bool
    problem: str | None


class SnapshotProblem(BaseModel):
    position: int | None = Field(description="The log position of the event the snapshot stands for")
    version: int
    problem: str


class SnapshotChecks(BaseModel):
    checked: int
    untagged: int = Field(description="Snapshots stored by an earlier version, without a tag: never used")
    bad: list[SnapshotProblem]
    not_checked: str | None


class Undecodable(BaseModel):
    count: int
    positions: list[int] = Field(description="The first 100 positions of events that cannot be decoded")


class ChainVerification(BaseModel):
    ok: bool
    events_checked: int
    head_position: int
    head_hash: str
    first_bad_position: int | None
    problem: str | None
    seals: list[SealCheck]
    chain_ok: bool = Field(default=True, description="The chain's own verdict, before seals, anchors and snapshots")
    macs_ok: bool | None = Field(default=None, description="The keyed chain: every event checked has a valid MAC "
                                                           "under LEDGER_CHAIN_KEY (null: not checked)")
    first_bad_mac_position: int | None = Field(default=None, description="The first event checked without a "
                                                                         "valid MAC")
    bad_macs: int = Field(default=0, description="How many events checked have no valid MAC")
    full: bool = Field(default=True, description="Checked from the first event (else on from from_position)")
    from_position: int = Field(default=0, description="The walk started after this position, found good by an "
                                                      "earlier pass")
    anchors: list[AnchorCheck] = []
    snapshots: SnapshotChecks | None = None
    undecodable: Undecodable | None = None
    not_checked: list[str] = Field(default=[], description="What this verification could not check, and why")


class SealIn(Strict):
    force: StrictBool = Field(default=False, description="Seal although the log was sealed less than a minute "
                                                          "ago (admin only)")


class SealOut(BaseModel):
    position: int
    hash: str
    sealed_at: str
    signature: str
    public_key: str
    recorded_at_position: int | None = None


# Reports (fund usage, program usage, payees): see projections/reports.py -------------------
class UsageMovements(BaseModel):
    allocations: SignedMoney
    allocations_by_source: dict[str, SignedMoney]
    transfers_in: SignedMoney
    transfers_out: SignedMoney
    reserved: SignedMoney
    released: SignedMoney
    disbursed: SignedMoney
    disbursed_by_program: dict[str, SignedMoney]
    returned: SignedMoney
    recovered: SignedMoney
    reserved_change: SignedMoney


class UsageTotal(BaseModel):
    opening: Balance
    movements: UsageMovements
    closing: Balance
    ties_out: bool


class FundUsageReport(UsageTotal):
    model_config = ConfigDict(populate_by_name=True)
    fund_id: str
    from_: str = Field(alias="from")
    to: str
    basis: Literal["business", "recorded"]
    position: int
    position_recorded_at: str | None
    period_basis_note: str
    fund_type: str
    region: str
    name: str


class FundUsageRollup(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    fund_type: str
    region: str
    from_: str = Field(alias="from")
    to: str
    basis: Literal["business", "recorded"]
    lines: list[FundUsageReport]
    total: UsageTotal
    ties_out: bool
    position: int
    position_recorded_at: str | None
    period_basis_note: str
    name: str


class ProgramUsageLine(BaseModel):
    disbursed: SignedMoney
    returned: SignedMoney
    recovered: SignedMoney
    net: SignedMoney


class ProgramUsageFund(ProgramUsageLine):
    fund_id: str


class ProgramUsageReport(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    program: str
    region: str | None
    from_: str = Field(alias="from")
    to: str
    basis: Literal["business", "recorded"]
    lines: list[ProgramUsageFund]
    total: ProgramUsageLine
    position: int
    position_recorded_at: str | None
    period_basis_note: str


class PayeeOut(BaseModel):
    payee: PartyOut | None
    beneficiary: PartyOut | None
    program: str
    amount: AmountOut
    paid_on: str
    payment_ref: str
    returned: bool


class PayeePage(BaseModel):
    items: list[PayeeOut]
    next_cursor: str | None


class NoticePayeeOut(BaseModel):
    """A claim under public notice (公示) on the day asked for."""
    claim_id: str
    payee: PartyOut | None
    beneficiary: PartyOut | None
    program: str
    amount: AmountOut
    starts_on: str
    ends_on: str
    objections_open: int


class NoticePayeePage(BaseModel):
    items: list[NoticePayeeOut]
    next_cursor: str | None


class BackdatedOut(BaseModel):
    """An entry recorded with a business date beyond the backdating window (API.md, "Insiders and time")."""
    position: int
    entry: Literal["application", "approval", "payment", "return", "objection", "recovery", "allocation",
                   "transfer_in", "transfer_out", "listing", "lift"]
    region: str | None
    fund_id: str | None
    claim_id: str | None
    watchlist_entry_id: str | None
    ref: str | None
    fields: list[str]
    business_date: str
    recorded_on: str
    actor: str | None
    backdate: BackdateIn
    backdated: bool = True


class BackdatedPage(BaseModel):
    items: list[BackdatedOut]
    next_cursor: str | None


class WatchListIn(Strict):
    party_id: PartyId = Field(description="A resident identity number (GB 11643) or a unified social credit "
                                          "code (GB 32100); stored only as a keyed hash and a sealed copy",
                              json_schema_extra=EITHER_PARTY_ID)
    reason: Text
    document_no: Text
    listed_from: Date
    listed_until: Date | None = Field(None, description="First day no longer listed (default: until lifted)")
    backdate: BackdateIn | None = BACKDATE


class WatchListLiftIn(Strict):
    reason: Text
    document_no: Text
    lifted_on: Date = Field(description="First day no longer listed")
    backdate: BackdateIn | None = BACKDATE


class WatchListCreated(BaseModel):
    entry_id: str


class WatchedPartyOut(BaseModel):
    kind: Literal["person", "organisation"]
    id: str = Field(description="Masked: first four and last four characters")


class WatchListEntryOut(BaseModel):
    entry_id: str
    party: WatchedPartyOut
    reason: str
    document_no: str
    listed_from: str
    listed_until: str | None
    listed_by: str
    lifted: dict[str, Any] | None
    backdated: bool = False
    version: int


class WatchListPage(BaseModel):
    items: list[WatchListEntryOut]
    next_cursor: str | None


# Bank statements and reconciliation: see ledger/domain/bank.py and projections/reconciliation.py
BankItemKind = Literal["payment", "returned_payment", "recovery"]
BankLineStatus = Literal["matched", "probable", "unmatched", "duplicate", "overlap"]
Direction = Literal["debit", "credit"]


class BankStatementIn(Strict):
    """POST /bank-statements as JSON; as text/csv the same fields are query parameters."""
    fund_id: FundId
    statement_id: Text | None = Field(None, description="The bank's own id of the statement (default: a hash of "
                                                        "its lines)")
    csv: str = Field(description="The statement as CSV text, header first",
                     examples=["date,amount,direction,reference,counterparty\n"
                               "2022-07-20,1500.00,debit,ZF-2022-0001,沈阳示例科技有限公司\n"])
    columns: dict[str, Text] | None = Field(None, max_length=10, description="Column name -> the file's header, e.g. "
                                                             "{\"date\": \"交易日期\", \"amount\": \"金额\"}")
    debit: Text | None = Field(None, description="The direction column's value(s) for debit, e.g. 借|支出")
    credit: Text | None = Field(None, description="The direction column's value(s) for credit, e.g. 贷|收入")
    skip_lines: int | None = Field(None, ge=0, le=100, description="Lines above the header to skip")


class BankItemOut(BaseModel):
    kind: BankItemKind
    claim_id: str
    program: str
    payment_ref: str | None
    recovery_id: str | None
    reference: str
    amount: AmountOut
    date: str


class BankMatchOut(BankItemOut):
    how: Literal["exact", "probable"]


class DuplicateOf(BaseModel):
    statement_id: str
    line_no: int


class StatementLineOut(BaseModel):
    line_no: int
    date: str
    direction: Direction
    amount: AmountOut
    reference: str | None
    counterparty: str | None
    status: BankLineStatus
    match: BankMatchOut | None
    duplicate_of: DuplicateOf | None


class StatementSummary(BaseModel):
    lines: int
    matched: int
    probable: int
    unmatched: int
    duplicate: int
    overlap: int


class BankStatementOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    statement_id: str
    fund_id: str
    from_: str = Field(alias="from")
    to: str
    summary: StatementSummary
    lines: list[StatementLineOut] = Field(description="The first 1,000 lines with their outcomes")
    more_lines: int = Field(0, description="Lines after those shown (GET /v1/reconciliation lists every line)")
    version: int


class ReconciledLine(BaseModel):
    statement_id: str
    line_no: int
    date: str
    direction: Direction
    amount: AmountOut
    reference: str | None
    counterparty: str | None
    status: BankLineStatus
    duplicate_of: DuplicateOf | None = None


class ReconciledMatch(BaseModel):
    how: Literal["exact", "probable"]
    line: ReconciledLine
    item: BankItemOut


class ReconciliationCounts(BaseModel):
    matched: int
    unmatched_in_ledger: int
    unmatched_in_bank: int


class ReconciliationOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    fund_id: str
    from_: str = Field(alias="from")
    to: str
    matched: list[ReconciledMatch]
    unmatched_in_ledger: list[BankItemOut]
    unmatched_in_bank: list[ReconciledLine]
    counts: ReconciliationCounts | None = None
    position: int
    next_cursor: str | None = None


class PeriodCloseIn(Strict):
    override_reason: Text | None = None


class PeriodCloseOut(BaseModel):
    fund_id: str
    month: str
    closed: bool
    override_reason: str | None
    evidence: dict[str, Any]
    closed_months: list[str]


class PeriodReopenIn(Strict):
    reason: Text
    document_no: Text


class PeriodReopenOut(BaseModel):
    change_id: str
    fund_id: str
    month: str
    status: Literal["proposed", "reopened"]
    reason: str | None = None
    document_no: str | None = None
    proposed_by: str | None = None
    confirmed_by: str | None = None
    closed_months: list[str] | None = None


class PeriodReopenRequest(BaseModel):
    change_id: str
    proposed_by: str
    proposed_at: str
    reason: str
    document_no: str


class PeriodMonth(BaseModel):
    month: str
    state: Literal["open", "closed"]
    closed_by: str | None
    closed_at: str | None
    override_reason: str | None
    evidence: dict[str, Any] | None
    reopened_by: str | None
    reopened_at: str | None
    reopen_reason: str | None
    reopen_document_no: str | None
    reopen_requests: list[PeriodReopenRequest]
    history: list[dict[str, Any]]


class PeriodsOut(BaseModel):
    fund_id: str
    items: list[PeriodMonth]
    closed_months: list[str]
    position: int


# ---- the holiday calendar 公示 counts working days in (API.md ◆, DOMAIN.md "公示 in working days")


class CalendarDayIn(Strict):
    date: Date
    kind: Literal["holiday", "workday"] = Field(description="holiday: 放假; workday: an adjusted working day "
                                                            "(调休上班), a Saturday or Sunday")
    name_zh: Text


class HolidayCalendarIn(Strict):
    days: list[CalendarDayIn] = Field(min_length=1, max_length=400)
    document_no: Text = Field(description="The State Council's notice, e.g. 国办发明电〔2026〕1号")


class HolidayCalendarChangeOut(BaseModel):
    year: int
    change_id: str
    status: Literal["proposed", "in_force", "rejected"]
    days: list[dict[str, Any]]
    document_no: str
    proposed_by: str
    confirmed_by: str | None
    rejected_by: str | None
    reason: str | None


class HolidayCalendarOut(BaseModel):
    year: int
    source: Literal["shipped", "loaded"] | None
    document: str | None
    document_no: str | None
    days: list[dict[str, Any]]
    in_force: bool
    changes: list[HolidayCalendarChangeOut]
