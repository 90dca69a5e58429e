"""创业培训补贴, notice 二.4: graduates of the application year take entrepreneurship
training free of charge, and the training institution receives a subsidy per trainee by
course (毕业年度高校毕业生可参加免费创业培训，按照每人创业引导培训不低于…元、创业指导培训不低于
…元的标准，给予符合条件的培训机构创业培训补贴)."""
from __future__ import annotations

import datetime as dt

from fractions import Fraction

from ..catalog import RuleSet
from . import Context, Decision, Explanation, LimitKey, check_graduated_in_application_year, yuan

CLAUSE = "二.4"
RULE_CODE_VERSION = 2  # raise it with any change to what this module decides (see RULE_CODE_VERSIONS)
COURSE = {"GYB": ("gyb_amount", "创业引导培训（GYB）", "entrepreneurship-awareness course (GYB)"),
          "SYB": ("syb_amount", "创业指导培训（SYB）", "start-your-business course (SYB)")}


def decide(facts: dict, rules: RuleSet, ctx: Context) -> Decision:
    why = Explanation("entrepreneurship_training", CLAUSE, rules)
    on = ctx.application_date
    if "course_started_on" in facts:
        _check_course(why, facts, on)
    else:  # stored before the revision of 2026-12-07: 毕业年度 by the application year, as then
        check_graduated_in_application_year(why, facts, on, who_zh="学员", who_en="the trainee's ")
    parameter, zh, en = COURSE[facts["course"]]
    amount = rules.values[parameter]
    why.note("amount", zh=f"{zh}每人 {yuan(amount)} 元，补贴给培训机构",
             en=f"{en}: {yuan(amount)} per trainee, paid to the training institution",
             uses=(parameter,), arithmetic=f"{yuan(amount)} × 1 = {yuan(amount)}")
    why.note("prepayment", zh="不预拨", en="no prepayment")
    once = LimitKey(f"entrepreneurship_training:{ctx.beneficiary_ref}:{facts['course']}", 1,
                    f"the {facts['course']} course subsidised once per trainee (二.4)", "count")
    return Decision(amount, Fraction(0), True, why.steps, (once,))


def _check_course(why: Explanation, facts: dict, on: dt.date) -> None:
    """毕业年度…免费创业培训 (F9): the course, not the claim, falls in the graduation year; the
    institution claims after it, in January for a December course too."""
    started = dt.date.fromisoformat(facts["course_started_on"])
    ok = started <= on
    why.check("course_started_on", ok, zh=f"培训开班日期 {started} {'不晚于' if ok else '晚于'}申请日期 {on}",
              en=f"the course started {started}, {'on or before' if ok else 'after'} the application date {on}")
    graduated = facts["graduation_year"]
    ok = started.year == graduated
    why.check("graduation_year", ok,
              zh=f"培训开班年份 {started.year} {'=' if ok else '≠'} 学员毕业年份 {graduated}（毕业年度高校毕业生）",
              en=f"the course's year {started.year} {'=' if ok else '≠'} the trainee's graduation year {graduated} "
                 "(a graduate of the year of the course)",
              arithmetic=f"{started.year} {'=' if ok else '≠'} {graduated}")
