from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request

from ledger.access import Actor
from ledger.policy import texts
from ledger.policy.catalog import NATION, parameter_wire, region_chain
from ledger.regions import validate_region
from ledger.service.core import parse_date

from .. import asof, deps, params
from ..bodies import StrictJSONRoute
from ..responses import PROBLEMS, json, outcome
from ..writes import write
from ..schemas import (SERVED_REGION_PATTERN, ParameterChangeOut, ParameterChangePage, ParameterHistory, ParametersIn, ProgramList,
                       ProgramOut, ReasonIn)

router = APIRouter(prefix="/v1", tags=["programs"], responses=PROBLEMS, route_class=StrictJSONRoute)
PROVINCE = "210000"


def program_document(program, rules, floors: dict | None = None) -> dict:
    """`floors`: the province's value in force, by parameter, where the notice sets a floor."""
    sources = cited_sources(program, rules.provenance_wire())
    bounds = program.bounds_wire()
    for name, floor in (floors or {}).items():
        bounds[name]["floor"] |= floor
    return {"code": program.code, "name_zh": program.name_zh, "name_en": program.name_en, "clause": program.clause,
            "clause_text": texts.clause_text(program.code), "document": texts.document_wire(program.document),
            "fund_types": list(program.fund_types), "payee_kind": program.payee_kind,
            "applicant_kinds": list(program.applicant_kinds), "prepayment": program.prepayment,
            "facts": program.facts_schema(), "parameters": rules.wire(), "sources": sources,
            "bounds": bounds, "rule_version": rules.rule_version,
            "rule_code_version": rules.code_version,
            # The name sources had before the contract named them; kept for the clients using it.
            "parameter_sources": sources}


def cited_sources(program, sources: dict[str, dict]) -> dict[str, dict]:
    """Each value's source with its document number and its Chinese text (ledger/policy/texts.py)."""
    return {name: {**source, **texts.parameter_citation(program.document, program.parameter(name).reference, source)}
            for name, source in sources.items()}


def floors_in_force(program, catalog, region: str, day) -> dict[str, dict]:
    """不低于: for each parameter with a floor, the province's value in force on `day`: the
    floor a city's or district's value keeps to (at the province, its own value)."""
    if region == NATION:
        return {}
    province = region[:2] + "0000"
    out = {}
    for spec in program.parameters:
        if spec.bounds.floor is not None:
            pv = catalog.in_force(program.code, spec.name, region_chain(province), day)
            if pv is not None:
                out[spec.name] = {"value": parameter_wire(pv.unit, pv.value), "region": province,
                                  "on": day.isoformat()}
    return out


@router.get("/programs", response_model=ProgramList)
def list_programs(request: Request, actor: Actor = Depends(deps.actor)):
    ledger = deps.runtime(request).ledger
    today = ledger.today()
    items = []
    for program in ledger.catalog.programs.values():
        catalog = ledger.current_catalog(program.code)
        rules = catalog.resolve(program.code, PROVINCE, today)
        items.append(program_document(program, rules, floors_in_force(program, catalog, PROVINCE, today)))
    return json({"items": items, "next_cursor": None})


@router.get("/programs/{code}", response_model=ProgramOut)
def get_program(code: str, request: Request, actor: Actor = Depends(deps.actor),
                region: str = Query(PROVINCE, pattern=SERVED_REGION_PATTERN,
                                    description="A region the ledger serves (GET /v1/regions)"),
                on: str | None = params.date("The day the parameters are in force on (default today)"),
                rule_version: str | None = params.text("A rule set's version, as a claim records it"),
                as_of: str | None = asof.AS_OF, as_of_position: int | None = asof.AS_OF_POSITION):
    """The parameters in force for `region` on the date `on`, where each came from and the
    bounds each keeps to; with `as_of`/`as_of_position`, as they had been recorded then;
    with `rule_version`, exactly what that version said."""
    rt = deps.runtime(request)
    ledger = rt.ledger
    program = ledger.catalog.program(code)
    if rule_version is not None:
        return json(program_document(program, ledger.rule_set(program.code, rule_version)))
    validate_region(region)
    day = parse_date(on, field="on", default=ledger.today())
    position = rt.reads.resolve(as_of, as_of_position) if (as_of or as_of_position is not None) else None
    catalog = ledger.current_catalog(program.code) if position is None else ledger.catalog_as_of(program.code, position)
    return json(program_document(program, catalog.resolve(program.code, region, day),
                                 floors_in_force(program, catalog, region, day)))


@router.put("/programs/{code}/parameters", status_code=202, response_model=ParameterChangeOut)
async def propose_parameters(code: str, body: ParametersIn, request: Request, actor: Actor = Depends(deps.actor)):
    """Proposes a change; it takes effect only when another admin confirms it."""
    payload = body.model_dump(mode="json", exclude_unset=True)
    ledger = deps.runtime(request).ledger
    result = await write(ledger.propose_parameter_change, actor, code, payload, idem=deps.idem(request, payload))
    return json(result.body, status=202)


@router.post("/programs/{code}/parameter-changes/{change_id}/confirm", response_model=ParameterChangeOut)
async def confirm_parameters(code: str, change_id: params.ItemId, request: Request, actor: Actor = Depends(deps.actor)):
    """Puts a proposed change in force: an admin other than its proposer, whose regions cover it."""
    ledger = deps.runtime(request).ledger
    return outcome(await write(ledger.confirm_parameter_change, actor, code, change_id, idem=deps.idem(request, {})))


@router.post("/programs/{code}/parameter-changes/{change_id}/reject", response_model=ParameterChangeOut)
async def reject_parameters(code: str, change_id: params.ItemId, body: ReasonIn, request: Request,
                      actor: Actor = Depends(deps.actor)):
    payload = body.model_dump(mode="json", exclude_unset=True)
    ledger = deps.runtime(request).ledger
    return outcome(await write(ledger.reject_parameter_change, actor, code, change_id, payload,
                               idem=deps.idem(request, payload)))


@router.get("/programs/{code}/parameter-changes", response_model=ParameterChangePage)
def parameter_changes(code: str, request: Request, actor: Actor = Depends(deps.actor),
                      status: Literal["proposed", "in_force", "rejected"] | None = Query(None)):
    """Every change proposed for the program, in the order proposed, with its proposer,
    confirmer or rejecter, document and reason; only those in the caller's regions."""
    return json({"items": deps.runtime(request).ledger.parameter_changes(code, status, actor), "next_cursor": None})


@router.get("/programs/{code}/parameter-versions", response_model=ParameterHistory)
def parameter_versions(code: str, request: Request, actor: Actor = Depends(deps.actor)):
    """Every version put in force since the shipped values, oldest first."""
    return json({"items": deps.runtime(request).ledger.parameter_history(code), "next_cursor": None})
