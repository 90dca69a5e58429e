"""一次性创业补贴, notice 二.5: a graduate who starts a first small or micro business or
self-employment in Liaoning and obtains a guaranteed start-up loan receives a one-off
amount, raised by up to 30 % for new industries, formats and business models (高校毕业生
首次在辽宁省内创办小微企业或从事个体经营且成功申领创业担保贷款的，给予不低于…元的一次性创业
补贴…对从事新产业、新业态、新商业模式创业的小微企业补贴标准可上浮30%)."""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

from ...money import floor_fen
from ..catalog import RuleSet
from . import Context, Decision, Explanation, LimitKey, check_graduate_on, check_graduate_within, not_checked, rate, yuan

CLAUSE = "二.5"
RULE_CODE_VERSION = 2  # raise it with any change to what this module decides (see RULE_CODE_VERSIONS)


def decide(facts: dict, rules: RuleSet, ctx: Context) -> Decision:
    why = Explanation("startup", CLAUSE, rules)
    on = ctx.application_date
    registered = dt.date.fromisoformat(facts["registered_on"])
    if not check_graduate_on(why, facts, rules, registered, what_zh="工商登记注册日期", what_en="the business registered on"):
        check_graduate_within(why, facts, rules, on)
    first = facts["first_business"]
    why.check("first_business", first,
              zh="首次在辽宁省内创办小微企业或从事个体经营" if first else "并非首次在辽宁省内创业",
              en="the graduate's first business in Liaoning" if first else "not the graduate's first business in Liaoning")
    loan = facts["guaranteed_loan"]
    why.check("guaranteed_loan", loan,
              zh="已成功申领创业担保贷款" if loan else "未申领创业担保贷款",
              en="a guaranteed start-up loan was obtained" if loan else "no guaranteed start-up loan was obtained")
    registered = dt.date.fromisoformat(facts["registered_on"])
    ok = registered <= on
    why.check("registered_on", ok, zh=f"工商登记日期 {registered} {'不晚于' if ok else '晚于'}申请日期 {on}",
              en=f"registered {registered}, {'on or before' if ok else 'after'} the application date {on}")
    base = rules.values["amount"]
    form = facts.get("business_form")
    if facts["new_industry"] and form is None:
        not_checked(why, "business_form")
    if facts["new_industry"] and form == "individual":
        entitled = base
        why.note("amount", zh=f"一次性创业补贴 {yuan(base)} 元；个体经营不适用新产业、新业态、新商业模式上浮（上浮限于小微企业）",
                 en=f"{yuan(base)}, once; the new-industry uplift is for small and micro enterprises, not sole "
                    "traders (个体经营)", uses=("amount",), arithmetic=f"{yuan(base)}")
    elif facts["new_industry"]:
        uplift = rules.values["new_industry_uplift"]
        entitled = floor_fen(base * (1 + uplift))
        why.note("amount", zh=f"一次性创业补贴 {yuan(base)} 元，新产业、新业态、新商业模式上浮 {rate(uplift)}",
                 en=f"{yuan(base)}, raised by {rate(uplift)} for a new industry, format or business model",
                 uses=("amount", "new_industry_uplift"),
                 arithmetic=f"⌊{yuan(base)} × (1 + {rate(uplift)})⌋ = {yuan(entitled)}")
    else:
        entitled = base
        why.note("amount", zh=f"一次性创业补贴 {yuan(base)} 元", en=f"{yuan(base)}, once",
                 uses=("amount",), arithmetic=f"{yuan(base)}")
    why.note("prepayment", zh="不预拨", en="no prepayment")
    once = LimitKey(f"startup:person:{ctx.applicant_ref}", 1, "the one-off start-up subsidy once per person "
                    "(二.5: 一次性, a first business)", "count")
    return Decision(entitled, Fraction(0), True, why.steps, (once,))
