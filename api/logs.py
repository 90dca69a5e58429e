"""Log lines never carry an identity number in clear: the access log writes each request's
path and query (GET /v1/claims?applicant_id=... is a look-up by identity number), and
other lines may quote what a caller sent. A filter on every handler masks them."""
from __future__ import annotations

import logging

from ledger.identifiers import mask_identity_numbers

LOGGERS = ("", "uvicorn", "uvicorn.access", "uvicorn.error", "gunicorn.access", "gunicorn.error")


class MaskIdentityNumbers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(mask_identity_numbers(a) if isinstance(a, str) else a for a in args)
        if isinstance(record.msg, str):
            record.msg = mask_identity_numbers(record.msg)
        return True


def mask_identity_numbers_in_logs() -> None:
    """Put the filter on every handler the server configured (idempotent: once per handler)."""
    for name in LOGGERS:
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(f, MaskIdentityNumbers) for f in handler.filters):
                handler.addFilter(MaskIdentityNumbers())
