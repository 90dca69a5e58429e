"""社会保险补贴, notice 一.1: an employer that hires a graduate of the application year or a
registered-unemployed graduate on a labour contract of at least one year receives the
social insurance it actually pays for the hire, without the hire's own share, for at most
12 months (各类企业和社会组织招用毕业年度或登记失业高校毕业生并签订1年以上期限劳动合同的，
按其为高校毕业生实际缴纳的社会保险费（不包括高校毕业生个人应缴纳部分）给予最长不超过12个月的
社会保险补贴). Small, medium and micro firms may be prepaid up to a share (中小微企业可预拨
最多不超过50%); so may the employer of a retained intern (一.3: 见习期满被留用的，可预拨用人
单位最多不超过50%的社会保险补贴（用人单位同时符合中小微企业预拨社会保险补贴条件的不重复享受))."""
from __future__ import annotations

from fractions import Fraction

from ...money import floor_fen, parse_money
from ..catalog import RuleSet
from . import Context, Decision, Explanation, rate, yuan

CLAUSE = "一.1"
RULE_CODE_VERSION = 1  # raise it with any change to what this module decides (see RULE_CODE_VERSIONS)
MIN_CONTRACT_MONTHS = 12  # 1年以上期限劳动合同: fixed by the notice, not left to the cities
SME = ("micro", "small", "medium")


def decide(facts: dict, rules: RuleSet, ctx: Context) -> Decision:
    why = Explanation("social_insurance", CLAUSE, rules)
    on = ctx.application_date
    graduated, unemployed = facts["graduation_year"], facts["registered_unemployed"]
    if graduated == on.year:
        why.check("graduation_year", True,
                  zh=f"毕业年份 {graduated} = 申请年份 {on.year}（毕业年度高校毕业生）",
                  en=f"graduation year {graduated} = application year {on.year} (a graduate of the application year)")
    elif graduated > on.year:
        why.check("graduation_year", False,
                  zh=f"毕业年份 {graduated} 晚于申请年份 {on.year}：尚未毕业",
                  en=f"graduation year {graduated} is after the application year {on.year}: not a graduate yet")
    else:
        why.check("graduation_year", unemployed,
                  zh=f"毕业年份 {graduated} 早于申请年份 {on.year}，{'为' if unemployed else '且非'}登记失业高校毕业生",
                  en=f"graduation year {graduated} is before the application year {on.year}, "
                     f"{'and a registered-unemployed graduate' if unemployed else 'and not registered as unemployed'}")
    months = facts["contract_months"]
    ok = months >= MIN_CONTRACT_MONTHS
    why.check("contract_months", ok,
              zh=f"劳动合同期限 {months} 个月，{'不少于' if ok else '少于'} {MIN_CONTRACT_MONTHS} 个月",
              en=f"a labour contract of {months} months, {'at least' if ok else 'less than'} {MIN_CONTRACT_MONTHS}")
    monthly = parse_money(facts["employer_monthly_contribution"], field="facts.employer_monthly_contribution")
    claimed, longest = facts["months"], rules.values["max_months"]
    # 最长不超过12个月 per hire (the employer and the graduate), across all of its claims.
    counted = why.cap(ctx, f"social_insurance:hire:{ctx.applicant_ref}:{ctx.beneficiary_ref}", longest, claimed,
                      unit="months", what_zh="同一单位招用同一毕业生的社会保险补贴期限",
                      what_en="subsidised months per hire (employer and graduate)", uses=("max_months",))
    entitled = monthly * counted
    why.note("amount", zh=f"单位实际缴纳的社会保险费（不含个人部分）× {counted} 个月",
             en=f"the employer's actual monthly contribution (not the graduate's share) × {counted} months",
             arithmetic=f"{yuan(monthly)} × {counted} = {yuan(entitled)}")
    share = _prepay_share(facts, rules, why, entitled)
    return Decision(entitled, share, True, why.steps, (), tuple(why.caps))


def _prepay_share(facts: dict, rules: RuleSet, why: Explanation, entitled: int) -> Fraction:
    sme, retained = facts["enterprise_size"] in SME, facts["retained_intern"]
    if not (sme or retained):
        why.note("prepayment", zh="非中小微企业且非见习留用：不预拨",
                 en="neither a small, medium or micro firm nor a retained intern: no prepayment")
        return Fraction(0)
    share = rules.values["prepay_share"]
    prepayable = floor_fen(entitled * share)
    if sme and retained:
        zh, en = ("中小微企业留用见习人员，两项预拨条件不重复享受",
                  "a small, medium or micro firm keeping on its intern, prepaid once and never twice")
    elif sme:
        zh, en = "中小微企业", "a small, medium or micro firm"
    else:
        zh, en = "见习期满被留用（一.3）", "an intern kept on after the internship (一.3)"
    why.note("prepayment", zh=f"{zh}：可预拨不超过 {rate(share)}", en=f"{en}: at most {rate(share)} may be prepaid",
             uses=("prepay_share",), arithmetic=f"⌊{yuan(entitled)} × {rate(share)}⌋ = {yuan(prepayable)}")
    return share
