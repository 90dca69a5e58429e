"""Answers: JSON bodies with the ETag of the resource they show."""
from __future__ import annotations


from starlette.responses import Response

from ledger.service import Outcome
from projections.reads import Ready

from .jsonresponse import JSONResponse as ORJSONResponse

from .schemas import Problem

PROBLEMS = {code: {"model": Problem, "content": {"application/problem+json": {}}}
            for code in (401, 403, 404, 409, 412, 422, 429, 503)}


def json(body: dict, *, status: int = 200) -> ORJSONResponse:
    headers = {"ETag": f'"{body["version"]}"'} if isinstance(body.get("version"), int) else None
    return ORJSONResponse(body, status_code=status, headers=headers)


def outcome(result: Outcome) -> ORJSONResponse:
    return json(result.body, status=201 if result.created else 200)


def ready(answer: Ready) -> Response:
    """An answer the read side keeps ready-made: its bytes as they are, with its ETag."""
    return Response(answer.body, media_type="application/json", headers={"ETag": f'"{answer.version}"'})
