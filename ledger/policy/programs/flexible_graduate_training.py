"""灵活就业高校毕业生技能提升培训补贴, notice 一.2: graduates in flexible employment may take
skill-upgrade training free of charge, paid from the skill-upgrade account or the employment
subsidy fund (实现灵活就业的高校毕业生可免费参加职业技能提升培训，所需资金从职业技能提升行动专账
资金或就业补助资金列支). The training institution is paid by the level of the certificate the
trainee obtained (no figure in the notice: 三.12's stand for it, a local assumption). The
trainee is a graduate (within 5 years of the diploma's date) on the course's first day, in
flexible employment by then; once per trainee and level, and a certificate once.
DOMAIN.md, "New programs (revision of 2026-12-07)"."""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

from ..catalog import RuleSet
from . import Context, Decision, Explanation, LimitKey, check_diploma_within, check_not_after, key_text, yuan

CLAUSE = "一.2"
RULE_CODE_VERSION = 1  # raise it with any change to what this module decides (see RULE_CODE_VERSIONS)
LEVEL_ZH = {"primary": "初级（五级）", "intermediate": "中级（四级）", "advanced": "高级（三级）"}


def decide(facts: dict, rules: RuleSet, ctx: Context) -> Decision:
    why = Explanation("flexible_graduate_training", CLAUSE, rules)
    on = ctx.application_date
    course = dt.date.fromisoformat(facts["course_started_on"])
    check_not_after(why, "course_started_on", course, on, what_zh="开班日期", what_en="the course began")
    check_diploma_within(why, facts, rules, course, what_zh="开班日期", what_en="the course began")
    flexible = dt.date.fromisoformat(facts["flexible_since"])
    ok = flexible <= course
    why.check("flexible_since", ok,
              zh=f"实现灵活就业日期 {flexible} {'不晚于' if ok else '晚于'}开班日期 {course}",
              en=f"in flexible employment since {flexible}, {'on or before' if ok else 'after'} the course began "
                 f"({course})")
    level = facts["level"]
    amount = rules.values[level]
    why.note("amount", zh=f"{LEVEL_ZH[level]}证书，每人 {yuan(amount)} 元，补贴给培训机构",
             en=f"a {level} certificate: {yuan(amount)} per trainee, paid to the training institution",
             uses=(level,), arithmetic=f"{yuan(amount)} × 1 = {yuan(amount)}")
    why.note("prepayment", zh="不预拨", en="no prepayment")
    limits = (
        LimitKey(f"flexible_graduate_training:certificate:{key_text(facts['certificate_no'])}", 1,
                 "a certificate number once (一.2)"),
        LimitKey(f"flexible_graduate_training:trainee:{ctx.beneficiary_ref}:{level}", 1,
                 "the same level once per trainee (一.2)"),
    )
    return Decision(amount, Fraction(0), True, why.steps, limits)
