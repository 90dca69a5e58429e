"""公益性岗位补贴, notice 四.14: graduates of the listed hardship families who want work and
cannot find it in the market may be placed in public-welfare posts as the rules provide
(有就业需求且通过市场难以就业的低保家庭毕业生…和孤儿（含事实无人抚养儿童）毕业生，可按规定通过
公益性岗位安置). The rules it refers to (财社〔2017〕164号) pay the employer of the post a post
subsidy and the social insurance it pays, for at most three years (最长不超过3年). A
graduate is one within 5 years of the diploma's date, on the day of the placement.
DOMAIN.md, "New programs (revision of 2026-12-07)"; a month of the graduate another counting
claim of a person-month program covers is not paid again (DOMAIN.md, "One subsidy per
person-month")."""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

from ...money import parse_money
from ..catalog import RuleSet
from . import (Context, Decision, Explanation, check_diploma_within, check_not_after, check_period_start, months_text,
               person_month_key, yuan)
from .job_search import HARDSHIP_ZH

CLAUSE = "四.14"
RULE_CODE_VERSION = 2  # raise it with any change to what this module decides (see RULE_CODE_VERSIONS)
# 四.14 lists job_search's categories (二.8) but the last: a student loan is no hardship here.
CATEGORIES = tuple(c for c in HARDSHIP_ZH if c != "student_loan")


def decide(facts: dict, rules: RuleSet, ctx: Context) -> Decision:
    why = Explanation("public_welfare_post", CLAUSE, rules)
    on = ctx.application_date
    category = facts["hardship_category"]
    ok = category in CATEGORIES
    why.check("hardship_category", ok,
              zh=f"困难类别：{HARDSHIP_ZH[category]}" if ok else f"困难类别 {category} 不在四.14所列范围",
              en=f"hardship category {category}, {'one' if ok else 'not one'} of the seven 四.14 lists")
    placed = dt.date.fromisoformat(facts["placed_on"])
    check_not_after(why, "placed_on", placed, on, what_zh="安置日期", what_en="placed on")
    check_diploma_within(why, facts, rules, placed, what_zh="安置日期", what_en="placed on")
    start = check_period_start(why, facts, placed, since_zh="安置", since_en="the placement")
    post = rules.values["post_subsidy_monthly"]
    contribution = parse_money(facts["employer_monthly_contribution"], field="facts.employer_monthly_contribution")
    monthly = post + contribution
    # One subsidy per person-month (DOMAIN.md, revision of 2026-12-07; F3): the graduate's months
    # are subsidised once across social_insurance, care_institution_social_insurance, this
    # program and flexible_social_insurance, whichever employer or program claimed them first.
    graduate = ctx.beneficiary_ref
    free = why.person_months(ctx, person_month_key(graduate), start, facts["months"],
                             what_zh="该毕业生的补贴月份", what_en="the graduate's subsidised months")
    counted = why.cap(ctx, f"public_welfare_post:graduate:{graduate}", rules.values["max_months"], len(free),
                      unit="months", what_zh="同一毕业生的公益性岗位补贴期限", what_en="subsidised months per graduate",
                      uses=("max_months",))
    granted = free[:counted]
    why.take_months(person_month_key(graduate), granted, monthly)
    entitled = monthly * counted
    why.note("amount", zh=f"（岗位补贴 + 单位缴纳的社会保险费）× {counted} 个月（{months_text(granted, '至')}）",
             en=f"(post subsidy + the employer's monthly contribution) × {counted} months "
                f"({months_text(granted, 'to')})",
             uses=("post_subsidy_monthly",),
             arithmetic=f"({yuan(post)} + {yuan(contribution)}) × {counted} = {yuan(entitled)}")
    why.note("prepayment", zh="不预拨", en="no prepayment")
    return Decision(entitled, Fraction(0), True, why.steps, (), tuple(why.caps), tuple(why.months))
