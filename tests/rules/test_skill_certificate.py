"""三.12 技能提升补贴: by certificate level, within within_months of the certificate, for the
insured unemployed (a certificate obtained while receiving benefits, dated 2022-01-01 to
2022-12-31) or for employees with min_contribution_months of contributions; a certificate
once, an occupation and level once per person, at most max_per_year a person and year."""
from __future__ import annotations

from ledger.policy.programs import add_months

from .table import PERSON, Case, D, Limit, Table, Version, invalid, not_eligible, table

TABLE = Table("skill_certificate", facts={"level": "intermediate", "occupation": "焊工", "certificate_no": "S2022-0001",
                                          "certificate_date": "2022-06-15", "ui_contribution_months": 0,
                                          "receiving_ui_benefits": True},
              on=D(2022, 7, 1), region="210102", kind="person", applicant=PERSON, beneficiary=None)
UNEMPLOYED_STEPS = ("certificate_date", "within_months", "unemployed_route", "amount")
EMPLOYEE_STEPS = ("certificate_date", "within_months", "contribution_months", "amount")
# Outside 三.12's figure (= 12): a version an earlier release could record, read as recorded.
WITHIN_6_MONTHS = (Version("within_months", 6, region="210100", stored=True),)
SHENYANG_2_A_YEAR_FROM_SEPTEMBER = (Version("max_per_year", 2, region="210100", effective_from=D(2022, 9, 1),
                                            source="Shenyang"),)


def employee(months: int, **change) -> dict:
    return {"receiving_ui_benefits": False, "ui_contribution_months": months, **change}


def limits(year: int, per_year: int = 3, certificate: str = "S20220001", legacy: str | None = "S2022-0001",
           occupation: str = "焊工", old_occupation: str | None = None) -> tuple[Limit, ...]:
    """The keys in normal form (DOMAIN.md F12), with the earlier form where it differs."""
    return (Limit(f"skill_certificate:certificate:{certificate}", 1, "once", "a certificate number once",
                  legacy=(f"skill_certificate:certificate:{legacy}",) if legacy else ()),
            Limit(f"skill_certificate:occupation:{PERSON}:{occupation}:intermediate", 1, "once",
                  "同一职业同一等级不可重复享受",
                  legacy=(f"skill_certificate:occupation:{PERSON}:{old_occupation}:intermediate",)
                  if old_occupation else ()),
            Limit(f"skill_certificate:year:{PERSON}:{year}", per_year, "count",
                  f"at most {per_year} skill_certificate subsidies per person per calendar year"))


CASES = [
    *[Case(f"{level}_certificate_is_{amount}", "三.12: 初级（五级）…中级（四级）…高级（三级）…元",
           facts={"level": level}, entitled=f"{amount}.00", prepay=0, ready=True,
           cites={"amount": ({"name": level, "value": f"{amount}.00"},)})
      for level, amount in (("primary", 1000), ("intermediate", 1500), ("advanced", 2000))],
    Case("unemployed_route_needs_no_contribution_months", "三.12: 在领取失业保险金期间取得…证书的参保失业人员",
         entitled="1500.00", steps=UNEMPLOYED_STEPS, limits=limits(2022),
         arithmetic={"unemployed_route": "2022-01-01 ≤ 2022-06-15 ≤ 2022-12-31",
                     "within_months": "2022-06-15 + 12 months = 2023-06-15"},
         cites={"certificate_date": (), "within_months": ("within_months",),
                "unemployed_route": ("unemployed_route_from", "unemployed_route_until"), "amount": ("intermediate",)}),
    # ---- employees: 12 months of contributions until 2022-12-31, 36 from 2023-01-01
    Case("employee_with_12_months_in_2022_qualifies", "三.12: 2022年12月31日前…放宽至…参加失业保险12个月及以上",
         on=D(2022, 12, 31), facts=employee(12, certificate_date="2022-12-01"), entitled="1500.00",
         steps=EMPLOYEE_STEPS, arithmetic={"contribution_months": "12 ≥ 12"}),
    Case("employee_with_11_months_in_2022_is_refused", "三.12: 参加失业保险12个月及以上", on=D(2022, 12, 31),
         facts=employee(11, certificate_date="2022-12-01"),
         refused=not_eligible("skill_certificate.contribution_months"),
         arithmetic={"contribution_months": "11 < 12"},
         cites={"contribution_months": ({"name": "min_contribution_months", "value": 12},)}),
    Case("employee_with_36_months_from_2023_qualifies", "三.12: from 2023-01-01 the 2017 national rule's 36 months",
         on=D(2023, 1, 1), facts=employee(36, certificate_date="2022-12-01"), entitled="1500.00"),
    Case("employee_with_35_months_from_2023_is_refused", "三.12: 36 months from 2023-01-01", on=D(2023, 1, 1),
         facts=employee(35, certificate_date="2022-12-01"),
         refused=not_eligible("skill_certificate.contribution_months"),
         cites={"contribution_months": ({"name": "min_contribution_months", "value": 36,
                                         "source": "the 2017 national rule"},)}),
    Case("employee_with_12_months_from_2023_is_refused", "三.12: the relaxation ended on 2022-12-31", on=D(2023, 1, 1),
         facts=employee(12, certificate_date="2022-12-01"),
         refused=not_eligible("skill_certificate.contribution_months")),
    # ---- within 12 months of the certificate (取得证书之日起12个月内)
    Case("applied_on_the_certificate_anniversary", "三.12: 取得证书之日起12个月内", on=D(2023, 6, 15),
         entitled="1500.00"),
    Case("applied_the_day_after_the_anniversary_is_refused", "三.12: 取得证书之日起12个月内", on=D(2023, 6, 16),
         refused=not_eligible("skill_certificate.within_months"),
         arithmetic={"within_months": "2022-06-15 + 12 months = 2023-06-15"}),
    Case("six_months_from_31_august_end_on_28_february", "三.12: within_months of a city, clamped to the month's end",
         versions=WITHIN_6_MONTHS, facts={"certificate_date": "2022-08-31"}, on=D(2023, 2, 28), entitled="1500.00"),
    Case("six_months_from_31_august_not_on_1_march", "三.12: within_months of a city", versions=WITHIN_6_MONTHS,
         facts={"certificate_date": "2022-08-31"}, on=D(2023, 3, 1),
         refused=not_eligible("skill_certificate.within_months")),
    Case("certificate_dated_the_application_date_counts", "三.12: a certificate obtained by the application date",
         facts={"certificate_date": "2022-07-01"}, entitled="1500.00"),
    Case("certificate_dated_the_day_after_is_refused", "三.12: a certificate obtained by the application date",
         facts={"certificate_date": "2022-07-02"}, refused=not_eligible("skill_certificate.certificate_date")),
    # ---- the unemployed route's window (2022年1月1日至12月31日…在领取失业保险金期间取得)
    Case("unemployed_route_certificate_of_2022-01-01_passes", "三.12: 2022年1月1日至12月31日",
         facts={"certificate_date": "2022-01-01"}, entitled="1500.00"),
    Case("unemployed_route_certificate_of_2021-12-31_is_refused", "三.12: 2022年1月1日至12月31日",
         facts={"certificate_date": "2021-12-31"}, refused=not_eligible("skill_certificate.unemployed_route"),
         arithmetic={"unemployed_route": "2021-12-31 ∉ [2022-01-01, 2022-12-31]"},
         cites={"unemployed_route": ({"name": "unemployed_route_from", "value": "2022-01-01"},
                                     {"name": "unemployed_route_until", "value": "2022-12-31"})}),
    Case("unemployed_route_certificate_of_2022-12-31_passes", "三.12: 2022年1月1日至12月31日", on=D(2023, 1, 5),
         facts={"certificate_date": "2022-12-31"}, entitled="1500.00"),
    Case("unemployed_route_certificate_of_2023-01-01_is_refused", "三.12: 2022年1月1日至12月31日", on=D(2023, 1, 5),
         facts={"certificate_date": "2023-01-01"}, refused=not_eligible("skill_certificate.unemployed_route")),
    Case("employee_route_is_not_bound_to_the_window", "三.12: 参保职工取得…证书的，可按规定申请",
         facts=employee(12, certificate_date="2021-12-31"), entitled="1500.00", steps=EMPLOYEE_STEPS),
    Case("v1_rules_without_the_window_decide_as_before", "三.12 under the rules recorded before the revision of "
         "2026-11-30 (RuleSet.from_wire without the window)",
         without=("unemployed_route_from", "unemployed_route_until"),
         facts={"certificate_date": "2021-12-31"}, entitled="1500.00",
         steps=("certificate_date", "within_months", "unemployed_route", "unemployed_route_window", "amount"),
         cites={"unemployed_route": ()}),
    # ---- a certificate once; an occupation and level once; at most 3 a year
    Case("limits_certificate_occupation_and_year", "三.12: 同一职业同一等级不可重复享受，且每人每年享受补贴次数最多不超过3次",
         on=D(2022, 12, 31), facts={"certificate_no": " s2022-0001 "}, limits=limits(2022)),
    # ---- keys in normal form (DOMAIN.md F12): one certificate however it is typed
    *[Case(f"certificate_number_in_normal_form_{i}", "三.12 a certificate once; DOMAIN.md F12 keys in normal form",
           facts={"certificate_no": typed}, limits=limits(2022, certificate="ZS20260001", legacy=legacy))
      for i, (typed, legacy) in enumerate((("ZS20260001", None), ("ＺＳ２０２６０００１", "ＺＳ２０２６０００１"),
                                           ("ZS-20260001", "ZS-20260001"), ("zs 2026\u200b0001", "ZS2026\u200b0001"),
                                           ("ZS·2026／0001", "ZS·2026／0001")))],
    Case("occupation_in_normal_form", "三.12 同一职业同一等级; DOMAIN.md F12: ＣＡＤ制图员 = CAD制图员",
         facts={"occupation": "ＣＡＤ 制图员", "certificate_no": "S20220001"},
         limits=limits(2022, legacy=None, occupation="CAD制图员", old_occupation="ＣＡＤ制图员")),
    Case("the_yearly_count_is_the_calendar_year_of_application", "三.12: 每人每年 by application date",
         on=D(2023, 1, 2), facts={"certificate_date": "2022-12-01"}, limits=limits(2023)),
    Case("max_per_year_lowered_applies_from_its_date", "DOMAIN.md: a count limit is read on the later claim's own "
         "application date", versions=SHENYANG_2_A_YEAR_FROM_SEPTEMBER, on=D(2022, 9, 1), limits=limits(2022, 2)),
    Case("max_per_year_lowered_not_for_a_claim_before_it", "DOMAIN.md: the count limit in force on the claim's date",
         versions=SHENYANG_2_A_YEAR_FROM_SEPTEMBER, on=D(2022, 8, 31), limits=limits(2022, 3)),
    Case("nothing_comes_later", "DOMAIN.md facts: no later facts", later={"ui_contribution_months": 36},
         refused=invalid("facts.ui_contribution_months", "cannot change after submission")),
]


@table(CASES)
def test_skill_certificate(case: Case) -> None:
    TABLE.check(case)


def test_add_months_clamps_the_day_to_the_end_of_the_month():
    """三.12 取得证书之日起12个月内: calendar months, the day clamped to the month's end."""
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2022, 1, 31), 1) == D(2022, 2, 28)
    assert add_months(D(2022, 11, 30), 3) == D(2023, 2, 28)
    assert add_months(D(2022, 6, 15), 12) == D(2023, 6, 15)
