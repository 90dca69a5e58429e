"""灵活就业社会保险补贴, notice 一.2: a graduate who has not found a job within two years of
leaving school and is in flexible employment receives a share of the social insurance
actually paid, at most two thirds, for at most 24 months, which a city may extend by up to
6 months (对离校2年内未就业高校毕业生灵活就业后缴纳的社会保险费，给予一定数额的社会保险补贴，
补贴标准不超过实际缴费的三分之二，补贴期限最长不超过24个月；…享受期限可延长最多不超过6个月)."""
from __future__ import annotations

from fractions import Fraction

from ...money import floor_fen, parse_money
from ..catalog import RuleSet
from . import Context, Decision, Explanation, check_left_school_within, rate, yuan

CLAUSE = "一.2"
RULE_CODE_VERSION = 1  # raise it with any change to what this module decides (see RULE_CODE_VERSIONS)


def decide(facts: dict, rules: RuleSet, ctx: Context) -> Decision:
    why = Explanation("flexible_social_insurance", CLAUSE, rules)
    on = ctx.application_date
    check_left_school_within(why, facts, rules, on)
    contribution = parse_money(facts["monthly_contribution"], field="facts.monthly_contribution")
    share, longest, extension = (rules.values[n] for n in ("share", "max_months", "extension_months"))
    per_month = floor_fen(contribution * share)
    claimed = facts["months"]
    # 补贴期限最长不超过24个月 per person, across all of the person's claims.
    counted = why.cap(ctx, f"flexible_social_insurance:person:{ctx.applicant_ref}", longest + extension, claimed,
                      unit="months", what_zh="每人灵活就业社会保险补贴期限", what_en="subsidised months per person",
                      uses=("max_months", "extension_months"))
    entitled = per_month * counted
    why.note("amount", zh=f"每月 ⌊实际缴费 × {rate(share)}⌋ × {counted} 个月",
             en=f"⌊{rate(share)} of the monthly contribution⌋ × {counted} months",
             uses=("share",),
             arithmetic=f"⌊{yuan(contribution)} × {rate(share)}⌋ = {yuan(per_month)}; "
                        f"{yuan(per_month)} × {counted} = {yuan(entitled)}")
    why.note("prepayment", zh="不预拨", en="no prepayment")
    return Decision(entitled, Fraction(0), True, why.steps, (), tuple(why.caps))
