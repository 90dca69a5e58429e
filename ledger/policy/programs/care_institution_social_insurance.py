"""养老托育机构社会保险补贴, the care plan (辽政办发〔2022〕32号) 三.2: an elderly-care or
childcare institution that takes on an eligible worker receives social-insurance subsidies
as the rules provide (对吸纳符合条件劳动者的养老托育机构按规定给予社保补贴). The rules it
refers to are the national ones (财社〔2017〕164号): the worker is a person with employment
difficulties (就业困难人员), the subsidy is the social insurance the employer actually pays,
for at most three years per worker (最长不超过3年). DOMAIN.md, "New programs (revision of
2026-12-07)"."""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

from ...money import parse_money
from ..catalog import RuleSet
from . import Context, Decision, Explanation, add_months, check_not_after, check_period_start, yuan

CLAUSE = "三.2"
RULE_CODE_VERSION = 1  # raise it with any change to what this module decides (see RULE_CODE_VERSIONS)
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
    claimed, longest = facts["months"], rules.values["max_months"]
    # 最长不超过3年 per worker, whichever institution employs them, across all of their claims.
    counted = why.cap(ctx, f"care_institution_social_insurance:worker:{ctx.beneficiary_ref}", longest, claimed,
                      unit="months", what_zh="同一劳动者的养老托育机构社会保险补贴期限",
                      what_en="subsidised months per worker", uses=("max_months",))
    entitled = monthly * counted
    last = add_months(start, counted - 1) if counted else start
    why.note("amount", zh=f"单位实际缴纳的社会保险费（不含个人部分）× {counted} 个月（{start:%Y-%m} 起至 {last:%Y-%m}）",
             en=f"the employer's actual monthly contribution (not the worker's share) × {counted} months "
                f"({start:%Y-%m} to {last:%Y-%m})",
             arithmetic=f"{yuan(monthly)} × {counted} = {yuan(entitled)}")
    why.note("prepayment", zh="不预拨", en="no prepayment")
    return Decision(entitled, Fraction(0), True, why.steps, (), tuple(why.caps))
