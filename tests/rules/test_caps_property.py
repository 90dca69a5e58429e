"""Caps across claims at the rules' level (DOMAIN.md, "Caps across claims"): random sequences
of claims by the same few people, hires, interns and loans, each decided by the rule
function with `Context.prior` answered from the writer's `ClaimCap` aggregates
(ledger/domain/caps.py, kept in memory), interleaved with settlements that re-decide an
internship on its months served and with withdrawals. After every step, for every cap key:

- what the open claims are granted (the units of each one's latest decision) never exceeds
  the cap;
- it is what the `ClaimCap` records for each claim, and a recomputation from the recorded
  events (Taken, Adjusted, Freed) gives the same;
- each claim's entitlement is its granted units at its own rate.

The store is driven the way the writer drives it (ledger/service/claims.py): a submission
checks and takes, a settlement adjusts to what the new decision counts (`_adjust_caps`), a
withdrawal frees. Claims stay open (submitted), where a claim's entitlement follows its
latest decision. Flexible employment, social insurance and loan interest take no
settlement facts, so only internships are settled. The service-level version of this
property runs the real writer; this one must stay fast (a few seconds)."""
from __future__ import annotations

import itertools
import uuid
from collections import defaultdict
from dataclasses import dataclass, replace

from hypothesis import Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from ledger.domain.caps import ClaimCap
from ledger.errors import CapReached
from ledger.money import floor_fen, format_money
from ledger.policy.programs import NO_PRIOR, Context, Decision, Prior, decide

from ..profiles import search
from .table import CATALOG, D

ON, REGION = D(2022, 7, 15), "210102"
RULES = {code: CATALOG.resolve(code, REGION, ON) for code in
         ("flexible_social_insurance", "social_insurance", "internship", "loan_interest")}
PEOPLE = ("1" * 64, "2" * 64)
EMPLOYERS = ("3" * 64, "4" * 64)
# Each loan contract has one principal and term: its cap is ⌊principal × 0.052 × term / 12⌋.
LOANS = {"L-1": ("10000.00", 12), "L-2": ("1000.00", 36)}  # caps 520.00 and 156.00
LOAN_CAPS = {"L-1": 52_000, "L-2": 15_600}
PER_UNIT_INTERNSHIP = 115_000  # living allowance 1000.00 + management fee 150.00


@dataclass
class Open:
    """A claim that counts: how to decide it again, and what its latest decision granted."""
    code: str
    facts: dict
    ctx: Context
    decision: Decision

    @property
    def use(self):
        """The cap its units are paid on (a loan's interest; the borrower's principal comes first)."""
        return self.decision.caps[-1]


class CapsAcrossClaims(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.caps: dict[str, ClaimCap] = {}
        self.events: dict[str, list] = defaultdict(list)  # the recorded uses, per key
        self.open: dict[str, Open] = {}
        self.ids = (f"claim-{n}" for n in itertools.count(1))

    # ---- the writer's side ----------------------------------------------------------------

    def prior(self, claim_id: str, asked: list[str] | None = None, settling: bool = False):
        def prior(key: str) -> Prior:
            if asked is not None:
                asked.append(key)
            cap = self.caps.get(key)
            if cap is None:
                return NO_PRIOR
            return Prior(*cap.used_by_others(claim_id), settling=settling, tags=cap.tags_of_others(claim_id))
        return prior

    def cap_of(self, key: str, unit: str) -> ClaimCap:
        if key not in self.caps:
            self.caps[key] = ClaimCap(id=uuid.uuid4(), key=key, unit=unit)
        return self.caps[key]

    def record(self, key: str) -> None:
        self.events[key].extend(self.caps[key].collect_events())

    def submit(self, code: str, facts: dict, applicant: str, beneficiary: str | None, kind: str) -> None:
        claim_id, asked = next(self.ids), []
        # The claim keeps its context: a settlement asks about the others' claims again.
        ctx = Context(ON, REGION, kind, applicant, beneficiary, self.prior(claim_id, asked))
        try:
            decision = decide(code, facts, RULES[code], ctx)
        except CapReached as refused:
            # 409 only when the earlier claims named took all of the cap; nothing is recorded.
            # The cap that ran out: the last asked about that claims took (a loan's interest; a
            # borrower's principal never runs out here; a key of an earlier form holds nothing).
            key = next(k for k in reversed(asked) if k in self.caps)
            used, claims = self.caps[key].used_by_others(claim_id)
            assert used >= expected_cap(code, facts) and list(claims) == refused.explanation[-1]["earlier_claims"]
            return
        for use in decision.caps:
            cap = self.cap_of(use.key, use.unit)
            cap.check_take(claim_id, use.units, use.cap, use.label, tag=use.tag, per_tag=use.per_tag)
            cap.take(claim_id=claim_id, units=use.units, tag=use.tag)
            self.record(use.key)
        self.open[claim_id] = Open(code, facts, ctx, decision)

    # ---- the sequence -----------------------------------------------------------------------

    @rule(person=st.sampled_from(PEOPLE), months=st.integers(1, 30),
          contribution=st.integers(1, 300_000))
    def flexible_social_insurance(self, person, months, contribution):
        self.submit("flexible_social_insurance", {"left_school_on": "2021-07-01", "months": months,
                                                  "period_start": "2022-07-01",
                                                  "monthly_contribution": format_money(contribution)},
                    person, None, "person")

    @rule(employer=st.sampled_from(EMPLOYERS), hire=st.sampled_from(PEOPLE), months=st.integers(1, 14),
          contribution=st.integers(1, 300_000))
    def social_insurance(self, employer, hire, months, contribution):
        self.submit("social_insurance", {"graduation_year": 2022, "registered_unemployed": False,
                                         "diploma_date": "2022-06-30", "hired_on": "2022-07-01",
                                         "period_start": "2022-07-01",
                                         "contract_months": 12, "enterprise_size": "small",
                                         "employer_monthly_contribution": format_money(contribution),
                                         "months": months, "retained_intern": False},
                    employer, hire, "enterprise")

    @rule(host=st.sampled_from(EMPLOYERS), intern=st.sampled_from(PEOPLE), term=st.integers(1, 12))
    def internship(self, host, intern, term):
        self.submit("internship", {"term_months": term, "intern_category": "graduate_left",
                                   "started_on": "2022-07-01", "left_school_on": "2022-06-30"}, host, intern, "enterprise")

    @rule(person=st.sampled_from(PEOPLE), loan=st.sampled_from(sorted(LOANS)), interest=st.integers(1, 40_000))
    def loan_interest(self, person, loan, interest):
        principal, term = LOANS[loan]
        self.submit("loan_interest", {"loan_principal": principal, "loan_term_months": term,
                                      "interest_due": format_money(interest), "loan_contract_no": loan,
                                      "graduation_year": 2020, "diploma_date": "2020-06-30"}, person, None, "person")

    @precondition(lambda self: bool(self.ids_open("internship")))
    @rule(data=st.data(), left_for_employment=st.booleans())
    def settle_an_internship(self, data, left_for_employment):
        claim_id = data.draw(st.sampled_from(self.ids_open("internship")))
        served = data.draw(st.integers(0, self.open[claim_id].facts["term_months"]))
        self.settle(claim_id, served, left_for_employment)

    def ids_open(self, code: str) -> list[str]:
        return sorted(c for c, o in self.open.items() if o.code == code)

    def settle(self, claim_id: str, served: int, left_for_employment: bool) -> None:
        claim = self.open[claim_id]
        facts = {**claim.facts, "months_served": served, "left_for_employment": left_for_employment}
        # A settlement is never refused for a cap: what remains bounds the new decision.
        ctx = replace(claim.ctx, prior=self.prior(claim_id, settling=True))
        decision = decide("internship", facts, RULES["internship"], ctx)
        # Mirrors ledger/service/claims.py, _adjust_caps: the claim (open, not approved) now
        # holds what its new decision counts, less or more. Keep it in step.
        for use in decision.caps:
            cap = self.caps[use.key]
            taken = cap.taken.get(claim_id)
            if taken is not None and use.units != taken:
                cap.check_take(claim_id, use.units, use.cap, use.label)
                cap.adjust(claim_id=claim_id, units=use.units, reason="settlement facts")
                self.record(use.key)
        self.open[claim_id] = Open("internship", facts, claim.ctx, decision)

    @precondition(lambda self: self.open)
    @rule(data=st.data())
    def withdraw(self, data):
        claim_id = data.draw(st.sampled_from(sorted(self.open)))
        claim = self.open.pop(claim_id)
        for use in claim.decision.caps:
            cap = self.caps[use.key]
            if claim_id in cap.taken:
                cap.free(claim_id=claim_id, reason="withdraw")
                self.record(use.key)

    # ---- what must hold after every step --------------------------------------------------

    @invariant()
    def granted_never_exceeds_the_cap_and_is_what_was_recorded(self):
        granted: dict[str, dict[str, int]] = defaultdict(dict)
        limit: dict[str, int] = {}
        for claim_id, claim in self.open.items():
            for use in claim.decision.caps:
                granted[use.key][claim_id] = use.units
                limit[use.key] = use.cap
        for key, cap in self.caps.items():
            assert cap.used_per_tag("", None) <= limit.get(key, 0), f"{key}: {granted[key]} beyond the cap"
            assert cap.taken == granted[key], f"{key}: recorded {cap.taken}, granted {granted[key]}"
            assert replay(self.events[key]) == cap.taken, key

    @invariant()
    def each_entitlement_is_its_units_at_its_rate(self):
        for claim in self.open.values():
            assert claim.decision.entitled_fen == per_unit(claim) * claim.use.units, claim.decision.explanation

    @invariant()
    def the_caps_are_the_parameters(self):
        for claim in self.open.values():
            assert claim.use.cap == expected_cap(claim.code, claim.facts)


def expected_cap(code: str, facts: dict) -> int:
    if code == "loan_interest":
        return LOAN_CAPS[facts["loan_contract_no"]]
    return {"flexible_social_insurance": 24, "social_insurance": 12, "internship": 12}[code]


def replay(events: list) -> dict[str, int]:
    """What each claim holds of a cap, from the recorded events alone."""
    taken: dict[str, int] = {}
    for event in events:
        name = type(event).__name__
        if name in ("Taken", "Adjusted"):
            taken[event.claim_id] = event.units
        elif name == "Freed":
            del taken[event.claim_id]
    return taken


def per_unit(claim: Open) -> int:
    facts = claim.facts
    if claim.code == "flexible_social_insurance":
        return floor_fen(int(facts["monthly_contribution"].replace(".", "")) * RULES[claim.code].values["share"])
    if claim.code == "social_insurance":
        return int(facts["employer_monthly_contribution"].replace(".", ""))
    if claim.code == "internship":
        return PER_UNIT_INTERNSHIP
    return 1  # loan interest: the units are fen


def test_caps_across_claims_hold_for_any_sequence_of_claims_settlements_and_withdrawals():
    # Without the shrink phase: shrinking a failing sequence of this machine takes one to two
    # minutes, and the test must stay fast; a failure prints its whole sequence instead (the
    # named test below is the minimal case of the one found so far). Add Phase.shrink back
    # when investigating a new failure.
    run_state_machine_as_test(CapsAcrossClaims, settings=settings(
        max_examples=search(100, 500), stateful_step_count=25, deadline=None, database=None, derandomize=True,
        phases=(Phase.explicit, Phase.reuse, Phase.generate)))


def test_months_served_recorded_again_keep_the_interns_cap_equal_to_the_entitlement():
    """一.3 across claims: an internship of 3 months settled at 0 months served gives its 3
    months back; a later correction to 1 month re-decides it at 1 month (1150.00), so the
    intern's cap must hold 1 month again, or a second claim may take all 12 besides: 13
    subsidised months for one intern (found here: the settlement step gave back but never
    took again; ledger/service/claims.py, _adjust_caps)."""
    machine = CapsAcrossClaims()
    intern, key = PEOPLE[0], f"internship:intern:{PEOPLE[0]}"
    machine.internship(host=EMPLOYERS[0], intern=intern, term=3)
    machine.settle(machine.ids_open("internship")[0], served=0, left_for_employment=False)
    machine.settle(machine.ids_open("internship")[0], served=1, left_for_employment=False)
    machine.internship(host=EMPLOYERS[1], intern=intern, term=12)
    months = sum(c.use.units for c in machine.open.values())
    assert months <= 12, f"{months} months of internship subsidised for one intern; the cap records " \
                         f"{machine.caps[key].taken}"
