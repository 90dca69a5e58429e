"""The harness of the rule tables (STYLE.md, "Rules tested as tables"; OpenFisca keeps a
rule's cases as data). Each program's file holds a `Table` (its base facts and the claim's
usual date, region and parties) and a list of `Case`s: what changes from the base, what
earlier claims took of each cap, a parameter override, and what the decision must be, with
the clause of the notice the case implements. One parametrized test per file runs them:

    @table(CASES)
    def test_absorption(case):
        TABLE.check(case)

Besides what a case expects, every case is held to what every decision owes a reviewer:
the steps in order with the failed one last, each step's clause and both languages, each
cited parameter in the same shape, and each cap step citing exactly the earlier claims the
writer reported for its key."""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Mapping

import pytest

from ledger.errors import CapReached, LimitExceeded, NotEligible, ValidationFailed
from ledger.money import floor_fen, format_money
from ledger.policy import load_catalog
from ledger.policy.catalog import Catalog, RuleSet
from ledger.policy.programs import NO_PRIOR, Context, Decision, Prior, decide

CATALOG = load_catalog()
D = dt.date
NOTICE_DATE = D(2022, 6, 4)
# Stand-ins for the keyed hashes the writer puts in Context (ledger/pii.py): any text will do
# for the rules, which only build keys from them.
EMPLOYER, INSTITUTION, PERSON = "a" * 64, "c" * 64, "e" * 64
HIRE, TRAINEE = "b" * 64, "d" * 64


class _Drop:
    def __repr__(self) -> str:
        return "DROP"


# A fact left out of the base: a claim stored by a release before the fact was asked for.
DROP = _Drop()
_SAME = object()


def took(used: int, *claims: str, tags: tuple[tuple[str, int], ...] = ()) -> Prior:
    """What earlier claims that count took of one cap (Context.prior), and which they were;
    `tags`: (tag, units) of those that took it with a tag (a loan, a business)."""
    return Prior(used, tuple(claims), tags=tags)


@dataclass(frozen=True)
class Version:
    """A parameter version added to the shipped catalog for one case (catalog.with_versions)."""
    name: str
    value: object
    region: str = "210000"
    effective_from: dt.date = NOTICE_DATE
    source: str = "assumed"
    effective_to: dt.date | None = None
    # Recorded before today's bounds (DOMAIN.md, "Bounds are the notice's figures"): read as
    # recorded, never refused (catalog.parameter_version(stored=True)).
    stored: bool = False


@dataclass(frozen=True)
class Refusal:
    error: type[BaseException]
    rule: str | None = None
    field: str | None = None
    detail: str = ""  # a part of the message, where the case says what the refusal must name


def not_eligible(rule: str, detail: str = "") -> Refusal:
    return Refusal(NotEligible, rule=rule, detail=detail)


def cap_reached(rule: str) -> Refusal:
    """409 limit_exceeded: nothing remains of a cap across claims."""
    return Refusal(CapReached, rule=rule)


def invalid(field: str, detail: str = "") -> Refusal:
    return Refusal(ValidationFailed, field=field, detail=detail)


def raises(error: type[BaseException], detail: str = "") -> Refusal:
    return Refusal(error, detail=detail)


@dataclass(frozen=True)
class Limit:
    """A LimitKey the decision must carry; `label` is a part of its label."""
    key: str
    limit: int
    kind: str
    label: str = ""
    legacy: tuple[str, ...] = ()  # keys of the form before the normal form, checked too


@dataclass(frozen=True)
class Cap:
    """A CapUse the decision must record: `units` (months or fen) of `cap` under `key`."""
    key: str
    units: int
    cap: int
    unit: str
    tag: str | None = None


@dataclass(frozen=True)
class Months:
    """A MonthUse the decision must record: the months ("YYYY-MM") of a person it takes."""
    key: str
    months: tuple[str, ...]
    month_fen: int


@dataclass(frozen=True)
class Case:
    id: str
    clause: str  # the clause of the notice (or DOMAIN.md's section) the case implements
    # ---- inputs: what differs from the table's base claim
    facts: Mapping[str, object] = field(default_factory=dict)  # DROP leaves a fact out
    later: Mapping[str, object] | None = None  # settlement facts, sent after submission
    on: dt.date | None = None
    region: str | None = None
    kind: str | None = None
    applicant: str | None = None
    beneficiary: object = _SAME  # None: a claim without a beneficiary
    prior: Mapping[str, Prior] = field(default_factory=dict)  # cap key -> what earlier claims took
    # Earlier claims under other keys (another hire, year, loan): the rule must not ask about them.
    elsewhere: Mapping[str, Prior] = field(default_factory=dict)
    # One subsidy per person-month: person-month key -> {month: the claim holding it}.
    held: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    birth: dt.date | None = None  # the beneficiary's birth date, as the door reads it from the number
    versions: tuple[Version, ...] = ()
    without: tuple[str, ...] = ()  # parameters the recorded rule set lacked (RuleSet.from_wire)
    provenance: bool = True  # False: a rule set recorded without where its values came from
    validate: bool = True  # False: facts straight to the rule, past the fact schema
    # ---- expected: the decision ...
    entitled: str | None = None  # money string
    prepay: Fraction | str | None = None  # the prepayment share
    prepayable: str | None = None  # ⌊entitled × share⌋, money string
    ready: bool | None = None  # settlement_ready
    limits: tuple[Limit, ...] | None = None
    caps: tuple[Cap, ...] | None = None
    months: tuple[Months, ...] | None = None
    # ... or the refusal
    refused: Refusal | None = None
    # ... and the explanation (steps named without the program's prefix)
    steps: tuple[str, ...] | None = None
    arithmetic: Mapping[str, str] = field(default_factory=dict)
    cites: Mapping[str, tuple] = field(default_factory=dict)  # step -> names, or dicts a citation contains
    says: Mapping[str, str | tuple[str, ...]] = field(default_factory=dict)  # step -> text in zh, en or arithmetic
    omits: Mapping[str, str | tuple[str, ...]] = field(default_factory=dict)  # step -> text it must not say

    def __post_init__(self) -> None:
        if not self.clause.strip():
            raise ValueError(f"case {self.id}: cite the clause it implements")
        decided = any(x is not None for x in (self.entitled, self.prepay, self.prepayable, self.ready, self.limits,
                                              self.caps, self.months, self.steps)) or any((self.arithmetic, self.cites, self.says,
                                                                              self.omits))
        if self.refused is None and not decided:
            raise ValueError(f"case {self.id}: expects nothing, so it could not fail")
        if self.refused is not None and any(x is not None for x in (self.entitled, self.prepay, self.prepayable,
                                                                    self.ready, self.limits, self.caps, self.months)):
            raise ValueError(f"case {self.id}: a refusal has no amount, share, limits or caps")

    def __str__(self) -> str:
        return self.id


def table(cases: list[Case]) -> pytest.MarkDecorator:
    """Parametrize a test over the cases, each named by its id."""
    ids = [c.id for c in cases]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ValueError(f"case ids must be unique: {repeated}")
    bad = [i for i in ids if not re.fullmatch(r"[A-Za-z0-9_.:+=-]+", i)]
    if bad:
        raise ValueError(f"case ids are words joined by _ - . : + = : {bad}")
    return pytest.mark.parametrize("case", cases, ids=ids)


@functools.lru_cache(maxsize=None)
def catalog_with(code: str, versions: tuple[Version, ...]) -> Catalog:
    if not versions:
        return CATALOG
    return CATALOG.with_versions([
        CATALOG.parameter_version(code, v.name, v.value, region=v.region, effective_from=v.effective_from,
                                  source=v.source, effective_to=v.effective_to, stored=v.stored)
        for v in versions])


@dataclass(frozen=True)
class Table:
    code: str
    facts: Mapping[str, object]
    on: dt.date
    region: str
    kind: str
    applicant: str
    beneficiary: str | None

    @property
    def program(self):
        return CATALOG.program(self.code)

    # ---- running one case ---------------------------------------------------------------

    def facts_of(self, case: Case) -> dict:
        given = {name: value for name, value in {**self.facts, **case.facts}.items() if value is not DROP}
        program = self.program
        if case.validate:
            facts = program.validate_facts(given)
        else:
            facts = dict(given)
        if case.later is not None:
            facts |= program.validate_later_facts(dict(case.later))
        return facts

    def rules_of(self, case: Case) -> RuleSet:
        on, region = case.on or self.on, case.region or self.region
        rules = catalog_with(self.code, case.versions).resolve(self.code, region, on)
        if not case.without and case.provenance:
            return rules
        for name in case.without:
            assert name in rules.values, f"{self.code} has no parameter {name} to leave out"
        wire = {n: v for n, v in rules.wire().items() if n not in case.without}
        provenance = ({n: p for n, p in rules.provenance_wire().items() if n not in case.without}
                      if case.provenance else None)
        return RuleSet.from_wire(self.program, wire, provenance)

    def context(self, case: Case, asked: list[str]) -> Context:
        def prior(key: str) -> Prior:
            if key not in asked:
                asked.append(key)
            return case.prior.get(key) or case.elsewhere.get(key) or NO_PRIOR

        def months_held(key: str) -> Mapping[str, str]:
            return dict(case.held.get(key, {}))
        return Context(case.on or self.on, case.region or self.region, case.kind or self.kind,
                       case.applicant or self.applicant,
                       self.beneficiary if case.beneficiary is _SAME else case.beneficiary, prior, months_held,
                       case.birth)

    def decide(self, case: Case, asked: list[str] | None = None) -> Decision:
        """The decision on the case's claim; `asked` collects the cap keys the rule asked about."""
        facts = self.facts_of(case)
        rules = self.rules_of(case)
        return decide(self.code, facts, rules, self.context(case, [] if asked is None else asked))

    # ---- checking one case --------------------------------------------------------------

    def check(self, case: Case) -> None:
        asked: list[str] = []
        if case.refused is not None:
            self._check_refusal(case, asked)
        else:
            self._check_decision(case, asked)
        # Earlier claims given under a key the rule never asked about: the case or the rule has
        # the key wrong, and the case would prove nothing about the cap.
        assert set(case.prior) <= set(asked), f"never asked: {set(case.prior) - set(asked)}; asked: {asked}"
        assert not set(case.elsewhere) & set(asked), f"another key's claims counted: {asked}"

    def _check_decision(self, case: Case, asked: list[str]) -> None:
        decision = self.decide(case, asked)
        steps = decision.explanation
        assert all(s["passed"] for s in steps), [s["rule"] for s in steps if not s["passed"]]
        self._check_steps(case, steps, asked)
        if case.entitled is not None:
            assert format_money(decision.entitled_fen) == case.entitled
        if case.prepay is not None:
            assert decision.prepay_share == Fraction(case.prepay)
        if case.prepayable is not None:
            assert format_money(floor_fen(decision.entitled_fen * decision.prepay_share)) == case.prepayable
        if case.ready is not None:
            assert decision.settlement_ready is case.ready
        assert 0 <= decision.prepay_share <= 1 and decision.entitled_fen >= 0
        if case.limits is not None:
            assert [(x.key, x.limit, x.kind, x.legacy) for x in decision.limits] == [
                (x.key, x.limit, x.kind, x.legacy) for x in case.limits]
            for want, limit in zip(case.limits, decision.limits):
                assert want.label in limit.label, (want.label, limit.label)
        if case.caps is not None:
            assert [(c.key, c.units, c.cap, c.unit, c.tag) for c in decision.caps] == [
                (c.key, c.units, c.cap, c.unit, c.tag) for c in case.caps]
        if case.months is not None:
            assert [(m.key, m.months, m.month_fen) for m in decision.months] == [
                (m.key, m.months, m.month_fen) for m in case.months]
        # Months are taken only where no other claim holds them.
        for use in decision.months:
            assert not set(use.months) & set(case.held.get(use.key, {})), use
        # A cap use is recorded under the key the rule asked the writer about, and never takes
        # more than the earlier claims left of it.
        assert [use.key for use in decision.caps] == _cap_keys(asked, steps)
        for use in decision.caps:
            prior = case.prior.get(use.key, NO_PRIOR)
            used = prior.used
            if use.per_tag:  # a tag's claims count once (the largest), the claim's own tag not at all
                groups: dict[str, int] = {}
                for tag, units in prior.tags:
                    if tag != use.tag:
                        groups[tag] = max(groups.get(tag, 0), units)
                used = sum(groups.values())
            assert 0 <= use.units <= max(0, use.cap - used)

    def _check_refusal(self, case: Case, asked: list[str]) -> None:
        want = case.refused
        with pytest.raises(want.error) as caught:
            self.decide(case, asked)
        error = caught.value
        assert type(error) is want.error, f"{type(error).__name__}: {error}"
        if want.detail:
            assert want.detail in str(error)
        if want.field is not None:
            assert error.field == want.field
        if want.error in (NotEligible, CapReached):
            assert error.rule == want.rule
            steps = error.explanation
            assert steps[-1]["rule"] == want.rule and steps[-1]["passed"] is False
            assert all(s["passed"] for s in steps[:-1])
            self._check_steps(case, steps, asked)
        elif want.rule is not None:
            raise AssertionError("only NotEligible and CapReached name a rule")
        if want.error is CapReached:
            # The API answers it as 409 limit_exceeded, not as a refusal on eligibility.
            assert isinstance(error, LimitExceeded) and error.code == "limit_exceeded"
        if want.error is NotEligible:
            assert error.code == "not_eligible"

    def _check_steps(self, case: Case, steps: list[dict], asked: list[str]) -> None:
        prefix = f"{self.code}."
        assert all(s["rule"].startswith(prefix) for s in steps), [s["rule"] for s in steps]
        names = [s["rule"].removeprefix(prefix) for s in steps]
        if case.steps is not None:
            assert names == list(case.steps)
        assert len(set(names)) == len(names), f"a step twice: {names}"
        for s in steps:
            assert s["clause"] == self.program.clause and s["zh"] and s["en"], s
            for cited in s["parameters"]:
                assert set(cited) == {"name", "value", "region", "effective_from", "source", "document_no"}, cited
        # Each cap step cites the earlier claims the writer reported for the key it asked about
        # (and for the key the cap had before, where the claims stored then count too).
        cap_steps = [s for s in steps if "counted" in s]  # Explanation.cap's steps, whatever their name
        keys = _cap_keys(asked, steps)
        # (A refusal may come after the rule asked about a key, before its cap step.)
        assert len(cap_steps) == len(keys) or case.refused is not None and len(cap_steps) < len(keys)
        for s, key in zip(cap_steps, keys):
            legacy = case.prior.get(s["legacy_key"], NO_PRIOR).claims if "legacy_key" in s else ()
            assert s["earlier_claims"] == list(case.prior.get(key, NO_PRIOR).claims) + list(legacy)
        by_name = dict(zip(names, steps))
        expected = set(case.arithmetic) | set(case.cites) | set(case.says) | set(case.omits)
        missing = expected - set(by_name)
        assert not missing, f"no step {sorted(missing)} among {names}"
        for name, text in case.arithmetic.items():
            assert by_name[name]["arithmetic"] == text
        for name, wanted in case.cites.items():
            cited = by_name[name]["parameters"]
            assert len(cited) == len(wanted), (name, cited)
            for got, want in zip(cited, wanted):
                if isinstance(want, str):
                    assert got["name"] == want, (name, cited)
                else:
                    assert {k: got.get(k) for k in want} == dict(want), (name, cited)
        for name, texts in case.says.items():
            said = _said(by_name[name])
            for text in (texts,) if isinstance(texts, str) else texts:
                assert text in said, f"{name}: {text!r} not in {said!r}"
        for name, texts in case.omits.items():
            said = _said(by_name[name])
            for text in (texts,) if isinstance(texts, str) else texts:
                assert text not in said, f"{name}: {text!r} in {said!r}"


def _cap_keys(asked: list[str], steps: list[dict]) -> list[str]:
    """The keys asked about, less those a cap step consulted as its earlier form."""
    legacy = {s["legacy_key"] for s in steps if "legacy_key" in s}
    return [key for key in asked if key not in legacy]


def _said(step: dict) -> str:
    return " | ".join((step["zh"], step["en"], step["arithmetic"]))
