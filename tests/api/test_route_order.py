"""The application's routes are matched in one flat list, the most read routers first
(api/app.py). That is only a matter of cost while no route of one router matches a path
of another's: then the first route that matches a request is the one it was written for,
whatever the order of the routers."""
from __future__ import annotations

import re

from api.app import ROUTERS


def _sample(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "x-1", path)


def test_no_route_of_one_router_matches_a_path_of_another():
    clashes = []
    for i, mine in enumerate(ROUTERS):
        for j, other in enumerate(ROUTERS):
            if i == j:
                continue
            for route in mine.routes:
                for theirs in other.routes:
                    if route.path_regex.match(_sample(theirs.path)) and set(route.methods) & set(theirs.methods):
                        clashes.append(f"{sorted(route.methods)} {route.path} matches {theirs.path}")
    assert clashes == []


def test_every_router_is_served_once():
    from api.routes import (audit, bank, calendar, claims, funds, ops, periods, programs, regions, reports, users,
                            watchlist)

    modules = (audit, bank, claims, funds, ops, periods, programs, reports, users, watchlist, calendar, regions)
    assert sorted(id(r) for r in ROUTERS) == sorted(id(m.router) for m in modules)
