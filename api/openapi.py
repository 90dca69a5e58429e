"""/openapi.json as a client generator or a fuzzer reads it: short stable operation ids,
the bearer token as a security scheme (the Authorize button of /docs), and every refusal
declared as what it is, an `application/problem+json` document with the Problem schema.
The prose reference is docs/API.md."""
from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.routing import APIRoute

from .gate import PUBLIC_PATHS
from .schemas import Problem

DESCRIPTION = ("Employment-subsidy ledger: funds, claims, payments, clawbacks. The reference is docs/API.md in "
               "the project's source; this document is its machine-readable form. Every endpoint but /healthz and "
               "/readyz takes `Authorization: Bearer <token>`; every refusal is an RFC 9457 problem document "
               "(application/problem+json) whose `code` says what went wrong.")
SCHEME = "bearerAuth"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
# API.md, Conventions: every POST and PUT takes an Idempotency-Key (api/deps.py reads it for
# each write); the writes on one claim and a fund's allocations take If-Match, refused with
# 412 when stale or malformed (tests/api/test_openapi_headers.py keeps this in step with what
# the routes do).
IDEMPOTENCY_KEY = {"name": "Idempotency-Key", "in": "header", "required": False,
                   "description": "Repeat a write safely: the same key and body return the first answer",
                   "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[\\x20-\\x7e]{1,200}$"}}
IF_MATCH = {"name": "If-Match", "in": "header", "required": False,
            "description": "The version from the resource's ETag, e.g. \"3\" (or *): 412 when it is no longer current",
            # Any value is a condition (RFC 9110): one that names no current version, a weak or
            # malformed tag included, is false (412), not invalid input.
            "schema": {"type": "string"}}


# Query parameters that a rule ties together, published as one form-exploded object (sent as
# the same `?a=..&b=..`): JSON Schema states the rule over the object, where separate
# parameters could not (schemathesis drew each alone, and the service refused the mix).
# A generated client gets one model per group. Each: (the group's name, its parameters, the
# rule, whether the group is required).
QUERY_GROUPS = (
    # API.md, Conventions: as_of or as_of_position, not both.
    ("as_of_point", ("as_of", "as_of_position"), {"maxProperties": 1}, False),
    # API.md, Audit: an anchor is a position and the hash there.
    ("anchor", ("expect_position", "expect_hash"),
     {"dependentRequired": {"expect_position": ["expect_hash"], "expect_hash": ["expect_position"]}}, False),
    # GET /reports/fund-usage: one fund, or a roll-up of a fund type over a region.
    ("scope", ("fund_id", "fund_type", "region"),
     {"oneOf": [{"required": ["fund_id"], "maxProperties": 1},
                {"required": ["fund_type", "region"], "not": {"required": ["fund_id"]}}]}, True),
    # GET /reports/payees: the payments of one fund in a period, or (stage=notice) the claims
    # under notice.
    ("listing", ("stage", "fund_id", "from", "to"),
     {"if": {"not": {"required": ["stage"], "properties": {"stage": {"const": "notice"}}}},
      "then": {"required": ["fund_id", "from", "to"]}},
     True),
)


def _group_query_parameters(operation: dict) -> None:
    parameters = operation.get("parameters", [])
    for name, members, rule, required in QUERY_GROUPS:
        found = {p["name"]: p for p in parameters if p.get("in") == "query" and p["name"] in members}
        if set(found) != set(members):
            continue
        properties = {}
        for member in members:
            schema = dict(found[member].get("schema", {}))
            # Absent is how a query leaves a value out: the object's properties are never null.
            variants = [v for v in schema.pop("anyOf", []) if v.get("type") != "null"]
            if len(variants) == 1:
                schema.update(variants[0])
            elif variants:
                schema["anyOf"] = variants
            schema.pop("default", None)
            if found[member].get("description"):
                schema.setdefault("description", found[member]["description"])
            properties[member] = schema
        group = {"name": name, "in": "query", "style": "form", "explode": True, "required": required,
                 "schema": {"type": "object", "properties": properties, "additionalProperties": False, **rule}}
        at = parameters.index(found[members[0]])
        parameters[:] = [p for p in parameters if p not in found.values()]
        parameters.insert(at, group)


def takes_if_match(method: str, path: str) -> bool:
    return method == "post" and (path.startswith("/v1/claims/{claim_id}/")
                                 or path == "/v1/funds/{fund_id}/allocations")

# (method, path) -> operationId. Stable names for clients: a generated client's methods are
# named after them. A route not listed here is named after its endpoint function
# (camelCase); tests/api/test_openapi_document.py keeps every id unique and short.
OPERATION_IDS = {
    ("POST", "/v1/funds"): "openFund",
    ("GET", "/v1/funds"): "listFunds",
    ("GET", "/v1/funds/{fund_id}"): "getFund",
    ("POST", "/v1/funds/{fund_id}/allocations"): "allocateToFund",
    ("GET", "/v1/funds/{fund_id}/movements"): "listFundMovements",
    ("POST", "/v1/fund-transfers"): "transferBetweenFunds",
    ("POST", "/v1/claims"): "submitClaim",
    ("GET", "/v1/claims"): "listClaims",
    ("GET", "/v1/claims/{claim_id}"): "getClaim",
    ("GET", "/v1/claims/{claim_id}/events"): "listClaimEvents",
    ("POST", "/v1/claims/{claim_id}/approve"): "approveClaim",
    ("POST", "/v1/claims/{claim_id}/reject"): "rejectClaim",
    ("POST", "/v1/claims/{claim_id}/withdraw"): "withdrawClaim",
    ("POST", "/v1/claims/{claim_id}/facts"): "recordClaimFacts",
    ("POST", "/v1/claims/{claim_id}/payments"): "recordPayment",
    ("POST", "/v1/claims/{claim_id}/payments/{payment_ref}/return"): "returnPayment",
    ("POST", "/v1/claims/{claim_id}/close"): "closeClaim",
    ("POST", "/v1/claims/{claim_id}/clawbacks"): "requestClawback",
    ("POST", "/v1/claims/{claim_id}/clawbacks/{clawback_id}/confirm"): "confirmClawback",
    ("POST", "/v1/claims/{claim_id}/recoveries"): "recordRecovery",
    ("POST", "/v1/claims/{claim_id}/objections"): "raiseObjection",
    ("POST", "/v1/claims/{claim_id}/objections/{objection_id}/resolve"): "resolveObjection",
    ("POST", "/v1/users"): "createUser",
    ("GET", "/v1/users"): "listUsers",
    ("GET", "/v1/users/me"): "getMe",
    ("GET", "/v1/users/{user_id}"): "getUser",
    ("POST", "/v1/users/{user_id}/tokens"): "issueToken",
    ("DELETE", "/v1/users/{user_id}/tokens/{token_id}"): "revokeToken",
    ("POST", "/v1/users/{user_id}/deactivate"): "deactivateUser",
    ("GET", "/v1/programs"): "listPrograms",
    ("GET", "/v1/programs/{code}"): "getProgram",
    ("PUT", "/v1/programs/{code}/parameters"): "proposeParameters",
    ("GET", "/v1/programs/{code}/parameter-changes"): "listParameterChanges",
    ("POST", "/v1/programs/{code}/parameter-changes/{change_id}/confirm"): "confirmParameterChange",
    ("POST", "/v1/programs/{code}/parameter-changes/{change_id}/reject"): "rejectParameterChange",
    ("GET", "/v1/programs/{code}/parameter-versions"): "listParameterVersions",
    ("GET", "/v1/audit/events"): "listAuditEvents",
    ("GET", "/v1/audit/verify"): "verifyAudit",
    ("GET", "/v1/audit/seals/latest"): "getLatestSeal",
    ("POST", "/v1/audit/seals"): "sealNow",
    ("GET", "/v1/reports/fund-usage"): "getFundUsageReport",
    ("GET", "/v1/reports/program-usage"): "getProgramUsageReport",
    ("GET", "/v1/reports/payees"): "getPayeesReport",
    ("POST", "/v1/bank-statements"): "importBankStatement",
    ("GET", "/v1/reconciliation"): "getReconciliation",
    ("POST", "/v1/periods/{fund_id}/{month}/close"): "closePeriod",
    ("POST", "/v1/watchlist"): "addToWatchlist",
    ("GET", "/v1/watchlist"): "listWatchlist",
    ("POST", "/v1/watchlist/{entry_id}/lift"): "liftWatchlistEntry",
    ("GET", "/healthz"): "getHealth",
    ("GET", "/readyz"): "getReadiness",
    ("GET", "/metrics"): "getMetrics",
}


def operation_id(route: APIRoute) -> str:
    method = sorted(route.methods)[0]
    named = OPERATION_IDS.get((method, route.path))
    if named:
        return named
    first, *rest = route.name.split("_")
    return first + "".join(part.title() for part in rest)


def install(app: FastAPI) -> None:
    """Names the operations and refines the generated document (computed once, on first ask)."""
    for route in app.router.routes:
        if isinstance(route, APIRoute) and route.include_in_schema:
            route.operation_id = operation_id(route)
            if route.summary is None:  # "Submit claim", not FastAPI's "Submit" from the function's name
                words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", route.operation_id).lower().split()
                route.summary = " ".join([words[0].capitalize(), *words[1:]])
    generate = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            refine(generate())
        return app.openapi_schema

    app.openapi = openapi


def refine(document: dict) -> dict:
    document["info"]["description"] = DESCRIPTION
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    _name_claim_variants(schemas)
    _name_inline_bodies(document, schemas)
    _name_inline_objects(schemas)
    _drop_unused(document, schemas)
    components.setdefault("securitySchemes", {})[SCHEME] = {
        "type": "http", "scheme": "bearer",
        "description": "A user's token, sent as `Authorization: Bearer <token>`."}
    components.setdefault("schemas", {}).setdefault("Problem", Problem.model_json_schema())
    document["security"] = [{SCHEME: []}]
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            operation["parameters"] = [p for p in operation.get("parameters", []) if not (
                p.get("in") == "header" and p.get("name", "").lower() == "authorization")]
            _group_query_parameters(operation)
            if method in ("post", "put") and path not in PUBLIC_PATHS:
                operation["parameters"].append(IDEMPOTENCY_KEY)
            if takes_if_match(method, path):
                operation["parameters"].append(IF_MATCH)
                operation.setdefault("responses", {}).setdefault(
                    "412", {"description": "If-Match names a version that is not current",
                            "content": {"application/problem+json": {}}})
            if not operation["parameters"]:
                del operation["parameters"]
            responses = operation.setdefault("responses", {})
            if path in PUBLIC_PATHS:
                operation["security"] = []
            else:
                responses.setdefault("401", {"description": "Not authenticated"})
                responses["401"].setdefault("content", {"application/problem+json": {}})
            for status, response in responses.items():
                if re.fullmatch(r"[45][0-9][0-9]", status) and "application/problem+json" in response.get(
                        "content", {}):
                    response["content"] = {"application/problem+json": {"schema": PROBLEM_REF}}
    return document


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _pascal(code: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[_\-\s]+", code) if part)


def _name_claim_variants(schemas: dict) -> None:
    """ClaimIn: one named variant per program (JobExpansionClaimIn ...), told apart by
    `program`, with named facts (JobExpansionFacts), applicants by kind (EnterpriseApplicantIn
    ...) and the person beneficiary (PersonBeneficiaryIn): a generator makes one model each."""
    claim = schemas.get("ClaimIn")
    if not claim or "oneOf" not in claim:
        return
    variants = {}
    for variant in claim["oneOf"]:
        properties = variant["properties"]
        code = properties["program"]["const"]
        properties["program"] = {"type": "string", "const": code}
        kinds = {}
        for party in properties["applicant"]["oneOf"]:
            kind = party["properties"]["kind"]["const"]
            party["properties"]["kind"] = {"type": "string", "const": kind}
            schemas[f"{_pascal(kind)}ApplicantIn"] = {**party, "title": f"{_pascal(kind)}ApplicantIn"}
            kinds[kind] = f"#/components/schemas/{_pascal(kind)}ApplicantIn"
        properties["applicant"] = (_ref(next(iter(kinds.values())).rsplit("/", 1)[1]) if len(kinds) == 1 else
                                   {"oneOf": [{"$ref": r} for r in kinds.values()],
                                    "discriminator": {"propertyName": "kind", "mapping": kinds}})
        if "beneficiary" in properties:
            schemas["PersonBeneficiaryIn"] = {**properties["beneficiary"], "title": "PersonBeneficiaryIn"}
            properties["beneficiary"] = _ref("PersonBeneficiaryIn")
        facts = f"{_pascal(code)}Facts"
        schemas[facts] = {**properties["facts"], "title": facts}
        properties["facts"] = _ref(facts)
        name = f"{_pascal(code)}ClaimIn"
        schemas[name] = {**variant, "title": name}
        variants[code] = f"#/components/schemas/{name}"
    schemas["ClaimIn"] = {"title": "ClaimIn", "description": "A claim under one program: the variant `program` names.",
                          "oneOf": [{"$ref": r} for r in variants.values()],
                          "discriminator": {"propertyName": "program", "mapping": variants}}


def _name_inline_bodies(document: dict, schemas: dict) -> None:
    """A JSON request body declared inline (openapi_extra) becomes <OperationId>In."""
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            content = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if content and "$ref" not in content.get("schema", {"$ref": ""}):
                name = _pascal(operation["operationId"]) + "In"
                schemas[name] = {**content["schema"], "title": name}
                content["schema"] = _ref(name)


def _name_inline_objects(schemas: dict) -> None:
    """An object inside a property's union (`{...} | null`) becomes <Schema><Property>."""
    for owner in list(schemas):
        for prop, schema in schemas[owner].get("properties", {}).items():
            for union in ("anyOf", "oneOf"):
                for i, member in enumerate(schema.get(union, [])):
                    if isinstance(member, dict) and "properties" in member:
                        name = owner + _pascal(prop)
                        schemas[name] = {**member, "title": name}
                        schema[union][i] = _ref(name)


def _drop_unused(document: dict, schemas: dict) -> None:
    """Components no operation reaches (the parts ClaimIn's variants replaced): a generator
    would make a model of each."""
    def refs(node) -> set[str]:
        if isinstance(node, dict):
            found = {node["$ref"].rsplit("/", 1)[1]} if isinstance(node.get("$ref"), str) else set()
            return found.union(*(refs(v) for v in node.values()))
        if isinstance(node, list):
            return set().union(*(refs(v) for v in node))
        return set()

    reached, todo = set(), refs(document.get("paths", {}))
    while todo:
        name = todo.pop()
        if name not in reached and name in schemas:
            reached.add(name)
            todo |= refs(schemas[name])
    for name in set(schemas) - reached:
        del schemas[name]
