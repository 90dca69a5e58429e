"""The checker of a command's business dates (ledger/service/dates.py), without a ledger:
never after today, and further back than the window only with evidence, which it hands
on to the events only when some date needed it."""
from __future__ import annotations

import datetime as dt

import pytest

from ledger.errors import ValidationFailed
from ledger.service.dates import BusinessDates

TODAY = dt.date(2026, 12, 7)
EVIDENCE = {"reason": "纸质材料补录", "document_no": "补〔2026〕1号"}


def dates(window: int = 30, **request) -> BusinessDates:
    return BusinessDates(TODAY, window, request)


def test_today_and_the_window_s_first_day_need_no_evidence():
    assert dates(paid_on="2026-12-07").take("paid_on") == TODAY
    checked = dates(paid_on="2026-11-07")
    assert checked.take("paid_on") == dt.date(2026, 11, 7) and checked.backdate is None
    assert dates().take("paid_on", default_today=True) == TODAY


def test_a_date_after_today_is_refused_naming_its_field_even_with_evidence():
    with pytest.raises(ValidationFailed) as refused:
        dates(paid_on="2026-12-08", backdate=EVIDENCE).take("paid_on")
    assert refused.value.field == "paid_on" and "later than today" in refused.value.detail


def test_a_day_beyond_the_window_needs_evidence_which_is_then_recorded():
    with pytest.raises(ValidationFailed) as refused:
        dates(effective_date="2026-11-06").take("effective_date")
    assert refused.value.field == "effective_date" and "backdate" in refused.value.detail
    checked = dates(effective_date="2026-11-06", backdate=EVIDENCE)
    checked.take("effective_date")
    assert checked.backdate == {**EVIDENCE, "fields": ["effective_date"], "window_days": 30,
                                "recorded_on": "2026-12-07"}


def test_evidence_for_a_date_inside_the_window_records_nothing_but_is_still_checked():
    checked = dates(paid_on="2026-12-01", backdate=EVIDENCE)
    checked.take("paid_on")
    assert checked.backdate is None
    with pytest.raises(ValidationFailed) as refused:
        dates(paid_on="2026-12-01", backdate={"reason": "x"})
    assert refused.value.field == "backdate.document_no"


def test_a_window_of_zero_days_takes_only_today_without_evidence():
    assert dates(0, paid_on="2026-12-07").take("paid_on") == TODAY
    with pytest.raises(ValidationFailed):
        dates(0, paid_on="2026-12-06").take("paid_on")
