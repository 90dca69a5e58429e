from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from ..jsonresponse import JSONResponse as ORJSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from ledger.access import Actor

from ..bodies import StrictJSONRoute
from .. import deps

router = APIRouter(tags=["operations"], route_class=StrictJSONRoute)


@router.get("/healthz")
def healthz():
    return ORJSONResponse({"status": "ok"})


def projection_status(rt) -> tuple[int, list[dict]]:
    """Each projection's state, position and lag: counts and positions only, never error
    text, paths or stacks (readiness is answered without authentication; the log has the
    details)."""
    head = rt.ledger.head_position()
    runner = rt.runner
    position = runner.stored_position()
    status = {"name": runner.projection.name, "position": position, "lag": max(0, head - position),
              "leading_here": runner.leading}
    if runner.stopped is not None:
        status.update(state="stopped", stopped_at=runner.stopped.position,
                      alert=f"stopped at log position {runner.stopped.position}: an event could not be projected; "
                            "reads answer 503 until an operator fixes it (see the service log)")
    elif runner.last_error is not None:
        status["state"] = "retrying"
    else:
        status["state"] = "following" if runner.leading else "standby"
    return head, [status]


@router.get("/readyz")
def readyz(request: Request):
    rt = deps.runtime(request)
    try:
        head, projections = projection_status(rt)
    except Exception:  # the database is the one thing readiness is about
        return ORJSONResponse({"status": "unavailable", "database": "unreachable"},
                              status_code=503, headers={"Retry-After": "2"})
    alerts = unauthentic_alerts(rt)
    stopped = any(p["state"] == "stopped" for p in projections) or bool(alerts)
    body = {"status": "degraded" if stopped else "ready", "database": "reachable",
            "backend": rt.settings.backend, "head_position": head, "projections": projections}
    if alerts:
        body["alerts"] = alerts
    return ORJSONResponse(body, status_code=503 if stopped else 200, headers={"Retry-After": "60"} if stopped else None)


def unauthentic_alerts(rt) -> list[str]:
    """Events this process refused to use because the keyed chain does not vouch for them
    (adapters/event_store.py): positions only."""
    refused = getattr(rt.app.recorder, "unauthentic", None) or {}
    return [f"log position {position}: an event without a valid MAC under LEDGER_CHAIN_KEY (inserted or rewritten "
            "by someone without the key) was refused; commands needing it answer 503. Run `ledger verify`"
            for position in sorted(refused)]


@router.get("/metrics", response_class=Response,
            responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}},
                             "description": "Prometheus text format"}})
def metrics(request: Request, actor: Actor = Depends(deps.actor)):
    # API.md: a bearer token on every endpoint except /healthz and /readyz (scrapers send one).
    rt = deps.runtime(request)
    m = request.app.state.metrics
    m.commands.set(rt.ledger.writer.commands_committed)
    m.batches.set(rt.ledger.writer.batches_committed)
    try:
        head, projections = projection_status(rt)
        m.head.set(head)
        for p in projections:
            m.projection_position.labels(p["name"]).set(p["position"])
            m.projection_lag.labels(p["name"]).set(p["lag"])
    except Exception:
        pass  # scraping must not fail because the database is briefly away
    return Response(generate_latest(m.registry), media_type=CONTENT_TYPE_LATEST)
