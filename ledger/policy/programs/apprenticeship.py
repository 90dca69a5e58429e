"""新型学徒制培训补贴, notice 三.11: an enterprise that trains a newly hired graduate on a
labour contract of at least one year (签订1年以上期限劳动合同) as a new-style apprentice,
who obtains a certificate, receives a training subsidy per apprentice per year by level,
raised by up to 30 % for occupations on the province's shortage list (可在上述标准基础上
提高不超过30%). One claim is one training year; the rest after any prepayment is paid on
completion."""
from __future__ import annotations

from ...money import floor_fen
from ..catalog import RuleSet
from . import Context, Decision, Explanation, LimitKey, check_graduate_on, check_graduate_within, rate, yuan

CLAUSE = "三.11"
RULE_CODE_VERSION = 2  # raise it with any change to what this module decides (see RULE_CODE_VERSIONS)
MIN_CONTRACT_MONTHS = 12  # 1年以上期限劳动合同: fixed by the notice, not left to the cities
LEVEL_ZH = {"intermediate": "中级工（四级）", "advanced": "高级工（三级）",
            "technician": "技师（二级）", "senior_technician": "高级技师（一级）"}


def decide(facts: dict, rules: RuleSet, ctx: Context) -> Decision:
    why = Explanation("apprenticeship", CLAUSE, rules)
    if not check_graduate_on(why, facts, rules, ctx.application_date, what_zh="申请日期", what_en="the application on"):
        check_graduate_within(why, facts, rules, ctx.application_date)
    months = facts["contract_months"]
    ok = months >= MIN_CONTRACT_MONTHS
    why.check("contract_months", ok,
              zh=f"劳动合同期限 {months} 个月，{'不少于' if ok else '少于'} {MIN_CONTRACT_MONTHS} 个月",
              en=f"a labour contract of {months} months, {'at least' if ok else 'less than'} {MIN_CONTRACT_MONTHS}")
    why.note("certificate", zh=f"已取得职业资格证书或职业技能等级证书（{facts['certificate_no']}）",
             en=f"a qualification or skill-level certificate was obtained ({facts['certificate_no']})")
    amount = _yearly_amount(facts, rules, why)
    entitled = amount
    if "completed" not in facts:
        why.note("completion", zh="培训尚未结束：可预拨部分，余下部分完成后拨付",
                 en="training not finished yet: part may be prepaid, the rest is paid on completion")
    elif facts["completed"]:
        why.note("completion", zh="培训已完成，全额核定", en="training completed: the full amount")
    else:
        entitled = 0
        why.note("completion", zh="培训未完成，不予结算", en="training not completed: nothing is settled",
                 arithmetic=f"{yuan(amount)} → 0.00")
    share = rules.values["prepay_share"]
    prepayable = floor_fen(entitled * share)
    why.note("prepayment", zh=f"可预拨不超过 {rate(share)}", en=f"at most {rate(share)} of it may be prepaid",
             uses=("prepay_share",), arithmetic=f"⌊{yuan(entitled)} × {rate(share)}⌋ = {yuan(prepayable)}")
    # 每人每年: one training year per apprentice and calendar year of application.
    year = ctx.application_date.year
    once = LimitKey(f"apprenticeship:{ctx.beneficiary_ref}:{year}", 1,
                    f"one training year per apprentice in {year} (三.11: 每人每年)", "count")
    return Decision(entitled, share, "completed" in facts, why.steps, (once,))


def _yearly_amount(facts: dict, rules: RuleSet, why: Explanation) -> int:
    level = facts["level"]
    base = rules.values[level]
    if not facts["shortage_occupation"]:
        why.note("amount", zh=f"{LEVEL_ZH[level]}每人每年 {yuan(base)} 元", en=f"{level}: {yuan(base)} per apprentice-year",
                 uses=(level,), arithmetic=f"{yuan(base)}")
        return base
    uplift = rules.values["shortage_uplift"]
    amount = floor_fen(base * (1 + uplift))
    why.note("amount", zh=f"{LEVEL_ZH[level]}每人每年 {yuan(base)} 元，急需紧缺职业上浮 {rate(uplift)}",
             en=f"{level}: {yuan(base)} per apprentice-year, raised by {rate(uplift)} for a shortage occupation",
             uses=(level, "shortage_uplift"), arithmetic=f"⌊{yuan(base)} × (1 + {rate(uplift)})⌋ = {yuan(amount)}")
    return amount
