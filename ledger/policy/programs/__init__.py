"""One rule function per program of the notice. Each reads a claim's facts under one
resolved RuleSet and returns a Decision whose explanation a reviewer can follow step by
step: every rule checked, every parameter used and where it came from, the arithmetic.

Adding a program: its data in programs.toml and parameters.toml, one module here with
`decide(facts, rules, ctx)` and its RULE_CODE_VERSION, and one line in RULES below.

RULE_CODE_VERSION names what a module decides: it is part of every rule version decided
under it, so a claim decided by another version of the rule function names another rule
version, even under equal parameters. Raise it with any change to a module's decisions
(or to the helpers below that it uses); tests/test_rule_code_versions.py pins each
module's source to its version, so a change without a new version fails there."""
from __future__ import annotations

import calendar
import datetime as dt
import sys
import unicodedata
from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, Mapping

from ...errors import CapReached, NotEligible, NotFound, ValidationFailed
from ...money import format_money
from ..catalog import RuleSet, format_rate


@dataclass(frozen=True)
class Prior:
    """What earlier claims that count have taken of a cap (DOMAIN.md, caps across claims):
    `used` units (months, or fen) and which claims took them, for the explanation."""
    used: int = 0
    claims: tuple[str, ...] = ()
    # A claim decided again on settlement facts is never refused for a cap (its approval
    # simply does not rise), and an approved one never counts more than it holds (`own`).
    settling: bool = False
    own: int | None = None
    # (tag, units) of each earlier claim that took the key with a tag: the loan a borrower's
    # principal counts (counted once per loan), the business a graduate's venue months are for.
    tags: tuple[tuple[str, int], ...] = ()


NO_PRIOR = Prior()


def _no_prior(key: str) -> Prior:
    return NO_PRIOR


def _no_months(key: str) -> dict[str, str]:
    return {}


@dataclass(frozen=True)
class Context:
    application_date: dt.date
    region: str
    applicant_kind: str
    applicant_ref: str
    beneficiary_ref: str | None
    # The writer answers it from the caps' aggregates, in the claim's own transaction; a
    # decision outside the writer (an early refusal, the keys a batch will look up) sees none.
    prior: Callable[[str], Prior] = _no_prior
    # One subsidy per person-month (DOMAIN.md): the months ("YYYY-MM") other counting claims
    # of a person hold, each with the claim holding it; answered by the writer like `prior`.
    months_held: Callable[[str], Mapping[str, str]] = _no_months
    # The beneficiary's birth date, read from the identity number at the door (never stored
    # apart from the sealed number): ages such as 16至24岁 are tested on it.
    beneficiary_birth: dt.date | None = None


@dataclass(frozen=True)
class LimitKey:
    key: str
    limit: int
    label: str
    kind: str = "once"  # "once": a second claim is a duplicate; "count": beyond `limit` it is over the limit
    # Keys of an earlier form for the same thing (legacy_key_text): checked, never taken.
    legacy: tuple[str, ...] = ()


@dataclass(frozen=True)
class CapUse:
    """What one claim takes of a cap: `units` (months or fen) of `cap`, under `key`."""
    key: str
    units: int
    cap: int
    unit: str
    label: str
    tag: str | None = None  # see Prior.tags
    per_tag: bool = False  # the tag's claims count once (the largest of them), not added up


@dataclass(frozen=True)
class MonthUse:
    """The months ("YYYY-MM") one claim subsidises of a person (DOMAIN.md, One subsidy per
    person-month) and the amount of one month, by which a recovered clawback releases months."""
    key: str
    months: tuple[str, ...]
    month_fen: int


@dataclass(frozen=True)
class Decision:
    entitled_fen: int
    prepay_share: Fraction
    settlement_ready: bool
    explanation: list[dict]
    limits: tuple[LimitKey, ...]
    caps: tuple[CapUse, ...] = ()
    months: tuple[MonthUse, ...] = ()


class Explanation:
    """The steps of one decision, in order. A failed check ends the decision with
    NotEligible carrying the steps so far, the failed one last."""

    def __init__(self, program: str, clause: str, rules: RuleSet):
        if rules.program != program:
            raise ValueError(f"{program} cannot be decided under the rules of {rules.program}")
        self.program, self.clause, self.rules = program, clause, rules
        self.steps: list[dict] = []
        self.caps: list[CapUse] = []
        self.months: list[MonthUse] = []

    def check(self, rule: str, passed: bool, *, zh: str, en: str, uses: tuple[str, ...] = (),
              arithmetic: str = "") -> None:
        name = f"{self.program}.{rule}"
        self.steps.append({"rule": name, "clause": self.clause, "passed": bool(passed), "zh": zh, "en": en,
                           "parameters": self.rules.cite(*uses), "arithmetic": arithmetic})
        if not passed:
            raise NotEligible(f"{name}: {en}", rule=name, explanation=list(self.steps))

    def note(self, rule: str, *, zh: str, en: str, uses: tuple[str, ...] = (), arithmetic: str = "") -> None:
        """A step that cannot fail: an amount, a route taken, a settlement basis."""
        self.check(rule, True, zh=zh, en=en, uses=uses, arithmetic=arithmetic)

    def person_months(self, ctx: Context, key: str, first: dt.date, count: int, *, what_zh: str,
                      what_en: str) -> list[str]:
        """One subsidy per person-month (DOMAIN.md): of the `count` months from `first`, those
        no other counting claim of the person (`key`) holds. None free: `409 limit_exceeded`
        (CapReached), citing the claims that hold them. The caller caps what is free, then
        records what it grants with take_months."""
        held = ctx.months_held(key)
        period = months_from(first, count)
        free = [m for m in period if m not in held]
        taken = [m for m in period if m in held]
        holders = sorted({held[m] for m in taken})
        earlier = ", ".join(holders) or "none"
        zh = (f"{what_zh}：申请期间 {period[0]} 至 {period[-1]} 共 {count} 个月，其中 {len(taken)} 个月已由此前的申请"
              f"（{earlier}）享受补贴，尚可计 {len(free)} 个月（同一人同一月份只享受一项补贴）")
        en = (f"{what_en}: the period {period[0]} to {period[-1]}, {count} months, of which {len(taken)} are "
              f"subsidised by earlier claims ({earlier}); {len(free)} months remain (one subsidy per person-month)")
        name = f"{self.program}.person_months"
        self.steps.append({"rule": name, "clause": self.clause, "passed": bool(free), "zh": zh, "en": en,
                           "parameters": [], "arithmetic": f"{count} − {len(taken)} = {len(free)}",
                           "earlier_claims": holders, "months_taken": taken})
        if not free:
            raise CapReached(f"{name}: every month of the period is subsidised already (claims {earlier})",
                             rule=name, explanation=list(self.steps))
        return free

    def take_months(self, key: str, months: list[str], month_fen: int) -> None:
        self.months.append(MonthUse(key, tuple(months), month_fen))

    def cap(self, ctx: Context, key: str, cap: int, wanted: int, *, unit: str, what_zh: str, what_en: str,
            uses: tuple[str, ...] = (), clause: str | None = None, used: int | None = None,
            tag: str | None = None, per_tag: bool = False, legacy_key: str | None = None,
            rule: str = "cap") -> int:
        """Caps across claims: of `cap` units under `key`, earlier claims that count have taken
        some; this one is granted what remains, up to `wanted`, and the step cites the earlier
        claims. Nothing left is `409 limit_exceeded` (CapReached) with the steps so far.
        `used`: what the earlier claims took, as the rule counted it (per tag); `tag`, `per_tag`:
        recorded with the use (Prior.tags); `legacy_key`: the cap's key before it changed, whose
        claims count too; `rule`: the step's name where a rule has two caps."""
        prior = ctx.prior(key)
        if used is not None:  # the rule counted the earlier claims itself (per tag)
            prior = Prior(used, prior.claims, prior.settling, prior.own, prior.tags)
        if legacy_key is not None and legacy_key != key:
            # The same cap as claims stored before its key changed took it: they count too.
            old = ctx.prior(legacy_key)
            prior = Prior(prior.used + old.used, prior.claims + old.claims, prior.settling or old.settling,
                          prior.own if prior.own is not None else old.own, prior.tags)
        remaining = max(0, cap - prior.used)
        granted = min(wanted, remaining)
        counted = granted if prior.own is None else min(granted, prior.own)
        shown = (lambda n: yuan(n)) if unit == "fen" else str
        unit_zh, unit_en = ("元", "") if unit == "fen" else ("个月", " months")
        earlier = ", ".join(prior.claims) or "none"
        arithmetic = (f"max(0, {shown(cap)} − {shown(prior.used)}) = {shown(remaining)}; "
                      f"min({shown(wanted)}, {shown(remaining)}) = {shown(granted)}")
        zh = (f"{what_zh}合计不超过 {shown(cap)}{unit_zh}：此前的申请（{earlier}）已用 {shown(prior.used)}{unit_zh}，"
              f"尚余 {shown(remaining)}{unit_zh}，本次计 {shown(granted)}{unit_zh}")
        en = (f"{what_en}: at most {shown(cap)}{unit_en} in all; earlier claims ({earlier}) took "
              f"{shown(prior.used)}{unit_en}, {shown(remaining)}{unit_en} remain, this claim counts "
              f"{shown(granted)}{unit_en}")
        if counted < granted:
            zh += f"；已核准的申请不再增加，计入上限 {shown(counted)}{unit_zh}"
            en += f"; an approval never rises, so it takes {shown(counted)}{unit_en} of the cap"
            arithmetic += f"; min({shown(granted)}, {shown(prior.own)} held) = {shown(counted)}"
        name = f"{self.program}.{rule}"
        step = {"rule": name, "clause": clause or self.clause, "passed": granted > 0 or wanted == 0 or prior.settling,
                "zh": zh, "en": en, "parameters": self.rules.cite(*uses), "arithmetic": arithmetic,
                "earlier_claims": list(prior.claims), "counted": counted}
        if legacy_key is not None and legacy_key != key:
            step["legacy_key"] = legacy_key
        self.steps.append(step)
        if granted <= 0 < wanted and not prior.settling:
            raise CapReached(f"{name}: nothing remains of the cap ({what_en}: {shown(cap)}{unit_en}, taken by "
                             f"claims {earlier})", rule=name, explanation=list(self.steps))
        self.caps.append(CapUse(key, counted, cap, unit, what_en, tag, per_tag))
        return granted


def check_graduated_in_application_year(why: Explanation, facts: dict, on: dt.date, *, who_zh: str = "",
                                        who_en: str = "", kind_zh: str = "毕业年度高校毕业生",
                                        kind_en: str = "a graduate of the application year") -> None:
    """The notice's "毕业年度" test: graduated in the calendar year of the application."""
    graduated = facts["graduation_year"]
    ok = graduated == on.year
    why.check("graduation_year", ok,
              zh=f"{who_zh}毕业年份 {graduated} {'=' if ok else '≠'} 申请年份 {on.year}（须为{kind_zh}）",
              en=f"{who_en}graduation year {graduated} {'=' if ok else '≠'} application year {on.year} ({kind_en})")


def check_left_school_within(why: Explanation, facts: dict, rules: RuleSet, on: dt.date, *,
                             left_zh: str = "离校") -> None:
    """Left school on or before the application date, and within `within_years` of it."""
    left = dt.date.fromisoformat(facts["left_school_on"])
    ok = left <= on
    why.check("left_school_on", ok, zh=f"离校日期 {left} {'不晚于' if ok else '晚于'}申请日期 {on}",
              en=f"left school {left}, {'on or before' if ok else 'after'} the application date {on}")
    years = rules.values["within_years"]
    last = add_months(left, 12 * years)
    ok = on <= last
    why.check("within_years", ok,
              zh=f"申请日期 {on} {'在' if ok else '超过'}{left_zh} {years} 年{'内' if ok else ''}（至 {last}）",
              en=f"applied {on}, {'within' if ok else 'more than'} {years} years of leaving school (until {last})",
              uses=("within_years",), arithmetic=f"{left} + {years} years = {last}")


def check_graduate_within(why: Explanation, facts: dict, rules: RuleSet, on: dt.date) -> None:
    """本通知所指高校毕业生: a graduate counts as one while the application year is at most
    `graduate_within_years` after the graduation year (DOMAIN.md, conditions the notice adds).
    A claim submitted before the fact was asked for (or decided under rules without the
    parameter) is not checked: the step says so."""
    graduated, years = facts.get("graduation_year"), rules.values.get("graduate_within_years")
    if graduated is None or years is None:
        why.note("graduate", zh="毕业年份未登记（该申请提交时尚无此项条件），未核对毕业五年内",
                 en="the graduation year was not recorded (the claim predates the condition): the five-year "
                    "definition of a graduate was not checked")
        return
    since = on.year - graduated
    if since < 0:
        why.check("graduate", False, zh=f"毕业年份 {graduated} 晚于申请年份 {on.year}：尚未毕业",
                  en=f"graduation year {graduated} is after the application year {on.year}: not a graduate yet",
                  arithmetic=f"{on.year} − {graduated} = {since} < 0")
    ok = since <= years
    why.check("graduate", ok,
              zh=f"申请年份 {on.year} − 毕业年份 {graduated} = {since} 年，{'不超过' if ok else '超过'} {years} 年"
                 f"（本通知所指高校毕业生）",
              en=f"application year {on.year} − graduation year {graduated} = {since} years, "
                 f"{'within' if ok else 'beyond'} the {years} years that make a graduate under the notice",
              uses=("graduate_within_years",), arithmetic=f"0 ≤ {on.year} − {graduated} = {since} {'≤' if ok else '>'} {years}")


def not_checked(why: Explanation, rule: str) -> None:
    """A condition the claim's own rules (decided before it was a parameter) or facts (given
    before it was asked for) cannot say: noted, not applied, never a failure."""
    why.note(rule, zh="该申请适用的规则或提交的事实中尚无此项条件，未核对",
             en="not checked: the rules the claim was decided under, or the facts it was given, predate this "
                "condition")


def graduating_academic_year(graduation_year: int) -> tuple[dt.date, dt.date]:
    """毕业学年: the academic year (1 September – 31 August) that ends in the graduation year."""
    return dt.date(graduation_year - 1, 9, 1), dt.date(graduation_year, 8, 31)


def check_in_graduating_academic_year(why: Explanation, graduated: int, on: dt.date, *, rule: str) -> None:
    first, last = graduating_academic_year(graduated)
    ok = first <= on <= last
    why.check(rule, ok,
              zh=f"申请日期 {on} {'在' if ok else '不在'} {graduated} 年毕业学年（{first} 至 {last}）{'内' if ok else ''}",
              en=f"applied {on}, {'within' if ok else 'outside'} the graduating academic year of {graduated} "
                 f"({first} to {last})",
              arithmetic=f"{first} ≤ {on} ≤ {last}" if ok else f"{on} ∉ [{first}, {last}]")


def check_applied_by(why: Explanation, rules: RuleSet, on: dt.date, name: str = "apply_until") -> None:
    """A deadline of the notice. Rules decided before the deadline was a parameter have none."""
    until = rules.values.get(name)
    if until is None:
        not_checked(why, name)
        return
    ok = on <= until
    why.check(name, ok, zh=f"申请日期 {on} {'在' if ok else '超过'}政策实施期限 {until}{'之内' if ok else ''}",
              en=f"applied {on}, {'within' if ok else 'after'} the deadline {until}", uses=(name,),
              arithmetic=f"{on} {'≤' if ok else '>'} {until}")


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def months_from(first: dt.date, count: int) -> list[str]:
    """`count` calendar months ("YYYY-MM") from `first`'s month on."""
    return [month_of(add_months(first.replace(day=1), i)) for i in range(count)]


def months_text(months: list[str], to: str) -> str:
    """Months ("YYYY-MM", ascending) as runs, "2022-06 to 2022-08, 2022-11" (`to`: the
    language's word): months other claims hold may split a claim's period."""
    runs: list[list[str]] = []
    for month in months:
        if runs and month_of(add_months(dt.date.fromisoformat(f"{runs[-1][-1]}-01"), 1)) == month:
            runs[-1].append(month)
        else:
            runs.append([month])
    return ", ".join(run[0] if len(run) == 1 else f"{run[0]} {to} {run[-1]}" for run in runs)


def graduate_of(ctx: Context) -> str:
    """The graduate whose caps a claim for a business takes (DOMAIN.md, One subsidy per
    person-month: startup_venue, loan_interest): a person applicant, or the founder an
    enterprise names; claims stored before founders were named (an enterprise without one)
    fall back to the business itself, as then."""
    if ctx.applicant_kind == "person" or ctx.beneficiary_ref is None:
        return ctx.applicant_ref
    return ctx.beneficiary_ref


def person_month_key(person_ref: str) -> str:
    """The key of a person's subsidised months, one for every person-month program
    (social_insurance, care_institution_social_insurance, public_welfare_post: the
    beneficiary; flexible_social_insurance: the applicant)."""
    return f"person-months:{person_ref}"


def period_start(facts: dict) -> dt.date:
    """`period_start`, the first month claimed, given as its first day (YYYY-MM-01)."""
    first = dt.date.fromisoformat(facts["period_start"])
    if first.day != 1:
        raise ValidationFailed(f"facts.period_start is the first day of the first month claimed (YYYY-MM-01), "
                               f"not {first}", field="facts.period_start")
    return first


def check_graduate_on(why: Explanation, facts: dict, rules: RuleSet, reference: dt.date, *, what_zh: str,
                      what_en: str, rule: str = "graduate") -> bool:
    """毕业证书所注日期起5年内 (DOMAIN.md, Graduates, hires, interns; F13): the reference date
    (the hire, the registration, the application...) no later than `diploma_date` + 12 ×
    `graduate_within_years` months, the boundary day included; no calendar-year count. A
    `graduation_year` given beside it is its year. False when the claim has no diploma date
    (stored before it was asked for): the caller falls back to what it checked then."""
    given = facts.get("diploma_date")
    if given is None:
        return False
    diploma = dt.date.fromisoformat(given)
    year = facts.get("graduation_year")
    if year is not None and year != diploma.year:
        raise ValidationFailed(f"facts.graduation_year {year} is not the year of the diploma date {diploma}",
                               field="facts.graduation_year")
    years = rules.values.get("graduate_within_years", 5)
    last = add_months(diploma, 12 * years)
    ok = diploma <= reference <= last
    cited = ("graduate_within_years",) if "graduate_within_years" in rules.values else ()
    why.check(rule, ok,
              zh=f"毕业证书所注日期 {diploma}，{what_zh} {reference} {'在' if ok else '不在'}其后 {years} 年内（至 {last}）",
              en=f"diploma dated {diploma}; {what_en} {reference} is {'within' if ok else 'not within'} the "
                 f"{years} years after it (until {last})", uses=cited,
              arithmetic=f"{diploma} ≤ {reference} ≤ {diploma} + {12 * years} months = {last}" if ok
              else f"{reference} ∉ [{diploma}, {last}]")
    return True


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus calendar months, the day clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def key_text(text: str) -> str:
    """Free text as part of a key, in normal form (DOMAIN.md, "Keys in normal form", F12):
    NFKC (full-width to half-width), then every space, punctuation mark and control or
    format character (zero-width) dropped, then upper case: `ＪＫ２０２４－００１`,
    `jk2024 001` and `JK2024-001` are one loan contract. Facts keep the text as given."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(c for c in folded if unicodedata.category(c)[0] not in _DROPPED_CATEGORIES
                   and unicodedata.category(c) not in ("Cc", "Cf")).upper()


_DROPPED_CATEGORIES = ("Z", "P")


def legacy_key_text(text: str) -> str:
    """The key form before the normal form (whitespace dropped, upper case): keys taken by
    claims stored then are checked under it too, so an old claim with the same spelling still
    counts (LimitKey.legacy, Explanation.cap's legacy_key)."""
    return "".join(text.split()).upper()


def yuan(fen: int) -> str:
    return format_money(fen)


def rate(share: Fraction) -> str:
    return format_rate(share)


def check_not_after(why: Explanation, rule: str, day: dt.date, on: dt.date, *, what_zh: str, what_en: str) -> None:
    """A date the claim reports as past (a hire, a placement, a course, a certificate) is not
    after the application date."""
    ok = day <= on
    why.check(rule, ok, zh=f"{what_zh} {day} {'不晚于' if ok else '晚于'}申请日期 {on}",
              en=f"{what_en} {day}, {'on or before' if ok else 'after'} the application date {on}")


def check_diploma_within(why: Explanation, facts: dict, rules: RuleSet, reference: dt.date, *, what_zh: str,
                         what_en: str) -> None:
    """毕业证书所注日期起5年内 (DOMAIN.md, "Graduates, hires, interns"): `reference` lies from
    the diploma's date to `graduate_within_years` × 12 months after it, both days included."""
    diploma = dt.date.fromisoformat(facts["diploma_date"])
    years = rules.values["graduate_within_years"]
    last = add_months(diploma, 12 * years)
    ok = diploma <= reference <= last
    why.check("graduate", ok,
              zh=f"{what_zh} {reference} {'在' if ok else '不在'}毕业证书所注日期 {diploma} 起 {years} 年{'内' if ok else ''}"
                 f"（至 {last}）",
              en=f"{what_en} {reference}, {'within' if ok else 'outside'} {years} years from the diploma's date "
                 f"{diploma} (until {last})", uses=("graduate_within_years",),
              arithmetic=f"{diploma} ≤ {reference} ≤ {diploma} + {12 * years} months = {last}" if ok
              else f"{reference} ∉ [{diploma}, {last}]")


def check_period_start(why: Explanation, facts: dict, since: dt.date, *, since_zh: str, since_en: str) -> dt.date:
    """`period_start`, the first month claimed, is a month's first day and not before the
    month of `since` (the hire, the placement): months before it were not worked there."""
    start = dt.date.fromisoformat(facts["period_start"])
    ok = start.day == 1
    why.check("period_start", ok and start >= since.replace(day=1),
              zh=f"起始月份 {start}：{'为' if ok else '须为'}月份首日，{'不早于' if start >= since.replace(day=1) else '早于'}"
                 f"{since_zh}月份（{since.replace(day=1)}）",
              en=f"the first month claimed {start} {'is' if ok else 'must be'} a month's first day, "
                 f"{'not before' if start >= since.replace(day=1) else 'before'} the month of {since_en} "
                 f"({since.replace(day=1)})")
    return start


Rule = Callable[[dict, RuleSet, Context], Decision]


def decide(code: str, facts: dict, rules: RuleSet, ctx: Context) -> Decision:
    try:
        rule = RULES[code]
    except KeyError:
        raise NotFound(f"no rule function for program {code!r}", field="program") from None
    return rule(facts, rules, ctx)


# The program modules import the names above, so they are imported after them.
from . import (  # noqa: E402
    absorption,
    apprenticeship,
    career_switch_training,
    entrepreneurship_training,
    flexible_social_insurance,
    incubator_support,
    internship,
    internship_base_award,
    job_expansion,
    job_search,
    loan_interest,
    skill_certificate,
    social_insurance,
    startup,
    startup_venue,
)
from . import (  # noqa: E402  (the programs DOMAIN.md's revision of 2026-12-07 added)
    care_institution_social_insurance,
    care_worker_training,
    flexible_graduate_training,
    public_welfare_post,
)

RULES: dict[str, Rule] = {
    "job_expansion": job_expansion.decide,
    "absorption": absorption.decide,
    "social_insurance": social_insurance.decide,
    "flexible_social_insurance": flexible_social_insurance.decide,
    "internship": internship.decide,
    "internship_base_award": internship_base_award.decide,
    "entrepreneurship_training": entrepreneurship_training.decide,
    "startup": startup.decide,
    "startup_venue": startup_venue.decide,
    "loan_interest": loan_interest.decide,
    "job_search": job_search.decide,
    "incubator_support": incubator_support.decide,
    "career_switch_training": career_switch_training.decide,
    "apprenticeship": apprenticeship.decide,
    "skill_certificate": skill_certificate.decide,
    "flexible_graduate_training": flexible_graduate_training.decide,
    "public_welfare_post": public_welfare_post.decide,
    "care_institution_social_insurance": care_institution_social_insurance.decide,
    "care_worker_training": care_worker_training.decide,
}
# The module of each rule function, and the version of what it decides.
RULE_MODULES = {code: sys.modules[rule.__module__] for code, rule in RULES.items()}
RULE_CODE_VERSIONS: dict[str, int] = {code: module.RULE_CODE_VERSION for code, module in RULE_MODULES.items()}
