"""The as-of query parameters (API.md, Conventions); what they mean and how they are
resolved to a log position is the read side's (projections/reads/asof.py)."""
from __future__ import annotations

from fastapi import Query

from ledger.limits import MOMENT_PATTERN

AS_OF = Query(None, max_length=40, pattern=MOMENT_PATTERN,
              description="Answer as the ledger stood at this time (RFC 3339 with a zone, 2000–2099).")
AS_OF_POSITION = Query(None, ge=0, le=2**62, description="Answer as the ledger stood at this log position "
                                                "(beyond the head: 404).")
