"""Property: for random sequences of claims, settlements and withdrawals by the same people
and interns, through the ledger itself (writer, aggregates, store), the months granted per
cap key never exceed the cap, and equal a recomputation from the claims' own events (what
each claim that counts was last granted, by its explanation)."""
from __future__ import annotations

from uuid import UUID

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.access import Actor
from ledger.domain.caps import ClaimCap
from ledger.domain.claim import Claim
from ledger.domain.ids import cap_aggregate_id, person_months_aggregate_id
from ledger.errors import LedgerError
from runtime.container import Runtime

from .profiles import search
from .support import credit_code, internship_facts, person_id

CLERK = Actor("clerk-p", "c", frozenset({"clerk"}), ("000000",))
REVIEWER = Actor("reviewer-p", "r", frozenset({"reviewer"}), ("000000",))
TREASURER = Actor("treasurer-p", "t", frozenset({"treasurer"}), ("000000",))
CAPS = {"flexible_social_insurance": 24, "internship": 12}

OPS = st.one_of(
    st.tuples(st.just("flexible"), st.integers(0, 1), st.integers(1, 30)),
    st.tuples(st.just("internship"), st.integers(0, 1), st.integers(1, 12)),
    st.tuples(st.just("settle"), st.integers(0, 20), st.integers(0, 12)),
    st.tuples(st.just("withdraw"), st.integers(0, 20), st.just(0)),
    st.tuples(st.just("close"), st.integers(0, 20), st.just(0)),
)


def _granted(claim: Claim) -> int | None:
    """The units a claim last counted toward its cap, by its explanation (None: no cap)."""
    steps = [s for s in claim.explanation if s["rule"].endswith(".cap")]
    return steps[-1]["counted"] if steps else None


def test_caps_hold_and_equal_a_recomputation(settings):
    rt = Runtime(settings)
    rt.start(project=False)
    ledger = rt.ledger
    try:
        ledger.open_fund(TREASURER, {"fund_type": "employment_subsidy", "region": "210100"})
        ledger.allocate(TREASURER, "employment_subsidy:210100", {"amount": "100000000.00", "source": "central",
                                                                 "document_no": "P", "effective_date": "2022-06-10"})

        @settings_(max_examples=search(25, 150))
        @given(ops=st.lists(OPS, min_size=1, max_size=14))
        def run(ops):
            people = [person_id() for _ in range(2)]
            claims: list[str] = []
            created: dict[tuple[str, int], list[str]] = {}
            for op, who, n in ops:
                try:
                    if op == "flexible":
                        claims.append(ledger.submit_claim(CLERK, {
                            "program": "flexible_social_insurance", "region": "210100",
                            "applicant": {"kind": "person", "id": people[who], "name": "p"},
                            "facts": {"left_school_on": "2021-07-01", "monthly_contribution": "900.00", "months": n,
                                      "period_start": "2022-07-01"},
                            "application_date": "2022-07-15"}).body["claim_id"])
                        created.setdefault(("flexible_social_insurance", who), []).append(claims[-1])
                    elif op == "internship":
                        cid = ledger.submit_claim(CLERK, {
                            "program": "internship", "region": "210100",
                            "applicant": {"kind": "enterprise", "id": credit_code(), "name": "host"},
                            "beneficiary": {"id": people[who], "name": "i"}, "facts": internship_facts(n),
                            "application_date": "2022-07-15"}).body["claim_id"]
                        created.setdefault(("internship", who), []).append(cid)
                        ledger.approve(REVIEWER, cid, {"approved_on": "2022-07-16"})
                        claims.append(cid)
                    elif claims:
                        cid = claims[who % len(claims)]
                        if op == "settle":
                            ledger.record_facts(CLERK, cid, {"facts": {"months_served": n}})
                        elif op == "withdraw":
                            ledger.withdraw(CLERK, cid, {"reason": "x"})
                        else:
                            ledger.close(REVIEWER, cid, {"reason": "x"})
                except LedgerError:
                    pass  # refusals (nothing left, wrong state, bad settlement facts) record nothing
            _check(ledger, rt, people, created)

        run()
    finally:
        rt.close()


def _check(ledger, rt, people, created) -> None:
    for program, cap in CAPS.items():
        for who, number in enumerate(people):
            ref = ledger.pii.ref(number)
            key = (f"flexible_social_insurance:person:{ref}" if program == "flexible_social_insurance"
                   else f"internship:intern:{ref}")
            counting = {}
            for claim_id in created.get((program, who), []):
                claim = rt.app.repository.get(UUID(claim_id))
                if claim.status not in ("rejected", "withdrawn") and not (claim.status == "closed"
                                                                           and claim.paid_fen == 0):
                    counting[claim_id] = _granted(claim)
            try:
                held = rt.app.repository.get(cap_aggregate_id(key))
            except Exception:  # noqa: BLE001 - no claim took from this cap
                assert not counting
                continue
            assert isinstance(held, ClaimCap)
            assert held.taken == counting          # every claim that counts, and only those
            assert sum(held.taken.values()) <= cap
            recomputed = {}
            for claim_id in held.taken:
                claim = rt.app.repository.get(UUID(claim_id))
                assert claim.status not in ("rejected", "withdrawn")
                assert not (claim.status == "closed" and claim.paid_fen == 0)
                recomputed[claim_id] = _granted(claim)
            assert recomputed == held.taken
            if program == "flexible_social_insurance":  # one subsidy per person-month: the months held
                months = rt.app.repository.get(person_months_aggregate_id(f"person-months:{ref}"))
                assert {c: len(h["months"]) for c, h in months.held.items()} == held.taken


def settings_(**kw):
    return settings(deadline=None, database=None, suppress_health_check=list(HealthCheck), **kw)
