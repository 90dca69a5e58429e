"""A claim is decided on the event loop with the parameters its process last knew, and the
writer decides it again only where that decision could be stale: caps across claims, or
parameters recorded since by another process. Here a second process (another uvicorn
worker, say) puts a new amount in force between two submissions of the first; the first
process's second claim must be entitled to the new amount, under the new rule version."""
from __future__ import annotations

from ledger.access import Actor
from runtime.container import Runtime

from .support import job_expansion_claim, parameters_in_force

CLERK = Actor("u-clerk", "clerk", frozenset({"clerk"}), ("210000",))


def test_parameters_put_in_force_by_another_process_decide_the_next_claim(settings):
    first, second = Runtime(settings), Runtime(settings)
    try:
        first.start(project=False)
        second.start(project=False)
        before = first.ledger.submit_claim(CLERK, job_expansion_claim()).body  # the first process now knows them
        assert before["amounts"]["entitled"] == "1500.00"
        confirmed = parameters_in_force(second.ledger, "job_expansion", {
            "region": "210000", "effective_from": "2022-06-04", "values": {"per_hire": "1200.00"}})
        after = first.ledger.submit_claim(CLERK, job_expansion_claim()).body
        assert after["amounts"]["entitled"] == "1200.00"
        assert after["rule_version"] == confirmed["rule_version"] != before["rule_version"]
        assert any(step["arithmetic"] == "1200.00 × 1 = 1200.00" for step in after["entitlement_explanation"])
    finally:
        first.close()
        second.close()
