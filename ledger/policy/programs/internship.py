"""就业见习补贴, notice 一.3: the host receives a living allowance and a management fee for
each month of the intern's term (基本生活费每人每月…元、每人每月指导管理费…元), may be
prepaid up to a share (可预拨最多不超过50%的见习补贴), and is settled on the months served;
the whole term counts when the intern left for stable employment with less than a third
of the term left (距见习协议确定的见习期不足三分之一时…实现稳定就业…按协议确定的最长期限计算)."""
from __future__ import annotations

import datetime as dt

from ...errors import ValidationFailed
from ...money import floor_fen
from ..catalog import RuleSet
from . import Context, Decision, Explanation, add_months, graduating_academic_year, not_checked, rate, yuan

CLAUSE = "一.3"
RULE_CODE_VERSION = 2  # raise it with any change to what this module decides (see RULE_CODE_VERSIONS)


def decide(facts: dict, rules: RuleSet, ctx: Context) -> Decision:
    why = Explanation("internship", CLAUSE, rules)
    term, longest = facts["term_months"], rules.values["max_term_months"]
    ok = 1 <= term <= longest
    why.check("term_months", ok,
              zh=f"见习期限 {term} 个月，{'不超过' if ok else '超过'}最长 {longest} 个月",
              en=f"a term of {term} months, {'within' if ok else 'beyond'} the longest of {longest} months",
              uses=("max_term_months",))
    _check_intern(why, facts, ctx)
    months = _months_counted(facts, term, why, _full_term_rule_applies(rules, ctx, why, facts))
    # Internship months subsidised per intern, across all of the intern's claims.
    months = why.cap(ctx, f"internship:intern:{ctx.beneficiary_ref}", longest, months, unit="months",
                     what_zh="每名见习人员的见习补贴月数", what_en="subsidised internship months per intern",
                     uses=("max_term_months",))
    living, fee = rules.values["living_allowance"], rules.values["management_fee"]
    entitled = (living + fee) * months
    why.note("amount", zh=f"（基本生活费 + 指导管理费）× {months} 个月",
             en=f"(living allowance + management fee) × {_months(months)}",
             uses=("living_allowance", "management_fee"),
             arithmetic=f"({yuan(living)} + {yuan(fee)}) × {months} = {yuan(entitled)}")
    share = rules.values["prepay_share"]
    prepayable = floor_fen(entitled * share)
    why.note("prepayment", zh=f"可预拨不超过 {rate(share)} 的见习补贴", en=f"at most {rate(share)} of it may be prepaid",
             uses=("prepay_share",), arithmetic=f"⌊{yuan(entitled)} × {rate(share)}⌋ = {yuan(prepayable)}")
    return Decision(entitled, share, "months_served" in facts, why.steps, (), tuple(why.caps))


CATEGORY = {"graduate_left": ("离校2年内未就业的高校毕业生", "a graduate within two years of leaving school"),
            "vocational_left": ("离校2年内未就业的中职毕业生", "a vocational-school graduate within two years of leaving"),
            "unemployed_youth": ("16至24岁失业青年", "an unemployed young person aged 16 to 24"),
            "graduating_student": ("毕业学年高校毕业生", "a student in the graduating academic year")}


def _check_intern(why: Explanation, facts: dict, ctx: Context) -> None:
    """一.3 见习 is for 离校2年内未就业的高校毕业生和中职毕业生, 16至24岁失业青年 and 毕业学年高校毕
    业生 (F8): the category is tested on the day the internship agreement starts. Claims stored
    before the revision of 2026-12-07 named no category: noted, not checked."""
    category = facts.get("intern_category")
    if category is None:
        not_checked(why, "intern")
        return
    started = dt.date.fromisoformat(facts["started_on"])
    zh, en = CATEGORY[category]
    if category in ("graduate_left", "vocational_left"):
        given = facts.get("left_school_on")
        if given is None:
            why.check("intern", False, zh=f"{zh}：未登记离校日期", en=f"{en}: no date of leaving school was given")
        left = dt.date.fromisoformat(given)
        last = add_months(left, 24)
        ok = left <= started <= last
        why.check("intern", ok, zh=f"{zh}：离校日期 {left}，见习自 {started} 起{'在' if ok else '不在'}离校2年内（至 {last}）",
                  en=f"{en}: left school {left}, the internship from {started} is {'within' if ok else 'not within'} "
                     f"two years of it (until {last})",
                  arithmetic=f"{left} ≤ {started} ≤ {last}" if ok else f"{started} ∉ [{left}, {last}]")
    elif category == "unemployed_youth":
        born = ctx.beneficiary_birth
        if born is None:
            why.check("intern", False, zh=f"{zh}：无法从身份证号码读出出生日期",
                      en=f"{en}: no birth date could be read from the identity number")
        sixteen, twenty_five = add_months(born, 16 * 12), add_months(born, 25 * 12)
        ok = sixteen <= started < twenty_five
        why.check("intern", ok,
                  zh=f"{zh}：见习自 {started} 起，{'在' if ok else '不在'}年满16周岁（{sixteen}）至25周岁前一日之间",
                  en=f"{en}: the internship from {started} is {'within' if ok else 'outside'} the 16th birthday "
                     f"({sixteen}) to the eve of the 25th ({twenty_five})",
                  arithmetic=f"{sixteen} ≤ {started} < {twenty_five}" if ok
                  else f"{started} ∉ [{sixteen}, {twenty_five})")
    else:
        graduated = facts.get("graduation_year")
        if graduated is None:
            why.check("intern", False, zh=f"{zh}：未登记毕业年份", en=f"{en}: no graduation year was given")
        first, last = graduating_academic_year(graduated)
        ok = first <= started <= last
        why.check("intern", ok,
                  zh=f"{zh}：见习自 {started} 起{'在' if ok else '不在'} {graduated} 年毕业学年（{first} 至 {last}）内",
                  en=f"{en}: the internship from {started} is {'within' if ok else 'outside'} the graduating academic "
                     f"year of {graduated} ({first} to {last})",
                  arithmetic=f"{first} ≤ {started} ≤ {last}" if ok else f"{started} ∉ [{first}, {last}]")


def _full_term_rule_applies(rules: RuleSet, ctx: Context, why: Explanation, facts: dict) -> bool:
    """The full term counts for an intern who left for stable employment with less than a
    third left, for claims applied by `full_term_rule_until` (一.3); rules decided before the
    deadline was a parameter have none."""
    until = rules.values.get("full_term_rule_until")
    if not facts.get("left_for_employment"):
        return True
    if until is None:
        not_checked(why, "full_term_rule_until")
        return True
    on = ctx.application_date
    applies = on <= until
    if not applies:
        why.note("full_term_rule_until", zh=f"申请日期 {on} 晚于 {until}：提前就业按全期计算的规定不适用",
                 en=f"applied {on}, after {until}: the full-term rule for leaving for stable employment does "
                    "not apply", uses=("full_term_rule_until",), arithmetic=f"{on} > {until}")
    return applies


def _months_counted(facts: dict, term: int, why: Explanation, full_term_rule: bool) -> int:
    if "months_served" not in facts:
        why.note("months_served", zh=f"见习尚未结算，暂按协议期限 {term} 个月计算",
                 en=f"not settled yet: counted at the agreed term of {term} months until the months served are known")
        return term
    served = facts["months_served"]
    if not 0 <= served <= term:
        raise ValidationFailed(f"facts.months_served must be between 0 and the term of {term} months",
                               field="facts.months_served")
    left = term - served
    # "不足三分之一" compared exactly: left < term / 3 without a fraction of a month.
    if full_term_rule and facts.get("left_for_employment") and 3 * left < term:
        why.note("left_for_employment",
                 zh=f"见习 {served} 个月后实现稳定就业，剩余 {left} 个月不足期限的三分之一，按协议期限 {term} 个月计算",
                 en=f"left for stable employment after {served} months with {left} left, less than a third "
                    f"of the term: the whole term of {term} months counts",
                 arithmetic=f"3 × ({term} − {served}) = {3 * left} < {term}")
        return term
    reason = ("，离开时剩余期限不少于三分之一" if facts.get("left_for_employment") and 3 * left >= term else "")
    why.note("months_served", zh=f"按实际见习 {served} 个月结算{reason}",
             en=f"settled on {_months(served)} served"
                + (", a third of the term or more being left when the intern left" if reason else ""),
             arithmetic=f"3 × ({term} − {served}) = {3 * left} ≥ {term}" if reason else "")
    return served


def _months(n: int) -> str:
    return "1 month" if n == 1 else f"{n} months"
