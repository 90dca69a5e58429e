"""创业担保贷款贴息, notice 二.7: a graduate who starts a business, is self-employed or
starts up online may borrow a guaranteed start-up loan of at most 200,000 yuan for at
most 3 years, and its interest is subsidised from the inclusive-finance fund (高校毕业生
创办企业、从事个体经营和网络创业，可申请最长不超过3年、最高不超过20万元的创业担保贷款，并按
规定从普惠金融发展专项资金给予贴息)."""
from __future__ import annotations

from fractions import Fraction

from ...money import floor_fen, parse_money
from ..catalog import RuleSet
from . import (Context, Decision, Explanation, check_graduate_on, check_graduate_within, graduate_of, key_text,
               legacy_key_text, not_checked, rate, yuan)

CLAUSE = "二.7"
RULE_CODE_VERSION = 2  # raise it with any change to what this module decides (see RULE_CODE_VERSIONS)


def decide(facts: dict, rules: RuleSet, ctx: Context) -> Decision:
    why = Explanation("loan_interest", CLAUSE, rules)
    if not check_graduate_on(why, facts, rules, ctx.application_date, what_zh="申请日期", what_en="the application on"):
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
    annual = rules.values.get("max_annual_rate")
    contract = facts.get("loan_contract_no")
    if annual is None or contract is None:
        not_checked(why, "interest_cap")
        entitled = interest
    else:
        entitled = _within_caps(why, ctx, rules, contract, principal, term, interest, annual)
    why.note("amount", zh=f"按规定贴息：{yuan(entitled)} 元（普惠金融发展专项资金）",
             en=f"the interest subsidised, {yuan(entitled)}, paid from the inclusive-finance fund",
             arithmetic=f"{yuan(entitled)}")
    why.note("prepayment", zh="不预拨", en="no prepayment")
    return Decision(entitled, Fraction(0), True, why.steps, (), tuple(why.caps))


def _within_caps(why: Explanation, ctx: Context, rules: RuleSet, contract: str, principal: int, term: int,
                 interest: int, annual) -> int:
    """最高不超过20万元 per borrower (F4): the loans of one graduate (a person, or the founder an
    enterprise names) count their principal once each, at their first claim's figure, against
    `max_principal`; a new loan counts what remains and is subsidised in proportion. 按规定贴息:
    a loan's subsidised interest is at most ⌊counted principal × rate × term / 12⌋ across all
    its claims, whatever spelling of its contract number they give (keys in normal form)."""
    loan = f"loan_interest:loan:{key_text(contract)}"
    borrower = f"loan_interest:borrower:{graduate_of(ctx)}"
    tags = ctx.prior(borrower).tags
    own = [units for tag, units in tags if tag == loan]
    others: dict[str, int] = {}
    for tag, units in tags:
        if tag != loan:
            others[tag] = max(others.get(tag, 0), units)
    wanted = own[0] if own else principal  # a loan counts once, at its first claim's principal
    counted = why.cap(ctx, borrower, rules.values["max_principal"], wanted, unit="fen",
                      what_zh="同一创业者的创业担保贷款额度（各笔贷款合计，每笔按首次申请计）",
                      what_en="guaranteed loan principal per borrower, each loan counted once",
                      uses=("max_principal",), used=sum(others.values()), tag=loan, per_tag=True,
                      rule="borrower_cap")
    identity = f"{principal}:{term}"
    known = sorted({tag for tag, _ in ctx.prior(loan).tags if tag != identity})
    if known:
        first_principal, first_term = known[0].split(":")
        why.check("loan", False,
                  zh=f"借款合同 {contract} 此前申请时贷款额度 {yuan(int(first_principal))} 元、期限 {first_term} 个月，"
                     f"与本次（{yuan(principal)} 元、{term} 个月）不同",
                  en=f"loan contract {contract} was claimed before with a principal of {yuan(int(first_principal))} and "
                     f"a term of {first_term} months, not {yuan(principal)} and {term} months")
    most = floor_fen(counted * annual * term / 12)
    why.note("interest_cap", zh=f"贴息合计不超过 ⌊计入额度 × 年利率 {rate(annual)} × {term} / 12⌋ = {yuan(most)} 元",
             en=f"subsidised interest is at most ⌊counted principal × {rate(annual)} a year × {term} / 12 months⌋ "
                f"= {yuan(most)} over the loan", uses=("max_annual_rate",),
             arithmetic=f"⌊{yuan(counted)} × {rate(annual)} × {term} / 12⌋ = {yuan(most)}")
    due = interest if counted == principal else floor_fen(Fraction(interest * counted, principal))
    if counted != principal:
        why.note("counted_share", zh=f"本笔贷款计入额度 {yuan(counted)} 元，按比例贴息",
                 en=f"the loan counts {yuan(counted)} of its principal: its interest is subsidised in proportion",
                 arithmetic=f"⌊{yuan(interest)} × {yuan(counted)} / {yuan(principal)}⌋ = {yuan(due)}")
    return why.cap(ctx, loan, most, due, unit="fen", what_zh="同一笔贷款的贴息", what_en="subsidised interest on one loan",
                   tag=identity, legacy_key=f"loan_interest:loan:{legacy_key_text(contract)}")
