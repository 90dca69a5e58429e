from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from ledger.access import Actor
from ledger.regions import validate_region
from ledger.service.core import parse_date, today_in_china

from .. import asof, deps
from ..bodies import StrictJSONRoute
from ..responses import PROBLEMS, json, outcome
from ..schemas import ParameterHistory, ParametersIn, ParametersOut, ProgramList, ProgramOut

router = APIRouter(prefix="/v1", tags=["programs"], responses=PROBLEMS, route_class=StrictJSONRoute)
PROVINCE = "210000"


def program_document(program, rules) -> dict:
    return {"code": program.code, "name_zh": program.name_zh, "name_en": program.name_en, "clause": program.clause,
            "fund_types": list(program.fund_types), "payee_kind": program.payee_kind,
            "applicant_kinds": list(program.applicant_kinds), "prepayment": program.prepayment,
            "facts": program.facts_schema(), "parameters": rules.wire(), "rule_version": rules.rule_version,
            "parameter_sources": rules.provenance_wire()}


@router.get("/programs", response_model=ProgramList)
def list_programs(request: Request, actor: Actor = Depends(deps.actor)):
    ledger = deps.runtime(request).ledger
    today = today_in_china()
    items = []
    for program in ledger.catalog.programs.values():
        rules = ledger.current_catalog(program.code).resolve(program.code, PROVINCE, today)
        items.append(program_document(program, rules))
    return json({"items": items, "next_cursor": None})


@router.get("/programs/{code}", response_model=ProgramOut)
def get_program(code: str, request: Request, actor: Actor = Depends(deps.actor), region: str = PROVINCE,
                on: str | None = None, rule_version: str | None = None, as_of: str | None = asof.AS_OF,
                as_of_position: int | None = asof.AS_OF_POSITION):
    """The parameters in force for `region` on the date `on`; with `as_of`/`as_of_position`,
    as they had been recorded then; with `rule_version`, exactly what that version said."""
    rt = deps.runtime(request)
    ledger = rt.ledger
    program = ledger.catalog.program(code)
    if rule_version is not None:
        return json(program_document(program, ledger.rule_set(program.code, rule_version)))
    validate_region(region)
    day = parse_date(on, field="on", default_today=True)
    position = asof.resolve(rt, as_of, as_of_position) if (as_of or as_of_position is not None) else None
    catalog = ledger.current_catalog(program.code) if position is None else ledger.catalog_as_of(program.code, position)
    return json(program_document(program, catalog.resolve(program.code, region, day)))


@router.put("/programs/{code}/parameters", response_model=ParametersOut)
def set_parameters(code: str, body: ParametersIn, request: Request, actor: Actor = Depends(deps.actor)):
    payload = body.model_dump(mode="json", exclude_unset=True)
    ledger = deps.runtime(request).ledger
    return outcome(ledger.set_parameters(actor, code, payload, idem=deps.idem(request, payload)))


@router.get("/programs/{code}/parameter-versions", response_model=ParameterHistory)
def parameter_versions(code: str, request: Request, actor: Actor = Depends(deps.actor)):
    """Every version an administrator recorded for the program, oldest first."""
    return json({"items": deps.runtime(request).ledger.parameter_history(code), "next_cursor": None})
