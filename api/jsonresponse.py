"""JSON answers rendered with orjson (FastAPI's own ORJSONResponse is deprecated)."""
from __future__ import annotations

from typing import Any

from ledger.views import json_bytes
from starlette.responses import Response


class JSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return json_bytes(content)
