"""Prometheus metrics: requests by route and status, their latency, the writer's
commits and each projection's position and lag (read when scraped)."""
from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from .routes import route_template


class Metrics:
    def __init__(self):
        self.registry = CollectorRegistry()
        self.requests = Counter("ledger_http_requests", "HTTP requests answered", ["method", "route", "status"],
                                registry=self.registry)
        self.latency = Histogram("ledger_http_request_seconds", "HTTP request latency", ["method", "route"],
                                 buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
                                 registry=self.registry)
        self.commands = Gauge("ledger_writer_commands_committed", "Commands committed by this process's writer",
                              registry=self.registry)
        self.batches = Gauge("ledger_writer_batches_committed", "Write transactions committed by this process",
                             registry=self.registry)
        self.head = Gauge("ledger_log_head_position", "Position of the newest event in the log",
                          registry=self.registry)
        self.projection_position = Gauge("ledger_projection_position", "Position the read models have reached",
                                         ["projection"], registry=self.registry)
        self.projection_lag = Gauge("ledger_projection_lag_events", "Events not yet in the read models",
                                    ["projection"], registry=self.registry)
        # Bounded: methods × route templates × statuses ("unmatched" for every unknown path).
        self._series: dict[tuple[str, str, int], tuple] = {}

    def series(self, method: str, route: str, status: int):
        """The request counter and latency histogram of one (method, route, status), kept once
        looked up: `labels()` validates and locks on every call (7 % of a claim read)."""
        key = (method, route, status)
        found = self._series.get(key)
        if found is None:
            found = self._series[key] = (self.requests.labels(method, route, str(status)),
                                         self.latency.labels(method, route))
        return found


class MeasureRequests:
    """Counts and times every HTTP request by route and status. Plain ASGI: Starlette's
    BaseHTTPMiddleware would cost a task and a stream per request."""

    def __init__(self, app, metrics: Metrics):
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # unless a response starts: an exception escaped every handler

        async def send_and_note(message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            # The router put the matched route into this same scope on the way in, unless the
            # gate refused the request before routing: then the route is looked up here.
            path = getattr(scope.get("route"), "path", None) or route_template(scope["app"], scope) or "unmatched"
            count, latency = self.metrics.series(scope["method"], path, status)
            count.inc()
            latency.observe(time.perf_counter() - started)

