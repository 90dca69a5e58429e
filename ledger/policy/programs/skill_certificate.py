"""技能提升补贴, notice 三.12: an insured worker who obtains a vocational qualification or
skill-level certificate may apply within 12 months of it (取得证书之日起12个月内), by
level: unemployed workers who obtained it while receiving unemployment benefits
(在领取失业保险金期间取得), employees with enough months of unemployment insurance
(放宽至…参加失业保险12个月及以上). 同一职业同一等级不可重复享受，且每人每年享受补贴次数
最多不超过3次."""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

from ..catalog import RuleSet
from . import Context, Decision, Explanation, LimitKey, add_months, key_text, legacy_key_text, not_checked, yuan

CLAUSE = "三.12"
RULE_CODE_VERSION = 2  # raise it with any change to what this module decides (see RULE_CODE_VERSIONS)
LEVEL_ZH = {"primary": "初级（五级）", "intermediate": "中级（四级）", "advanced": "高级（三级）"}


def decide(facts: dict, rules: RuleSet, ctx: Context) -> Decision:
    why = Explanation("skill_certificate", CLAUSE, rules)
    on = ctx.application_date
    obtained = dt.date.fromisoformat(facts["certificate_date"])
    ok = obtained <= on
    why.check("certificate_date", ok, zh=f"取得证书日期 {obtained} {'不晚于' if ok else '晚于'}申请日期 {on}",
              en=f"the certificate dated {obtained} is {'not ' if ok else ''}later than the application date {on}")
    within = rules.values["within_months"]
    last = add_months(obtained, within)
    ok = on <= last
    why.check("within_months", ok,
              zh=f"申请日期 {on} {'在' if ok else '超过'}取得证书之日起 {within} 个月{'内' if ok else ''}（至 {last}）",
              en=f"applied {on}, {'within' if ok else 'more than'} {within} months of the certificate (until {last})",
              uses=("within_months",), arithmetic=f"{obtained} + {within} months = {last}")
    _route(facts, rules, why, obtained)
    level = facts["level"]
    amount = rules.values[level]
    why.note("amount", zh=f"{LEVEL_ZH[level]}证书 {yuan(amount)} 元", en=f"a {level} certificate: {yuan(amount)}",
             uses=(level,), arithmetic=f"{yuan(amount)}")
    return Decision(amount, Fraction(0), True, why.steps, _limits(facts, rules, ctx))


def _route(facts: dict, rules: RuleSet, why: Explanation, obtained: dt.date) -> None:
    if facts["receiving_ui_benefits"]:
        first, last = rules.values.get("unemployed_route_from"), rules.values.get("unemployed_route_until")
        if first is None or last is None:
            why.note("unemployed_route", zh="在领取失业保险金期间取得证书（参保失业人员）",
                     en="certificate obtained while receiving unemployment benefits (insured unemployed route)")
            not_checked(why, "unemployed_route_window")
            return
        ok = first <= obtained <= last
        why.check("unemployed_route", ok,
                  zh=f"在领取失业保险金期间取得证书（参保失业人员），证书日期 {obtained} "
                     f"{'在' if ok else '不在'} {first} 至 {last} 之间",
                  en=f"certificate obtained while receiving unemployment benefits (insured unemployed route), "
                     f"dated {obtained}, {'within' if ok else 'outside'} {first} to {last}",
                  uses=("unemployed_route_from", "unemployed_route_until"),
                  arithmetic=f"{first} ≤ {obtained} ≤ {last}" if ok else f"{obtained} ∉ [{first}, {last}]")
        return
    months, needed = facts["ui_contribution_months"], rules.values["min_contribution_months"]
    ok = months >= needed
    why.check("contribution_months", ok,
              zh=f"参加失业保险 {months} 个月，{'达到' if ok else '不足'} {needed} 个月（参保职工）",
              en=f"{months} months of unemployment-insurance contributions, {'at least' if ok else 'fewer than'} "
                 f"the {needed} an employee needs", uses=("min_contribution_months",),
              arithmetic=f"{months} {'≥' if ok else '<'} {needed}")


def _limits(facts: dict, rules: RuleSet, ctx: Context) -> tuple[LimitKey, ...]:
    per_year = rules.values["max_per_year"]
    level = facts["level"]
    # Keys in normal form (F12): ＺＳ２０２６０００１, ZS-20260001 and zs 2026 0001 are one certificate.
    certificate = "skill_certificate:certificate:{}"
    occupation = f"skill_certificate:occupation:{ctx.applicant_ref}:{{}}:{level}"
    return (
        LimitKey(certificate.format(key_text(facts["certificate_no"])), 1, "a certificate number once (三.12)",
                 legacy=_legacy(certificate, facts["certificate_no"])),
        LimitKey(occupation.format(key_text(facts["occupation"])), 1,
                 "the same occupation and level once per person (三.12: 同一职业同一等级不可重复享受)",
                 legacy=_legacy(occupation, facts["occupation"])),
        LimitKey(f"skill_certificate:year:{ctx.applicant_ref}:{ctx.application_date.year}", per_year,
                 f"at most {per_year} skill_certificate subsidies per person per calendar year (三.12)", "count"),
    )


def _legacy(pattern: str, text: str) -> tuple[str, ...]:
    old, new = pattern.format(legacy_key_text(text)), pattern.format(key_text(text))
    return (old,) if old != new else ()
