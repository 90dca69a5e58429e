"""JSON bodies, parsed once and under the declared limits (ledger/limits.py): nesting,
whole numbers only and within the safe range (2091.0 is the number 2091, as JSON Schema's
`integer` and so /openapi.json have it), text without control characters or lone
surrogates, keys included. Routes get this parser through `StrictJSONRoute`; a refusal
names the field, as the problem's `field`. A route's roles are checked before any of it
(api/roles.py)."""
from __future__ import annotations

from typing import Any

import orjson
from fastapi import Request
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from ledger.errors import LedgerError, ValidationFailed
from ledger.limits import MAX_JSON_DEPTH, SAFE_INTEGER, bad_character

from .roles import roles_of

# Fields whose text may span lines (a bank statement's CSV sent inside JSON).
MULTILINE_FIELDS = frozenset({"csv"})


class BodyRefused(HTTPException):
    """A body refused while FastAPI reads it: an HTTPException, so that FastAPI lets it
    through to the problem handler instead of calling it a parsing error."""

    def __init__(self, error: LedgerError, body: bytes):
        super().__init__(status_code=422)
        self.error = error
        self.body = body  # read already: the stream cannot be read twice


def parse_json(body: bytes) -> Any:
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError:
        # orjson also refuses lone surrogates, invalid UTF-8 and nesting beyond 1024 levels.
        raise ValidationFailed("body: the body is not valid JSON (UTF-8, without lone surrogates)",
                               field="body") from None
    return check_tree(value)


def check_tree(value: Any, path: str = "", depth: int = 1) -> Any:
    """`value` checked, with each whole number written with a zero fraction made an int."""
    if depth > MAX_JSON_DEPTH:
        raise ValidationFailed(f"{path or 'body'}: JSON is nested deeper than {MAX_JSON_DEPTH} levels",
                               field=path or "body")
    kind = type(value)
    if kind is dict:
        for key, item in value.items():
            here = f"{path}.{key}" if path else key
            problem = bad_character(key)
            if problem is not None:
                raise ValidationFailed(f"{path or 'body'}: a key holds {problem}", field=path or "body")
            value[key] = check_tree(item, here, depth + 1)
    elif kind is list:
        for i, item in enumerate(value):
            value[i] = check_tree(item, f"{path}[{i}]", depth + 1)
    elif kind is str:
        problem = bad_character(value, multiline=path in MULTILINE_FIELDS)
        if problem is not None:
            raise ValidationFailed(f"{path or 'body'} holds {problem}", field=path or "body")
    elif kind is float and value.is_integer() and -SAFE_INTEGER <= value <= SAFE_INTEGER:
        return int(value)
    elif kind is int:
        if not -SAFE_INTEGER <= value <= SAFE_INTEGER:
            raise ValidationFailed(f"{path or 'body'}: whole numbers lie between {-SAFE_INTEGER} and {SAFE_INTEGER}",
                                   field=path or "body")
    elif kind is float:
        # orjson reads a number with a fraction, an exponent or beyond 64 bits as a float;
        # no field takes a fraction (money is a string).
        raise ValidationFailed(f"{path or 'body'} must be a whole number within {-SAFE_INTEGER}..{SAFE_INTEGER}"
                               " (money is a string such as \"1500.00\")", field=path or "body")
    return value


class StrictJSONRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            try:
                self._json = parse_json(body)
            except LedgerError as exc:
                raise BodyRefused(exc, body) from None
        return self._json


class StrictJSONRoute(APIRoute):
    def get_route_handler(self):
        handler = super().get_route_handler()
        roles = roles_of(self.methods, self.path)

        async def strict(request: Request):
            if roles is not None:
                # Before FastAPI reads and validates the body (api/roles.py): a caller whose
                # roles cannot use the route is 403 whatever it sends.
                actor = request.scope.get("state", {}).get("actor")
                if actor is not None:
                    actor.require_role(*roles)
            return await handler(StrictJSONRequest(request.scope, request.receive))

        return strict
