"""见习示范基地奖补, notice 一.3: a unit approved as a national or provincial model base for
youth internships receives a one-off award (对获批国家、省青年就业见习示范基地的单位，分别按
规定给予10万元、5万元一次性奖补), once per base and level."""
from __future__ import annotations

from fractions import Fraction

from ..catalog import RuleSet
from . import Context, Decision, Explanation, LimitKey, yuan

CLAUSE = "一.3"
RULE_CODE_VERSION = 1  # raise it with any change to what this module decides (see RULE_CODE_VERSIONS)
LEVEL_ZH = {"national": "国家级", "provincial": "省级"}
AWARD = {"national": "national_award", "provincial": "provincial_award"}


def decide(facts: dict, rules: RuleSet, ctx: Context) -> Decision:
    why = Explanation("internship_base_award", CLAUSE, rules)
    level = facts["level"]
    why.check("level", level in AWARD,
              zh=f"获批{LEVEL_ZH.get(level, level)}青年就业见习示范基地",
              en=f"approved as a {level} model base for youth internships")
    parameter = AWARD[level]
    award = rules.values[parameter]
    why.note("amount", zh=f"{LEVEL_ZH[level]}示范基地一次性奖补 {yuan(award)} 元",
             en=f"a {level} model base: {yuan(award)}, once", uses=(parameter,), arithmetic=f"{yuan(award)}")
    why.note("prepayment", zh="不预拨", en="no prepayment")
    once = LimitKey(f"internship_base_award:{ctx.applicant_ref}:{level}", 1,
                    f"a {level} model internship base is awarded once (一.3)")
    return Decision(award, Fraction(0), True, why.steps, (once,))
