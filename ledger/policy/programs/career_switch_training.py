"""专业转换及技能提升培训, notice 三.10: graduates within three years of leaving school who
have not found work take 3 to 6 months of free career-switch or skill-upgrade training, and
the training institution receives a subsidy per trainee per month (面向毕业离校三年内未就业
高校毕业生…组织实施3至6个月的免费专业转换及技能提升培训，按规定给予每人每月…元至…元培训补贴，
补贴直补培训机构)."""
from __future__ import annotations

from fractions import Fraction

from ..catalog import RuleSet
from . import (Context, Decision, Explanation, check_in_graduating_academic_year, check_left_school_within,
               not_checked, yuan)

CLAUSE = "三.10"
RULE_CODE_VERSION = 1  # raise it with any change to what this module decides (see RULE_CODE_VERSIONS)
MIN_MONTHS, MAX_MONTHS = 3, 6  # 3至6个月: fixed by the notice, not left to the cities


def decide(facts: dict, rules: RuleSet, ctx: Context) -> Decision:
    why = Explanation("career_switch_training", CLAUSE, rules)
    on = ctx.application_date
    months = facts["months"]
    ok = MIN_MONTHS <= months <= MAX_MONTHS
    why.check("months", ok,
              zh=f"培训 {months} 个月，{'在' if ok else '不在'} {MIN_MONTHS} 至 {MAX_MONTHS} 个月{'之内' if ok else '之间'}",
              en=f"training of {months} months, {'within' if ok else 'outside'} {MIN_MONTHS} to {MAX_MONTHS} months")
    if "left_school_on" in facts:
        check_left_school_within(why, facts, rules, on, left_zh="毕业离校")
    else:
        # 毕业学年内的在校生: students in their graduating academic year are included.
        check_in_graduating_academic_year(why, facts["graduation_year"], on, rule="graduating_academic_year")
    counted = months
    yearly = rules.values.get("max_months_per_year")
    if yearly is None:
        not_checked(why, "max_months_per_year")
    else:
        counted = why.cap(ctx, f"career_switch_training:{ctx.beneficiary_ref}:{on.year}", yearly, months,
                          unit="months", what_zh=f"每名学员 {on.year} 年度培训补贴月数",
                          what_en=f"subsidised training months per trainee in {on.year}", uses=("max_months_per_year",))
    monthly = rules.values["monthly_rate"]
    entitled = monthly * counted
    why.note("amount", zh=f"每人每月 {yuan(monthly)} 元 × {counted} 个月，直补培训机构",
             en=f"{yuan(monthly)} per trainee-month × {counted} months, paid to the training institution",
             uses=("monthly_rate",), arithmetic=f"{yuan(monthly)} × {counted} = {yuan(entitled)}")
    why.note("prepayment", zh="不预拨", en="no prepayment")
    return Decision(entitled, Fraction(0), True, why.steps, (), tuple(why.caps))
