"""创业场地补贴, notice 二.6: a graduate who, outside any incubation base or park, rents a
venue for a first small or micro business or self-employment that has operated normally
for at least 6 months since registration receives the rent for the actual lease, for at
most 24 months; a city may prepay up to 6 months of it (对没有进入创业孵化基地（园区），租赁
场地首次创办小微企业或从事个体经营，且所创办企业或个体工商户自工商登记注册之日起正常运营6个月
以上的高校毕业生，按照实际租赁期限相应给予创业场地补贴，补贴期限最长不超过24个月，有条件的市
可预拨不超过6个月的补贴资金)."""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

from ...errors import Duplicate
from ...money import floor_fen, parse_money
from ..catalog import RuleSet
from . import (Context, Decision, Explanation, add_months, check_graduate_on, check_graduate_within, graduate_of,
               not_checked, rate, yuan)

CLAUSE = "二.6"
RULE_CODE_VERSION = 2  # raise it with any change to what this module decides (see RULE_CODE_VERSIONS)
MIN_OPERATING_MONTHS = 6  # 正常运营6个月以上: fixed by the notice, not left to the cities


def decide(facts: dict, rules: RuleSet, ctx: Context) -> Decision:
    why = Explanation("startup_venue", CLAUSE, rules)
    on = ctx.application_date
    since = dt.date.fromisoformat(facts["operating_since"])
    if not check_graduate_on(why, facts, rules, since, what_zh="工商登记注册（正常运营起始）日期",
                             what_en="the business registered (operating since)"):
        check_graduate_within(why, facts, rules, on)
    inside = facts["in_incubator"]
    why.check("in_incubator", not inside,
              zh="已进入创业孵化基地（园区）" if inside else "未进入创业孵化基地（园区）",
              en="the business is in an incubation base or park" if inside
              else "the business is not in an incubation base or park")
    first = facts.get("first_business")
    if first is None:
        not_checked(why, "first_business")
    else:
        why.check("first_business", first, zh="租赁场地首次创办" if first else "非首次创办",
                  en="the graduate's first business on a rented venue" if first else "not the graduate's first business")
    ready = add_months(since, MIN_OPERATING_MONTHS)
    ok = ready <= on
    why.check("operating_months", ok,
              zh=f"自 {since} 起正常运营，至申请日期 {on} {'已满' if ok else '不满'} {MIN_OPERATING_MONTHS} 个月（满于 {ready}）",
              en=f"operating since {since}: {'at least' if ok else 'less than'} {MIN_OPERATING_MONTHS} months "
                 f"on the application date {on} (reached on {ready})",
              arithmetic=f"{since} + {MIN_OPERATING_MONTHS} months = {ready} {'≤' if ok else '>'} {on}")
    rent = parse_money(facts["monthly_rent"], field="facts.monthly_rent")
    claimed, longest = facts["months"], rules.values["max_months"]
    graduate, business = graduate_of(ctx), ctx.applicant_ref
    key = f"startup_venue:graduate:{graduate}"
    # 首次创办 (F7): one business per graduate, as a person or through any company of theirs.
    others = sorted({tag for tag, _ in ctx.prior(key).tags if tag != business})
    if others:
        step = {"rule": "startup_venue.first_business_once", "clause": CLAUSE, "passed": False,
                "zh": "该毕业生已就另一创业实体享受场地补贴（首次创办）", "parameters": [], "arithmetic": "",
                "en": "the graduate already receives the venue subsidy for another business (a first business only)"}
        why.steps.append(step)
        raise Duplicate(f"startup_venue.first_business_once: {step['en']}")
    # 补贴期限最长不超过2年 per graduate, across all of their claims; claims stored while the
    # cap was per business count under that key too.
    counted = why.cap(ctx, key, longest, claimed, unit="months", what_zh="同一毕业生创业的场地补贴期限",
                      what_en="subsidised months per graduate", uses=("max_months",), tag=business,
                      legacy_key=f"startup_venue:business:{business}")
    entitled = rent * counted
    why.note("amount", zh=f"月租金 × {counted} 个月", en=f"the monthly rent × {counted} months",
             arithmetic=f"{yuan(rent)} × {counted} = {yuan(entitled)}")
    prepay_months = rules.values["prepay_months"]
    months = min(prepay_months, counted)
    share = Fraction(months, counted)
    prepayable = floor_fen(entitled * share)
    why.note("prepayment", zh=f"可预拨不超过 {prepay_months} 个月的补贴资金",
             en=f"at most {prepay_months} months' rent may be prepaid", uses=("prepay_months",),
             arithmetic=f"min({prepay_months}, {counted}) / {counted} = {rate(share)}; "
                        f"⌊{yuan(entitled)} × {rate(share)}⌋ = {yuan(prepayable)}")
    return Decision(entitled, share, True, why.steps, (), tuple(why.caps))
