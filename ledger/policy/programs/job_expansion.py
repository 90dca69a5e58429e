"""一次性扩岗补助, notice 一.1: an enterprise that hires a graduate of the application year
on a labour contract and insures the hire against unemployment receives a one-off amount
per hire, if it applies by the deadline; never together with the absorption subsidy for
the same hire (企业招用毕业年度高校毕业生，签订劳动合同并参加失业保险的，按照每人…元标准
发放一次性扩岗补助，政策实施期限截至…12月31日，与一次性吸纳就业补贴不重复享受)."""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

from ..catalog import RuleSet
from . import Context, Decision, Explanation, LimitKey, check_graduated_in_application_year, yuan

CLAUSE = "一.1"
RULE_CODE_VERSION = 1  # raise it with any change to what this module decides (see RULE_CODE_VERSIONS)


def decide(facts: dict, rules: RuleSet, ctx: Context) -> Decision:
    if ctx.beneficiary_ref is None:
        raise ValueError("job_expansion is claimed for a hire")
    why = Explanation("job_expansion", CLAUSE, rules)
    on = ctx.application_date
    check_graduated_in_application_year(why, facts, on)
    insured = facts["unemployment_insured"]
    why.check("unemployment_insured", insured,
              zh="企业已为其参加失业保险" if insured else "企业未为其参加失业保险",
              en="the employer insures the hire against unemployment" if insured
              else "the employer does not insure the hire against unemployment")
    start = dt.date.fromisoformat(facts["contract_start"])
    ok = start <= on
    why.check("contract_start", ok,
              zh=f"劳动合同起始日 {start} {'不晚于' if ok else '晚于'}申请日 {on}",
              en=f"the labour contract starts {start}, {'on or before' if ok else 'after'} the application date {on}")
    until = rules.values["apply_until"]
    ok = on <= until
    why.check("apply_until", ok,
              zh=f"申请日 {on} {'在' if ok else '超过'}政策实施期限 {until}{'之内' if ok else ''}",
              en=f"applied {on}, {'within' if ok else 'after'} the deadline {until}", uses=("apply_until",))
    per_hire = rules.values["per_hire"]
    why.note("amount", zh=f"每人 {yuan(per_hire)} 元一次性扩岗补助", en=f"{yuan(per_hire)} per hire, once",
             uses=("per_hire",), arithmetic=f"{yuan(per_hire)} × 1 = {yuan(per_hire)}")
    return Decision(per_hire, Fraction(0), True, why.steps, (hire_limit(ctx),))


def hire_limit(ctx: Context) -> LimitKey:
    """One key for job_expansion and absorption alike: a hire is subsidised once per
    calendar year of the application date, for one employer, by one of the two."""
    return LimitKey(f"hire:{ctx.beneficiary_ref}:{ctx.application_date.year}", 1,
                    "the same hire once per calendar year, for one employer, "
                    "for job_expansion or absorption but not both (一.1)")

