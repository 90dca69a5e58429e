"""养老托育机构社会保险补贴, the care plan (辽政办发〔2022〕32号) 三.2: an elderly-care or
childcare institution that takes on an eligible worker receives social-insurance subsidies
as the rules provide (对吸纳符合条件劳动者的养老托育机构按规定给予社保补贴). The rules it
refers to are the national ones (财社〔2017〕164号): the worker is a person with employment
difficulties (就业困难人员), the subsidy is the social insurance the employer actually pays,
for at most three years per worker (最长不超过3年). DOMAIN.md, "New programs (revision of
2026-12-07)"; a month of the worker another counting claim of a person-month program covers is
not paid again (DOMAIN.md, "One subsidy per person-month")."""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

from ...money import parse_money
from ..catalog import RuleSet
from . import (Context, Decision, Explanation, check_not_after, check_period_start, months_text, person_month_key,
               yuan)

CLAUSE = "三.2"
RULE_CODE_VERSION = 2  # raise it with any change to what this module decides (see RULE_CODE_VERSIONS)
INSTITUTION_ZH = {"elderly_care": "养老机构", "childcare": "托育机构"}


def decide(facts: dict, rules: RuleSet, ctx: Context) -> Decision:
    why = Explanation("care_institution_social_insurance", CLAUSE, rules)
    on = ctx.application_date
    kind = facts["institution_type"]
    why.note("institution_type", zh=f"申请单位为{INSTITUTION_ZH[kind]}（养老托育机构）",
             en=f"the applicant is an {kind.replace('_', ' ')} institution")
    certified = facts["hardship_certified"]
    why.check("hardship_certified", certified,
              zh=f"所吸纳劳动者{'已' if certified else '未'}认定为就业困难人员（财社〔2017〕164号）",
              en=f"the worker {'is' if certified else 'is not'} certified as a person with employment difficulties "
                 "(财社〔2017〕164号)")
    hired = dt.date.fromisoformat(facts["hired_on"])
    check_not_after(why, "hired_on", hired, on, what_zh="招用日期", what_en="hired on")
    start = check_period_start(why, facts, hired, since_zh="招用", since_en="the hire")
    monthly = parse_money(facts["employer_monthly_contribution"], field="facts.employer_monthly_contribution")
    # One subsidy per person-month (DOMAIN.md, revision of 2026-12-07; F3): the worker's months
    # are subsidised once across social_insurance, this program, public_welfare_post and
    # flexible_social_insurance, whichever employer or program claimed them first.
    worker = ctx.beneficiary_ref
    free = why.person_months(ctx, person_month_key(worker), start, facts["months"],
                             what_zh="该劳动者的参保补贴月份", what_en="the worker's subsidised months")
    # 最长不超过3年 per worker, whichever institution employs them, across all of their claims.
    counted = why.cap(ctx, f"care_institution_social_insurance:worker:{worker}", rules.values["max_months"],
                      len(free), unit="months", what_zh="同一劳动者的养老托育机构社会保险补贴期限",
                      what_en="subsidised months per worker", uses=("max_months",))
    granted = free[:counted]
    why.take_months(person_month_key(worker), granted, monthly)
    entitled = monthly * counted
    why.note("amount", zh=f"单位实际缴纳的社会保险费（不含个人部分）× {counted} 个月（{months_text(granted, '至')}）",
             en=f"the employer's actual monthly contribution (not the worker's share) × {counted} months "
                f"({months_text(granted, 'to')})",
             arithmetic=f"{yuan(monthly)} × {counted} = {yuan(entitled)}")
    why.note("prepayment", zh="不预拨", en="no prepayment")
    return Decision(entitled, Fraction(0), True, why.steps, (), tuple(why.caps), tuple(why.months))

