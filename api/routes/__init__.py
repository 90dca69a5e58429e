"""One router per part of the contract."""
from __future__ import annotations

from collections.abc import Iterator

from starlette.routing import Match, Route


def all_routes(app) -> Iterator[Route]:
    """Every route the application serves, through the routers it includes (FastAPI keeps
    an included router as one entry of `app.routes`)."""
    def walk(routes):
        for route in routes:
            inner = getattr(route, "original_router", None)
            if inner is not None:
                yield from walk(inner.routes)
            else:
                yield route
    yield from walk(app.routes)


def route_template(app, scope) -> str | None:
    """The path template (`/v1/claims/{claim_id}`) of the route a request is for, if any."""
    for route in all_routes(app):
        if route.matches(scope)[0] is not Match.NONE or (
                getattr(route, "path_regex", None) is not None and route.path_regex.match(scope["path"])):
            return route.path
    return None
