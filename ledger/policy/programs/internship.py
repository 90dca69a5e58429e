"""就业见习补贴, notice 一.3: the host receives a living allowance and a management fee for
each month of the intern's term (基本生活费每人每月…元、每人每月指导管理费…元), may be
prepaid up to a share (可预拨最多不超过50%的见习补贴), and is settled on the months served;
the whole term counts when the intern left for stable employment with less than a third
of the term left (距见习协议确定的见习期不足三分之一时…实现稳定就业…按协议确定的最长期限计算)."""
from __future__ import annotations

from ...errors import ValidationFailed
from ...money import floor_fen
from ..catalog import RuleSet
from . import Context, Decision, Explanation, not_checked, rate, yuan

CLAUSE = "一.3"
RULE_CODE_VERSION = 1  # raise it with any change to what this module decides (see RULE_CODE_VERSIONS)


def decide(facts: dict, rules: RuleSet, ctx: Context) -> Decision:
    why = Explanation("internship", CLAUSE, rules)
    term, longest = facts["term_months"], rules.values["max_term_months"]
    ok = 1 <= term <= longest
    why.check("term_months", ok,
              zh=f"见习期限 {term} 个月，{'不超过' if ok else '超过'}最长 {longest} 个月",
              en=f"a term of {term} months, {'within' if ok else 'beyond'} the longest of {longest} months",
              uses=("max_term_months",))
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
