"""The ASGI application: `uvicorn api.app:app`."""
from __future__ import annotations

import logging
from contextlib import asynccontextmanager

import anyio
from eventsourcing.persistence import OperationalError, PersistenceError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from ledger.errors import LedgerError, ValidationFailed
from runtime.container import Runtime
from runtime.settings import Settings, SettingsError

from . import dashboard, deps, openapi
from .bodies import BodyRefused
from .gate import BodyTooLarge, RequestGate
from .logs import mask_identity_numbers_in_logs
from .metrics import MeasureRequests, Metrics
from .problems import problem, problem_from_error
from .routes import (all_routes, audit, bank, calendar, claims, funds, ops, periods, programs, regions, reports, users,
                     watchlist)
from .throttle import Throttle

log = logging.getLogger("api")

# Sync endpoints run in a thread pool; bound it below the store's connection pool so a
# burst queues here instead of timing out inside the database driver.
MAX_CONCURRENT_REQUESTS = 12


ROUTERS = (funds.router, claims.router, users.router, programs.router, audit.router, ops.router, reports.router,
           bank.router, periods.router, watchlist.router, calendar.router, regions.router)


def create_app(settings: Settings | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        mask_identity_numbers_in_logs()  # the server has configured its logging by now
        anyio.to_thread.current_default_thread_limiter().total_tokens = MAX_CONCURRENT_REQUESTS
        try:
            dashboard.check_assets()
            rt = await anyio.to_thread.run_sync(lambda: Runtime(settings or Settings.from_env()))
        except (SettingsError, dashboard.AssetsMissing) as exc:
            app.state.startup_refusal = f"the ledger cannot start: {exc}"
            raise
        app.state.runtime = rt
        app.state.throttle = Throttle(rt.settings.auth_failures_per_minute, rt.settings.rate_limit_per_token,
                                      rt.settings.trusted_proxies)
        app.state.token_checks = {}  # the store checks of tokens in flight (api/gate.py)
        await anyio.to_thread.run_sync(rt.start)
        try:
            yield
        finally:
            await anyio.to_thread.run_sync(rt.close)

    # FastAPI's own OpenTelemetry hooks are off: the service's metrics are Prometheus's
    # (/metrics), and with them on FastAPI asks OpenTelemetry for its providers on every
    # request (10.6 µs each, with none configured: 4 % of a claim read's CPU).
    app = FastAPI(title="Subsidy ledger", version="1", lifespan=lifespan, docs_url=None, redoc_url=None,
                  telemetry={"tracing": False, "metrics": False, "logs": False},
                  description=openapi.DESCRIPTION)
    app.state.metrics = Metrics()
    # The routes go straight into the application's list: FastAPI keeps an included router
    # as one entry that matches a request against its routes twice, and walks every router
    # before the right one (a sixth of a claim read's CPU in the profile). Funds (6 routes)
    # and claims, the most read, come first: no path of one router is matched by a route of another
    # (tests/api/test_route_order.py), so the order of the routers changes only the cost.
    for router in ROUTERS:
        app.router.routes.extend(router.routes)

    dashboard.install(app)  # the pages at /, offline /docs and /redoc, their assets (api/dashboard)
    openapi.install(app)  # operation ids, the bearer scheme, problem documents (api/openapi.py)
    app.add_middleware(RequestGate)
    app.add_middleware(MeasureRequests, metrics=app.state.metrics)  # outside the gate: counts its refusals too
    app.add_middleware(StartupRefusal)

    @app.exception_handler(LedgerError)
    async def ledger_error(request: Request, exc: LedgerError):
        return problem_from_error(exc)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {"loc": ("body",), "msg": "invalid request"}
        loc = [str(part) for part in first.get("loc", ()) if part not in ("body", "query", "path", "header")]
        field = ".".join(loc) or "body"
        message = first.get("msg", "invalid value")
        if first.get("type") == "json_invalid":
            field, message = "body", "the body is not valid JSON"
        refusal = ValidationFailed(f"{field}: {message}", field=field)
        return problem_from_error(await anyio.to_thread.run_sync(keep_refusal, request, exc.body, refusal))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        if isinstance(exc, BodyTooLarge):
            return problem_from_error(exc.error)
        if isinstance(exc, BodyRefused):
            body = exc.body.decode("utf-8", "replace")
            return problem_from_error(await anyio.to_thread.run_sync(keep_refusal, request, body, exc.error))
        if exc.status_code == 404:
            return problem("not_found", "no such endpoint")
        if exc.status_code == 405:
            # Starlette lists only the first route matching the path; several routers share paths.
            methods = sorted({m for route in all_routes(request.app) if isinstance(route, APIRoute)
                              and route.path_regex.match(request.url.path) for m in route.methods})
            return problem("method_not_allowed", f"{request.method} is not allowed here", status=405,
                           headers={"Allow": ", ".join(methods)})
        if exc.status_code == 400:  # an unreadable body is invalid input like any other
            return problem("validation_error", f"body: {exc.detail}", field="body")
        return problem("validation_error", str(exc.detail), status=exc.status_code,
                       headers=getattr(exc, "headers", None))

    @app.exception_handler(OperationalError)
    async def store_unavailable(request: Request, exc: OperationalError):
        log.warning("store unavailable: %s", exc)
        return problem("unavailable", "the database is busy or unreachable; retry shortly", headers={"Retry-After": "1"})

    @app.exception_handler(PersistenceError)
    async def store_error(request: Request, exc: PersistenceError):
        log.warning("store error: %s", exc)
        return problem("unavailable", "the database refused the request; retry shortly", headers={"Retry-After": "1"})

    return app


class StartupRefusal:
    """A start refused for a reason the operator must fix (a key missing or inside the data
    directory, the browser assets not installed) is reported as that reason alone, not as a
    traceback: the server prints it and "Application startup failed. Exiting." and exits
    non-zero."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "lifespan":
            return await self.app(scope, receive, send)
        state = scope["app"].state

        async def send_reason(message):
            reason = getattr(state, "startup_refusal", None)
            if message["type"] == "lifespan.startup.failed" and reason:
                message = {**message, "message": reason}
            await send(message)

        try:
            await self.app(scope, receive, send_reason)
        except (SettingsError, dashboard.AssetsMissing):
            if not getattr(state, "startup_refusal", None):
                raise  # reported by the server as it is


def keep_refusal(request: Request, body, refusal: LedgerError) -> LedgerError:
    """Input refused at the edge is kept under its Idempotency-Key too, when the caller is
    known: the key then answers the same refusal, or a mismatch for another body."""
    if request.method not in ("POST", "PUT") or "idempotency-key" not in request.headers:
        return refusal
    try:
        actor = deps.authenticated(request)
        idem = deps.idem(request, body if not isinstance(body, (bytes, bytearray)) else body.decode("utf-8", "replace"))
    except LedgerError:
        return refusal
    return request.app.state.runtime.ledger.keep_refusal(actor.user_id, idem, refusal)


app = create_app()
