"""一次性求职创业补贴, notice 二.8: a graduate in the graduating year who seeks work or a
start-up and belongs to one of eight hardship categories receives a one-off amount
(对毕业学年有就业创业意愿并积极求职创业的…低保家庭毕业生、家庭经济困难的残疾人子女毕业生、
脱贫家庭毕业生及防止返贫监测对象所在家庭毕业生、特困人员中的毕业生、残疾毕业生、烈士子女
毕业生、孤儿（含事实无人抚养儿童）毕业生、获得国家助学贷款的毕业生，给予不低于…元的一次性
求职创业补贴), once per person."""
from __future__ import annotations

from fractions import Fraction

from ..catalog import RuleSet
from . import Context, Decision, Explanation, LimitKey, check_in_graduating_academic_year, yuan

CLAUSE = "二.8"
RULE_CODE_VERSION = 1  # raise it with any change to what this module decides (see RULE_CODE_VERSIONS)
HARDSHIP_ZH = {
    "low_income": "低保家庭毕业生",
    "disabled_family": "家庭经济困难的残疾人子女毕业生",
    "poverty_alleviation": "脱贫家庭毕业生及防止返贫监测对象所在家庭毕业生",
    "extreme_poverty": "特困人员中的毕业生",
    "disability": "残疾毕业生",
    "martyr_family": "烈士子女毕业生",
    "orphan": "孤儿（含事实无人抚养儿童）毕业生",
    "student_loan": "获得国家助学贷款的毕业生",
}


def decide(facts: dict, rules: RuleSet, ctx: Context) -> Decision:
    why = Explanation("job_search", CLAUSE, rules)
    on = ctx.application_date
    # 毕业学年: the academic year ending in the graduation year, not the calendar year.
    check_in_graduating_academic_year(why, facts["graduation_year"], on, rule="graduation_year")
    category = facts["hardship_category"]
    ok = category in HARDSHIP_ZH
    why.check("hardship_category", ok,
              zh=f"困难类别：{HARDSHIP_ZH[category]}" if ok else f"困难类别 {category} 不在所列范围",
              en=f"hardship category {category}, {'one' if ok else 'not one'} of the eight listed")
    amount = rules.values["amount"]
    why.note("amount", zh=f"一次性求职创业补贴 {yuan(amount)} 元", en=f"{yuan(amount)}, once",
             uses=("amount",), arithmetic=f"{yuan(amount)}")
    why.note("prepayment", zh="不预拨", en="no prepayment")
    once = LimitKey(f"job_search:{ctx.applicant_ref}", 1, "the job-search subsidy once per person (二.8)")
    return Decision(amount, Fraction(0), True, why.steps, (once,))
