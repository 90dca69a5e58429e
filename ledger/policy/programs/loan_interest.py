"""创业担保贷款贴息, notice 二.7: a graduate who starts a business, is self-employed or
starts up online may borrow a guaranteed start-up loan of at most 200,000 yuan for at
most 3 years, and its interest is subsidised from the inclusive-finance fund (高校毕业生
创办企业、从事个体经营和网络创业，可申请最长不超过3年、最高不超过20万元的创业担保贷款，并按
规定从普惠金融发展专项资金给予贴息)."""
from __future__ import annotations

from fractions import Fraction

from ...money import floor_fen, parse_money
from ..catalog import RuleSet
from . import Context, Decision, Explanation, check_graduate_within, key_text, not_checked, rate, yuan

CLAUSE = "二.7"
RULE_CODE_VERSION = 2  # raise it with any change to what this module decides (see RULE_CODE_VERSIONS)


def decide(facts: dict, rules: RuleSet, ctx: Context) -> Decision:
    why = Explanation("loan_interest", CLAUSE, rules)
    check_graduate_within(why, facts, rules, ctx.application_date)
    principal = parse_money(facts["loan_principal"], field="facts.loan_principal")
    most = rules.values["max_principal"]
    ok = principal <= most
    why.check("max_principal", ok,
              zh=f"贷款额度 {yuan(principal)} 元，{'不超过' if ok else '超过'}最高 {yuan(most)} 元",
              en=f"a loan of {yuan(principal)}, {'within' if ok else 'above'} the largest of {yuan(most)}",
              uses=("max_principal",), arithmetic=f"{yuan(principal)} {'≤' if ok else '>'} {yuan(most)}")
    term, longest = facts["loan_term_months"], rules.values["max_term_months"]
    ok = term <= longest
    why.check("max_term_months", ok,
              zh=f"贷款期限 {term} 个月，{'不超过' if ok else '超过'}最长 {longest} 个月",
              en=f"a term of {term} months, {'within' if ok else 'beyond'} the longest of {longest} months",
              uses=("max_term_months",), arithmetic=f"{term} {'≤' if ok else '>'} {longest}")
    interest = parse_money(facts["interest_due"], field="facts.interest_due")
    entitled = interest
    annual = rules.values.get("max_annual_rate")
    contract = facts.get("loan_contract_no")
    if annual is not None and contract is not None:
        # 按规定贴息: at most the interest at the largest subsidised rate over the loan's term,
        # across all the loan's claims.
        most = floor_fen(principal * annual * term / 12)
        why.note("interest_cap", zh=f"贴息合计不超过 ⌊贷款额度 × 年利率 {rate(annual)} × {term} / 12⌋ = {yuan(most)} 元",
                 en=f"subsidised interest is at most ⌊principal × {rate(annual)} a year × {term} / 12 months⌋ "
                    f"= {yuan(most)} over the loan", uses=("max_annual_rate",),
                 arithmetic=f"⌊{yuan(principal)} × {rate(annual)} × {term} / 12⌋ = {yuan(most)}")
        entitled = why.cap(ctx, f"loan_interest:loan:{key_text(contract)}", most, interest, unit="fen",
                           what_zh="同一笔贷款的贴息", what_en="subsidised interest on one loan")
    else:
        not_checked(why, "interest_cap")
    why.note("amount", zh=f"按规定贴息：{yuan(entitled)} 元（普惠金融发展专项资金）",
             en=f"the interest subsidised, {yuan(entitled)}, paid from the inclusive-finance fund",
             arithmetic=f"{yuan(entitled)}")
    why.note("prepayment", zh="不预拨", en="no prepayment")
    return Decision(entitled, Fraction(0), True, why.steps, (), tuple(why.caps))
