"""社会保险补贴, notice 一.1: an employer that hires a graduate of the application year or a
registered-unemployed graduate on a labour contract of at least one year receives the
social insurance it actually pays for the hire, without the hire's own share, for at most
12 months (各类企业和社会组织招用毕业年度或登记失业高校毕业生并签订1年以上期限劳动合同的，
按其为高校毕业生实际缴纳的社会保险费（不包括高校毕业生个人应缴纳部分）给予最长不超过12个月的
社会保险补贴). Small, medium and micro firms may be prepaid up to a share (中小微企业可预拨
最多不超过50%); so may the employer of a retained intern (一.3: 见习期满被留用的，可预拨用人
单位最多不超过50%的社会保险补贴（用人单位同时符合中小微企业预拨社会保险补贴条件的不重复享受))."""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

from ...errors import ValidationFailed
from ...money import floor_fen, parse_money
from ..catalog import RuleSet
from . import (Context, Decision, Explanation, check_graduate_on, month_of, not_checked, period_start,
               person_month_key, rate, yuan)

CLAUSE = "一.1"
RULE_CODE_VERSION = 2  # raise it with any change to what this module decides (see RULE_CODE_VERSIONS)
MIN_CONTRACT_MONTHS = 12  # 1年以上期限劳动合同: fixed by the notice, not left to the cities
SME = ("micro", "small", "medium")


def decide(facts: dict, rules: RuleSet, ctx: Context) -> Decision:
    why = Explanation("social_insurance", CLAUSE, rules)
    if "hired_on" not in facts:
        return _decide_stored_before_person_months(facts, rules, ctx, why)
    hired = dt.date.fromisoformat(facts["hired_on"])
    _check_who(why, facts, rules, hired)
    _check_contract(why, facts)
    monthly = parse_money(facts["employer_monthly_contribution"], field="facts.employer_monthly_contribution")
    first = period_start(facts)
    ok = month_of(first) >= month_of(hired)
    why.check("period_start", ok,
              zh=f"补贴期间自 {month_of(first)} 起，{'不早于' if ok else '早于'}招用月份 {month_of(hired)}",
              en=f"the period starts in {month_of(first)}, {'not before' if ok else 'before'} the month of the hire "
                 f"({month_of(hired)})")
    # One subsidy per person-month, across employers and programs (DOMAIN.md; F3).
    graduate = ctx.beneficiary_ref
    free = why.person_months(ctx, person_month_key(graduate), first, facts["months"],
                             what_zh="该毕业生的参保补贴月份", what_en="the graduate's subsidised months")
    # 最长不超过12个月 per graduate, whoever employs them; claims stored while the cap was per
    # hire count under that key too (DOMAIN.md: these keys replace those of 2026-11-30).
    counted = why.cap(ctx, f"social_insurance:graduate:{graduate}", rules.values["max_months"], len(free),
                      unit="months", what_zh="同一毕业生（各用人单位合计）的社会保险补贴期限",
                      what_en="subsidised months per graduate, all employers together", uses=("max_months",),
                      legacy_key=f"social_insurance:hire:{ctx.applicant_ref}:{graduate}")
    granted = free[:counted]
    why.take_months(person_month_key(graduate), granted, monthly)
    entitled = monthly * counted
    why.note("amount", zh=f"单位实际缴纳的社会保险费（不含个人部分）× {counted} 个月（{_span(granted)}）",
             en=f"the employer's actual monthly contribution (not the graduate's share) × {counted} months "
                f"({_span(granted)})",
             arithmetic=f"{yuan(monthly)} × {counted} = {yuan(entitled)}")
    share = _prepay_share(facts, rules, why, entitled)
    return Decision(entitled, share, True, why.steps, (), tuple(why.caps), tuple(why.months))


def _check_who(why: Explanation, facts: dict, rules: RuleSet, hired: dt.date) -> None:
    """招用毕业年度或登记失业高校毕业生: 毕业年度 tests the hire (the diploma's year is the
    hire's year), whenever the claim is made (F9); a registered-unemployed graduate is one
    within 5 years of the diploma's date on the day of the hire (F3)."""
    diploma = dt.date.fromisoformat(facts["diploma_date"])
    year = facts.get("graduation_year")
    if year is not None and year != diploma.year:
        raise ValidationFailed(f"facts.graduation_year {year} is not the year of the diploma date {diploma}",
                               field="facts.graduation_year")
    if hired.year == diploma.year:
        why.note("graduation_year", zh=f"招用日期 {hired} 在毕业证书所注年份 {diploma.year} 内（毕业年度高校毕业生）",
                 en=f"hired {hired}, in the year of the diploma {diploma.year} (a graduate of the year of the hire)")
        return
    unemployed = facts["registered_unemployed"]
    why.check("graduation_year", unemployed and hired.year > diploma.year,
              zh=f"招用日期 {hired} 不在毕业证书所注年份 {diploma.year} 内，"
                 f"{'为登记失业高校毕业生' if unemployed else '且非登记失业高校毕业生'}",
              en=f"hired {hired}, not in the year of the diploma ({diploma.year}), "
                 f"{'a registered-unemployed graduate' if unemployed else 'and not registered as unemployed'}")
    check_graduate_on(why, facts, rules, hired, what_zh="招用日期", what_en="the hire on")


def _check_contract(why: Explanation, facts: dict) -> None:
    months = facts["contract_months"]
    ok = months >= MIN_CONTRACT_MONTHS
    why.check("contract_months", ok,
              zh=f"劳动合同期限 {months} 个月，{'不少于' if ok else '少于'} {MIN_CONTRACT_MONTHS} 个月",
              en=f"a labour contract of {months} months, {'at least' if ok else 'less than'} {MIN_CONTRACT_MONTHS}")


def _span(months: list[str]) -> str:
    return f"{months[0]}–{months[-1]}" if months else "—"


def _decide_stored_before_person_months(facts: dict, rules: RuleSet, ctx: Context, why: Explanation) -> Decision:
    """A claim stored before the revision of 2026-12-07 (no hire date, diploma or period),
    decided again as then: 毕业年度 by the application year, the cap per hire."""
    on = ctx.application_date
    graduated, unemployed = facts["graduation_year"], facts["registered_unemployed"]
    if graduated == on.year:
        why.note("graduation_year", zh=f"毕业年份 {graduated} = 申请年份 {on.year}（毕业年度高校毕业生）",
                 en=f"graduation year {graduated} = application year {on.year} (a graduate of the application year)")
    else:
        why.check("graduation_year", unemployed and graduated < on.year,
                  zh=f"毕业年份 {graduated}，申请年份 {on.year}，{'为' if unemployed else '非'}登记失业高校毕业生",
                  en=f"graduation year {graduated}, application year {on.year}, "
                     f"{'a registered-unemployed graduate' if unemployed else 'not registered as unemployed'}")
    not_checked(why, "person_months")
    _check_contract(why, facts)
    monthly = parse_money(facts["employer_monthly_contribution"], field="facts.employer_monthly_contribution")
    counted = why.cap(ctx, f"social_insurance:hire:{ctx.applicant_ref}:{ctx.beneficiary_ref}",
                      rules.values["max_months"], facts["months"], unit="months",
                      what_zh="同一单位招用同一毕业生的社会保险补贴期限",
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
