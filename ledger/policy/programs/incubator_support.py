"""创业孵化载体补助, notice 二.9: the cities support incubation platforms for graduates'
start-ups, including those funded by universities, for the basic operating and public
service costs they actually spend (按其实际支出的基本运营和公共服务等费用给予补助，具体补助办法
由各市确定，高校出资创办的创业孵化基地纳入支持范围): a share of the costs, up to a cap."""
from __future__ import annotations

from fractions import Fraction

from ...money import floor_fen, parse_money
from ..catalog import RuleSet
from . import Context, Decision, Explanation, rate, yuan

CLAUSE = "二.9"
RULE_CODE_VERSION = 1  # raise it with any change to what this module decides (see RULE_CODE_VERSIONS)


def decide(facts: dict, rules: RuleSet, ctx: Context) -> Decision:
    why = Explanation("incubator_support", CLAUSE, rules)
    costs = parse_money(facts["eligible_costs"], field="facts.eligible_costs")
    share, cap = rules.values["share"], rules.values["cap"]
    supported = floor_fen(costs * share)
    why.note("supported", zh=f"实际支出的基本运营和公共服务费用 × {rate(share)}",
             en=f"the eligible costs × {rate(share)}", uses=("share",),
             arithmetic=f"⌊{yuan(costs)} × {rate(share)}⌋ = {yuan(supported)}")
    # The cap holds per incubator and calendar year, across its claims.
    year = ctx.application_date.year
    entitled = why.cap(ctx, f"incubator_support:{ctx.applicant_ref}:{year}", cap, supported, unit="fen",
                       what_zh=f"同一孵化载体 {year} 年度补助", what_en=f"support per incubator in {year}",
                       uses=("cap",))
    why.note("amount", zh=f"补助 {yuan(entitled)} 元", en=f"{yuan(entitled)}", arithmetic=f"{yuan(entitled)}")
    why.note("prepayment", zh="不预拨", en="no prepayment")
    return Decision(entitled, Fraction(0), True, why.steps, (), tuple(why.caps))
