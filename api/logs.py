"""Log lines never carry an identity number in clear: the access log writes each request's
path and query (GET /v1/claims?applicant_id=... is a look-up by identity number), and
other lines may quote what a caller sent. A filter on every handler masks them.

The access log writes the path as it came, percent-escapes and all, while the service reads
it decoded: `21020220010407407%31` is the number ending in 1. So a text is also masked as
it decodes (full-width digits read as digits), and one that hides a number behind escapes
is logged decoded, masked, and escaped again where it is not printable (no escape turns
into a line break in the log)."""
from __future__ import annotations

import logging
from urllib.parse import quote, unquote

from ledger.identifiers import mask_identity_numbers

LOGGERS = ("", "uvicorn", "uvicorn.access", "uvicorn.error", "gunicorn.access", "gunicorn.error")
# What stays as it is when a decoded text is escaped again: a URL's punctuation, not `%`.
_URL_PUNCTUATION = "/?&=:;,+@!$'()*[]#"
_FULL_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789Xx")


def mask_text(text: str) -> str:
    """`text` with every identity number masked, whether written plainly, percent-escaped or
    in full-width digits."""
    decoded = unquote(text, errors="replace") if "%" in text else text
    folded = decoded.translate(_FULL_WIDTH)  # one character for one: the positions stay
    masked = mask_identity_numbers(folded)
    if masked == folded:
        return text  # no number, however written: the line keeps the form it came in
    return masked if decoded is text else quote(masked, safe=_URL_PUNCTUATION)


class MaskIdentityNumbers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(mask_text(a) if isinstance(a, str) else a for a in args)
            if isinstance(record.msg, str):
                record.msg = mask_identity_numbers(record.msg)  # a format: its `%s` are not escapes
        elif isinstance(record.msg, str):
            record.msg = mask_text(record.msg)
        return True


def mask_identity_numbers_in_logs() -> None:
    """Put the filter on every handler the server configured (idempotent: once per handler)."""
    for name in LOGGERS:
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(f, MaskIdentityNumbers) for f in handler.filters):
                handler.addFilter(MaskIdentityNumbers())
