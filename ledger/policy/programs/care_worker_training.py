"""养老托育从业人员培训补贴, the care plan (辽政办发〔2022〕32号) 三.5: training of people
working in elderly care and childcare, with training subsidies as the rules provide (加强
养老托育从业人员培训，按规定落实培训补贴). Paid to the training institution by the level of
the certificate the trainee obtained (the plan sets no figure: 三.12's figures of the notice
stand for it, a local assumption); once per trainee, occupation and level, and a
certificate once. DOMAIN.md, "New programs (revision of 2026-12-07)"."""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

from ..catalog import RuleSet
from . import Context, Decision, Explanation, LimitKey, check_not_after, key_text, yuan

CLAUSE = "三.5"
RULE_CODE_VERSION = 1  # raise it with any change to what this module decides (see RULE_CODE_VERSIONS)
OCCUPATION_ZH = {"elderly_care_worker": "养老护理员", "childcare_worker": "保育师"}
LEVEL_ZH = {"primary": "初级（五级）", "intermediate": "中级（四级）", "advanced": "高级（三级）"}


def decide(facts: dict, rules: RuleSet, ctx: Context) -> Decision:
    why = Explanation("care_worker_training", CLAUSE, rules)
    on = ctx.application_date
    employed = facts["employed_in_care"]
    why.check("employed_in_care", employed,
              zh=f"学员{'是' if employed else '不是'}养老托育从业人员",
              en=f"the trainee {'works' if employed else 'does not work'} in elderly care or childcare")
    check_not_after(why, "certificate_date", dt.date.fromisoformat(facts["certificate_date"]), on,
                    what_zh="取得证书日期", what_en="the certificate dated")
    occupation, level = facts["occupation"], facts["level"]
    amount = rules.values[level]
    why.note("amount", zh=f"{OCCUPATION_ZH[occupation]}{LEVEL_ZH[level]}证书，每人 {yuan(amount)} 元，补贴给培训机构",
             en=f"a {level} certificate as {occupation.replace('_', ' ')}: {yuan(amount)} per trainee, paid to the "
                "training institution", uses=(level,), arithmetic=f"{yuan(amount)} × 1 = {yuan(amount)}")
    why.note("prepayment", zh="不预拨", en="no prepayment")
    limits = (
        LimitKey(f"care_worker_training:certificate:{key_text(facts['certificate_no'])}", 1,
                 "a certificate number once (32号 三.5)"),
        LimitKey(f"care_worker_training:trainee:{ctx.beneficiary_ref}:{occupation}:{level}", 1,
                 "the same occupation and level once per trainee (32号 三.5)"),
    )
    return Decision(amount, Fraction(0), True, why.steps, limits)
