"""FastAPI's own OpenTelemetry hooks are off (api/app.py): the service's metrics are
Prometheus's, and with the hooks on every request asks OpenTelemetry for its providers,
a cost paid even when none is configured."""
from __future__ import annotations

from opentelemetry import _logs, metrics, trace


def test_a_request_does_not_ask_opentelemetry_for_its_providers(client, monkeypatch):
    asked = []
    for module, name in ((trace, "get_tracer_provider"), (metrics, "get_meter_provider"),
                         (_logs, "get_logger_provider")):
        real = getattr(module, name)

        def counting(*args, _real=real, _name=name, **kwargs):
            asked.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(module, name, counting)
    assert client.get("/healthz").status_code == 200
    assert client.get("/v1/funds").status_code == 401
    assert asked == []
