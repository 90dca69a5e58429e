"""As-of reads (API.md, Conventions): `as_of` (an RFC 3339 time with a zone) or
`as_of_position` (a log position), not both, resolved to one log position that the
read-model history answers at.

- Both given: `422 validation_error`. A malformed value: `422` naming the field.
- `as_of_position` beyond the log's head (as it stood when the read began) is
  `404 not_found` naming `as_of_position`: a position not yet recorded has no answer that
  could stay the same (an as-of answer never changes once given), and whether it is
  recorded yet is the ledger's state, which no schema states (a well-formed position is
  not malformed input).
- `as_of` maps to the highest position recorded at or before that time, through the event
  store's time→position index, which only moves forward (so a time between two commits
  answers as of the earlier one). A time before the first event is position 0, where
  nothing exists yet (`404`, or an empty list); a time after the last commit answers as
  of the last commit.

Either way the read also waits until the read models hold every write acknowledged
before it began, as live reads do."""
from __future__ import annotations

import datetime as dt
import re

from ledger.errors import ValidationFailed
from ledger.limits import check_date_range

# The zone's minutes 00-59 (Python would take +08:60 as +09:00); ASCII digits only.
RFC3339 = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?"
                     r"([Zz]|[+-][0-9]{2}:[0-5][0-9])$")


def parse_moment(value: str, field: str = "as_of") -> dt.datetime:
    """An RFC 3339 time with a zone (fractions beyond microseconds are cut off)."""
    if not RFC3339.match(value):
        raise ValidationFailed(f"{field} must be an RFC 3339 time with a zone, e.g. 2022-07-01T08:00:00+08:00",
                               field=field)
    text = value.replace("z", "Z").replace("t", "T").replace(" ", "T").replace("Z", "+00:00")
    date_time, zone = text[:-6], text[-6:]
    if "." in date_time:
        whole, fraction = date_time.split(".")
        date_time = f"{whole}.{fraction[:6].ljust(6, '0')}"
    try:
        moment = dt.datetime.fromisoformat(date_time + zone)
        check_date_range(moment.date(), field=field)
        return moment.astimezone(dt.timezone.utc)
    except (ValueError, OverflowError):
        raise ValidationFailed(f"{field} is not a real time: {value}", field=field) from None


def check(as_of: str | None, as_of_position: int | None) -> dt.datetime | None:
    """Refuses both together or a malformed time; returns the time, if one was given."""
    if as_of is not None and as_of_position is not None:
        raise ValidationFailed("give as_of or as_of_position, not both", field="as_of")
    return parse_moment(as_of) if as_of is not None else None
