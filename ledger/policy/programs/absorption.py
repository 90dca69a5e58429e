"""一次性吸纳就业补贴, notice 一.1: a small, medium or micro enterprise that hires a graduate
of the application year on a labour contract of at least one year receives the social
insurance it pays for the hire, without the hire's own share, for a number of months set
by the city (对招用毕业年度高校毕业生并签订1年以上期限劳动合同的中小微企业，按企业为其缴纳的
最长不超过6个月社会保险费（不包括高校毕业生个人应缴纳部分）标准给予一次性吸纳就业补贴). A firm
in a contribution-deferral period may be prepaid up to a share, the rest once it resumes
(在阶段性缓缴社会保险费期限内的符合条件企业，可预拨不超过50%…余下部分在企业恢复缴纳社会保险费
后拨付). Never together with the job-expansion subsidy for the same hire."""
from __future__ import annotations

from fractions import Fraction

from ...money import floor_fen, parse_money
from ..catalog import RuleSet
from . import (Context, Decision, Explanation, LimitKey, check_applied_by, check_graduated_in_application_year, rate,
               yuan)
from .job_expansion import hire_limit

CLAUSE = "一.1"
RULE_CODE_VERSION = 1  # raise it with any change to what this module decides (see RULE_CODE_VERSIONS)
MIN_CONTRACT_MONTHS = 12  # 1年以上期限劳动合同: fixed by the notice, not left to the cities
SME_ZH = {"micro": "微型企业", "small": "小型企业", "medium": "中型企业", "large": "大型企业"}


def decide(facts: dict, rules: RuleSet, ctx: Context) -> Decision:
    if ctx.beneficiary_ref is None:
        raise ValueError("absorption is claimed for a hire")
    why = Explanation("absorption", CLAUSE, rules)
    on = ctx.application_date
    check_applied_by(why, rules, on)
    check_graduated_in_application_year(why, facts, on)
    months = facts["contract_months"]
    ok = months >= MIN_CONTRACT_MONTHS
    why.check("contract_months", ok,
              zh=f"劳动合同期限 {months} 个月，{'不少于' if ok else '少于'} {MIN_CONTRACT_MONTHS} 个月",
              en=f"a labour contract of {months} months, {'at least' if ok else 'less than'} {MIN_CONTRACT_MONTHS}")
    size = facts["enterprise_size"]
    ok = size != "large"
    why.check("enterprise_size", ok,
              zh=f"{SME_ZH[size]}，{'属于' if ok else '不属于'}中小微企业",
              en=f"a {size} enterprise, {'one of' if ok else 'not one of'} the small, medium and micro firms")
    monthly = parse_money(facts["employer_monthly_contribution"], field="facts.employer_monthly_contribution")
    covered = rules.values["months_covered"]
    entitled = monthly * covered
    why.note("amount", zh=f"单位每月为其缴纳的社会保险费（不含个人部分）× {covered} 个月",
             en=f"the employer's monthly contribution (not the graduate's share) × {covered} months",
             uses=("months_covered",), arithmetic=f"{yuan(monthly)} × {covered} = {yuan(entitled)}")
    deferred = facts.get("contribution_deferred", False)
    if deferred:
        share = rules.values["prepay_share"]
        prepayable = floor_fen(entitled * share)
        why.note("prepayment", zh=f"企业处于阶段性缓缴社会保险费期限内：可预拨不超过 {rate(share)}，余下部分恢复缴纳后拨付",
                 en=f"the firm is in a contribution-deferral period: at most {rate(share)} may be prepaid, "
                    "the rest once it resumes contributions",
                 uses=("prepay_share",), arithmetic=f"⌊{yuan(entitled)} × {rate(share)}⌋ = {yuan(prepayable)}")
        return Decision(entitled, share, False, why.steps, _limits(ctx))
    why.note("prepayment", zh="企业未处于缓缴期（或已恢复缴纳）：不预拨，全额拨付",
             en="the firm is not deferring contributions (or has resumed): no prepayment, the whole amount is paid")
    return Decision(entitled, Fraction(0), True, why.steps, _limits(ctx))


def _limits(ctx: Context) -> tuple[LimitKey, ...]:
    # 一次性: once per hire (employer and graduate), in any year; and the hire's year is
    # shared with job_expansion (not both).
    return (hire_limit(ctx),
            LimitKey(f"absorption:hire:{ctx.applicant_ref}:{ctx.beneficiary_ref}", 1,
                     "the one-off absorption subsidy once per hire (一.1: 一次性)", "count"))

