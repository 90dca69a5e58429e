"""灵活就业社会保险补贴, notice 一.2: a graduate who has not found a job within two years of
leaving school and is in flexible employment receives a share of the social insurance
actually paid, at most two thirds, for at most 24 months, which a city may extend by up to
6 months (对离校2年内未就业高校毕业生灵活就业后缴纳的社会保险费，给予一定数额的社会保险补贴，
补贴标准不超过实际缴费的三分之二，补贴期限最长不超过24个月；…享受期限可延长最多不超过6个月)."""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

from ...money import floor_fen, parse_money
from ..catalog import RuleSet
from . import (Context, Decision, Explanation, add_months, check_left_school_within, month_of, not_checked,
               period_start, person_month_key, rate, yuan)

CLAUSE = "一.2"
RULE_CODE_VERSION = 2  # raise it with any change to what this module decides (see RULE_CODE_VERSIONS)


def decide(facts: dict, rules: RuleSet, ctx: Context) -> Decision:
    why = Explanation("flexible_social_insurance", CLAUSE, rules)
    on = ctx.application_date
    if "period_start" not in facts:  # stored before the revision of 2026-12-07: decided as then
        check_left_school_within(why, facts, rules, on)
        not_checked(why, "person_months")
        return _amount(facts, rules, ctx, why, facts["months"], None)
    left = dt.date.fromisoformat(facts["left_school_on"])
    ok = left <= on
    why.check("left_school_on", ok, zh=f"离校日期 {left} {'不晚于' if ok else '晚于'}申请日期 {on}",
              en=f"left school {left}, {'on or before' if ok else 'after'} the application date {on}")
    first = period_start(facts)
    person = ctx.applicant_ref
    cap_key = f"flexible_social_insurance:person:{person}"
    _check_first_month(why, rules, ctx, left, first, cap_key)
    free = why.person_months(ctx, person_month_key(person), first, facts["months"],
                             what_zh="本人的参保补贴月份", what_en="the person's subsidised months")
    return _amount(facts, rules, ctx, why, len(free), free)


def _check_first_month(why: Explanation, rules: RuleSet, ctx: Context, left: dt.date, first: dt.date,
                       cap_key: str) -> None:
    """离校2年内 (F9): the person's first subsidised month, the earliest of this claim's and of
    their earlier counting claims' periods, lies from the month of leaving school to
    `within_years` after it; later months may pass it (a claim made a day after two years for
    a period that began within them is paid)."""
    mine = set(ctx.prior(cap_key).claims)
    earlier = sorted(m for m, claim in ctx.months_held(person_month_key(ctx.applicant_ref)).items() if claim in mine)
    earliest = min([month_of(first), *earlier[:1]])
    start = dt.date.fromisoformat(f"{earliest}-01")
    years = rules.values["within_years"]
    last = add_months(left, 12 * years)
    ok = left.replace(day=1) <= start <= last
    source = "本次申请" if earliest == month_of(first) else "此前的申请"
    why.check("within_years", ok,
              zh=f"首个补贴月份 {earliest}（{source}）{'在' if ok else '不在'}离校（{left}）后 {years} 年内（至 {last}）",
              en=f"the first subsidised month {earliest} ({'this claim' if source == '本次申请' else 'an earlier claim'}) "
                 f"is {'within' if ok else 'not within'} {years} years of leaving school {left} (until {last})",
              uses=("within_years",),
              arithmetic=f"{month_of(left)} ≤ {earliest} ≤ {last}" if ok else f"{earliest} ∉ [{month_of(left)}, {last}]")


def _amount(facts: dict, rules: RuleSet, ctx: Context, why: Explanation, wanted: int,
            free: list[str] | None) -> Decision:
    contribution = parse_money(facts["monthly_contribution"], field="facts.monthly_contribution")
    share, longest, extension = (rules.values[n] for n in ("share", "max_months", "extension_months"))
    per_month = floor_fen(contribution * share)
    # 补贴期限最长不超过24个月 per person, across all of the person's claims.
    counted = why.cap(ctx, f"flexible_social_insurance:person:{ctx.applicant_ref}", longest + extension, wanted,
                      unit="months", what_zh="每人灵活就业社会保险补贴期限", what_en="subsidised months per person",
                      uses=("max_months", "extension_months"))
    if free is not None:
        why.take_months(person_month_key(ctx.applicant_ref), free[:counted], per_month)
    entitled = per_month * counted
    why.note("amount", zh=f"每月 ⌊实际缴费 × {rate(share)}⌋ × {counted} 个月",
             en=f"⌊{rate(share)} of the monthly contribution⌋ × {counted} months",
             uses=("share",),
             arithmetic=f"⌊{yuan(contribution)} × {rate(share)}⌋ = {yuan(per_month)}; "
                        f"{yuan(per_month)} × {counted} = {yuan(entitled)}")
    why.note("prepayment", zh="不预拨", en="no prepayment")
    return Decision(entitled, Fraction(0), True, why.steps, (), tuple(why.caps), tuple(why.months))
