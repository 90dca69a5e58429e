"""The policy catalog: programs and their facts, parameters by region and date, rule
versions. No database, no HTTP."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
import tomllib
from fractions import Fraction
from pathlib import Path

import pytest

from ledger.errors import NotEligible, NotFound, ValidationFailed
from ledger.policy import Catalog, FactSpec, ParameterValue, Program, RuleSet, load_catalog, region_chain
from ledger.policy.catalog import catalog_from_data, format_rate
from ledger.policy import programs as rule_modules
from ledger.policy.programs import RULES

CATALOG = load_catalog()
D = dt.date
DATA = Path(__file__).resolve().parents[1] / "ledger" / "policy"


def toml(name: str) -> dict:
    return tomllib.loads((DATA / name).read_text(encoding="utf-8"))


def city(name: str, raw: object, *, program: str = "internship", region: str = "210100",
         start: D = D(2022, 7, 1), end: D | None = None) -> ParameterValue:
    return CATALOG.parameter_version(program, name, raw, region=region, effective_from=start,
                                     source="Shenyang notice 2022-07", effective_to=end)


# ---- programs ------------------------------------------------------------------------


def test_catalog_lists_programs_in_the_order_of_the_notice_each_with_a_rule_function():
    """一.1 to 三.12, then the four programs the plans fund (DOMAIN.md "New programs"),
    displayed in that order; every one decidable."""
    assert list(CATALOG.programs) == list(FIFTEEN)
    assert list(RULES) == list(CATALOG.programs)


# DOMAIN "Programs" and "Facts each program takes" (with "Conditions the notice adds"):
# clause, funds (first = default), applicants, beneficiary role, and the facts in order with
# the ones not required at submission (later, or one of a group).
FIFTEEN = {
    "job_expansion": ("一.1", ("unemployment_insurance",), ("enterprise",), "graduate",
                      ["graduation_year", "contract_start", "unemployment_insured"], []),
    "absorption": ("一.1", ("employment_subsidy",), ("enterprise",), "graduate",
                   ["graduation_year", "contract_months", "enterprise_size", "employer_monthly_contribution",
                    "contribution_deferred"], ["contribution_deferred"]),
    "social_insurance": ("一.1", ("employment_subsidy",), ("enterprise", "institution"), "graduate",
                         ["graduation_year", "diploma_date", "hired_on", "period_start", "registered_unemployed",
                          "contract_months", "enterprise_size", "employer_monthly_contribution", "months",
                          "retained_intern"], []),
    "flexible_social_insurance": ("一.2", ("employment_subsidy",), ("person",), "self",
                                  ["left_school_on", "monthly_contribution", "months", "period_start"], []),
    "internship": ("一.3", ("employment_subsidy",), ("enterprise", "institution"), "intern",
                   ["term_months", "intern_category", "started_on", "left_school_on", "graduation_year",
                    "months_served", "left_for_employment"], ["months_served", "left_for_employment"]),
    "internship_base_award": ("一.3", ("employment_subsidy",), ("enterprise", "institution"), "self", ["level"], []),
    "entrepreneurship_training": ("二.4", ("skill_upgrade_account", "employment_subsidy"), ("institution",),
                                  "trainee", ["course", "graduation_year", "course_started_on"], []),
    "startup": ("二.5", ("employment_subsidy",), ("person",), "self",
                ["first_business", "guaranteed_loan", "new_industry", "registered_on", "business_form",
                 "graduation_year", "diploma_date"], []),
    "startup_venue": ("二.6", ("employment_subsidy",), ("person", "enterprise"), "self",
                      ["monthly_rent", "months", "in_incubator", "operating_since", "first_business",
                       "graduation_year", "diploma_date"], []),
    "loan_interest": ("二.7", ("inclusive_finance",), ("person", "enterprise"), "self",
                      ["loan_principal", "loan_term_months", "interest_due", "loan_contract_no", "graduation_year",
                       "diploma_date"],
                      []),
    "job_search": ("二.8", ("employment_subsidy",), ("person",), "self", ["graduation_year", "hardship_category"], []),
    "incubator_support": ("二.9", ("employment_subsidy",), ("institution", "enterprise"), "self",
                          ["eligible_costs"], []),
    "career_switch_training": ("三.10", ("skill_upgrade_account", "employment_subsidy"), ("institution",), "trainee",
                               ["months", "left_school_on", "graduation_year"], ["left_school_on", "graduation_year"]),
    "apprenticeship": ("三.11", ("skill_upgrade_account", "employment_subsidy"), ("enterprise",), "apprentice",
                       ["level", "shortage_occupation", "contract_months", "certificate_no", "graduation_year",
                        "diploma_date", "completed"], ["completed"]),
    "skill_certificate": ("三.12", ("unemployment_insurance",), ("person",), "self",
                          ["level", "occupation", "certificate_no", "certificate_date", "ui_contribution_months",
                           "receiving_ui_benefits"], []),
    # DOMAIN.md "New programs (revision of 2026-12-07)": the notice's 一.2 and 四.14, then the
    # care plan's (辽政办发〔2022〕32号) 三.2 and 三.5.
    "flexible_graduate_training": ("一.2", ("skill_upgrade_account", "employment_subsidy"), ("institution",),
                                   "trainee", ["diploma_date", "flexible_since", "course_started_on", "level",
                                               "certificate_no"], []),
    "public_welfare_post": ("四.14", ("employment_subsidy",), ("institution", "enterprise"), "graduate",
                            ["hardship_category", "diploma_date", "placed_on", "period_start",
                             "employer_monthly_contribution", "months"], []),
    "care_institution_social_insurance": ("三.2", ("employment_subsidy",), ("institution", "enterprise"), "worker",
                                          ["institution_type", "hardship_certified", "hired_on", "period_start",
                                           "employer_monthly_contribution", "months"], []),
    "care_worker_training": ("三.5", ("skill_upgrade_account", "employment_subsidy"), ("institution",), "trainee",
                             ["occupation", "level", "certificate_no", "certificate_date", "employed_in_care"], []),
}


@pytest.mark.parametrize("code", list(FIFTEEN))
def test_every_program_follows_the_domain_tables(code):
    """一.1 to 三.12: clause, funds, applicants, beneficiary, and a closed fact schema per DOMAIN."""
    clause, funds, kinds, role, facts, later = FIFTEEN[code]
    program = CATALOG.program(code)
    assert (program.clause, program.fund_types, program.applicant_kinds, program.beneficiary_role) == (
        clause, funds, kinds, role)
    assert program.beneficiary == (role != "self")
    assert program.name_zh and program.name_en and program.payee_kind and program.prepayment
    schema = program.facts_schema()
    assert list(schema["properties"]) == facts
    # Optional: graduation_year beside diploma_date, and the facts of one intern category.
    optional = {"graduation_year", "left_school_on"} if code in (
        "social_insurance", "startup", "startup_venue", "loan_interest", "apprenticeship", "internship") else set()
    assert schema["required"] == [f for f in facts if f not in later and f not in optional]
    assert schema["additionalProperties"] is False
    assert all(spec.description for spec in program.facts)


@pytest.mark.parametrize("code", list(FIFTEEN))
def test_every_program_resolves_its_province_defaults_from_the_notice_date(code):
    """Parameters table: region 210000 from 2022-06-04, each with a source; nothing the day before."""
    rules = CATALOG.resolve(code, "210102", D(2022, 6, 4))
    assert set(rules.values) == set(CATALOG.program(code).parameter_names())
    for origin in rules.provenance_wire().values():
        assert (origin["region"], origin["effective_from"]) == ("210000", "2022-06-04") and origin["source"]
    with pytest.raises(NotEligible):
        CATALOG.resolve(code, "210102", D(2022, 6, 3))


def test_province_defaults_are_the_domain_table():
    """Parameters table: every default as DOMAIN.md gives it; the flexible share is the fraction 2/3."""
    defaults = {code: CATALOG.resolve(code, "210000", D(2022, 7, 1)).wire() for code in CATALOG.programs}
    table = {
        "job_expansion": {"per_hire": "1500.00", "apply_until": "2022-12-31"},
        "absorption": {"months_covered": 6, "prepay_share": "0.5", "apply_until": "2022-12-31"},
        "social_insurance": {"max_months": 12, "prepay_share": "0.5"},
        "flexible_social_insurance": {"share": "2/3", "max_months": 24, "extension_months": 0, "within_years": 2},
        "internship": {"living_allowance": "1000.00", "management_fee": "150.00", "max_term_months": 12,
                       "prepay_share": "0.5", "full_term_rule_until": "2022-12-31"},
        "internship_base_award": {"national_award": "100000.00", "provincial_award": "50000.00"},
        "entrepreneurship_training": {"gyb_amount": "500.00", "syb_amount": "2000.00"},
        "startup": {"amount": "5000.00", "new_industry_uplift": "0.3", "graduate_within_years": 5},
        "startup_venue": {"max_months": 24, "prepay_months": 6, "graduate_within_years": 5},
        "loan_interest": {"max_principal": "200000.00", "max_term_months": 36, "graduate_within_years": 5,
                          "max_annual_rate": "0.052"},
        "job_search": {"amount": "1000.00"},
        "incubator_support": {"share": "1", "cap": "200000.00"},
        "career_switch_training": {"monthly_rate": "1000.00", "within_years": 3, "max_months_per_year": 6},
        "apprenticeship": {"intermediate": "5000.00", "advanced": "6000.00", "technician": "7000.00",
                           "senior_technician": "8000.00", "shortage_uplift": "0.3", "prepay_share": "0.5",
                           "graduate_within_years": 5},
        "skill_certificate": {"primary": "1000.00", "intermediate": "1500.00", "advanced": "2000.00",
                              "within_months": 12, "max_per_year": 3, "min_contribution_months": 12,
                              "unemployed_route_from": "2022-01-01", "unemployed_route_until": "2022-12-31"},
        "flexible_graduate_training": {"primary": "1000.00", "intermediate": "1500.00", "advanced": "2000.00",
                                       "graduate_within_years": 5},
        "public_welfare_post": {"post_subsidy_monthly": "1000.00", "max_months": 36, "graduate_within_years": 5},
        "care_institution_social_insurance": {"max_months": 36},
        "care_worker_training": {"primary": "1000.00", "intermediate": "1500.00", "advanced": "2000.00"},
    }
    # Every program has a public notice (公示) of publicity_days; the province default is none.
    assert defaults == {code: {**values, "publicity_days": 0} for code, values in table.items()}
    assert CATALOG.resolve("flexible_social_insurance", "210000", D(2022, 7, 1)).values["share"] == Fraction(2, 3)
    sources = {(code, name): pv.source for code in CATALOG.programs
               for name, pv in CATALOG.resolve(code, "210000", D(2022, 7, 1)).provenance.items()}
    assert sources[("absorption", "months_covered")] == "the notice's ceiling; Tieling chose 2"
    assert sources[("startup", "amount")] == sources[("incubator_support", "cap")] == "assumed"
    assert sources[("career_switch_training", "monthly_rate")] == "assumed"
    # A province value cites the notice, a national rule or a local assumption, never a city
    # alone (DOMAIN.md, "Floors, corrections, objections, texts").
    assert sources[("job_search", "amount")] == "local assumption: Dalian's figure"
    assert sources[("entrepreneurship_training", "syb_amount")] == "local assumption: Liaoning practice"
    assert not {source for source in sources.values() if source.split(" ")[0] in ("Dalian", "Shenyang", "Anshan",
                                                                                   "Liaoning", "Tieling")}


def test_program_metadata_follows_the_notice():
    """一.1, 一.3, 三.11, 三.12: clause, funds (first = default), applicants and beneficiary."""
    je, it, ap, sc = (CATALOG.program(c) for c in ("job_expansion", "internship", "apprenticeship",
                                                    "skill_certificate"))
    assert (je.clause, je.fund_types, je.applicant_kinds, je.beneficiary) == (
        "一.1", ("unemployment_insurance",), ("enterprise",), True)
    assert (it.clause, it.fund_types, it.applicant_kinds, it.beneficiary) == (
        "一.3", ("employment_subsidy",), ("enterprise", "institution"), True)
    assert (ap.clause, ap.fund_types, ap.beneficiary) == ("三.11", ("skill_upgrade_account", "employment_subsidy"), True)
    assert (sc.clause, sc.fund_types, sc.applicant_kinds, sc.beneficiary) == (
        "三.12", ("unemployment_insurance",), ("person",), False)
    assert je.name_zh == "一次性扩岗补助" and sc.payee_kind == "person"


def test_rule_modules_cite_the_clause_of_their_program():
    """Each rule function cites the same clause as the catalog."""
    for code in CATALOG.programs:
        module = getattr(rule_modules, code)
        assert RULES[code] is module.decide
        assert module.CLAUSE == CATALOG.program(code).clause


def test_unknown_program_is_not_found():
    """GET /programs/{code}: an unknown code is 404."""
    with pytest.raises(NotFound):
        CATALOG.program("absorption_typo")
    with pytest.raises(NotFound):
        CATALOG.resolve("nope", "210000", D(2022, 7, 1))


# ---- facts ---------------------------------------------------------------------------


MONEY_PROGRAM = Program(
    code="demo", name_zh="演示", name_en="Demo", clause="一.1", fund_types=("employment_subsidy",),
    applicant_kinds=("enterprise",), payee_kind="enterprise", beneficiary=False,
    facts=(FactSpec("rent", "money"), FactSpec("since", "date"), FactSpec("months", "int", minimum=1, maximum=24),
           FactSpec("resumed", "bool", later=True)),
    prepayment="none")


def test_facts_schema_is_a_closed_object_requiring_the_non_later_facts():
    """一.3: months_served and left_for_employment may come later, so they are not required."""
    schema = CATALOG.program("internship").facts_schema()
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    assert "2020-12" in schema["$schema"]
    assert schema["required"] == ["term_months", "intern_category", "started_on"]
    assert schema["properties"]["term_months"]["type"] == "integer"
    assert schema["properties"]["term_months"]["minimum"] == 1
    assert schema["properties"]["left_for_employment"]["type"] == "boolean"
    assert schema["properties"]["months_served"]["x-later"] is True


def test_facts_schema_types_for_money_date_enum_and_text():
    """Money is a two-decimal string, a date a string in date format, an enum its choices."""
    demo = MONEY_PROGRAM.facts_schema()["properties"]
    assert demo["rent"]["type"] == "string" and re.match(demo["rent"]["pattern"], "1500.00")
    assert not re.match(demo["rent"]["pattern"], "1500.0")
    assert demo["since"]["type"] == "string" and demo["since"]["format"] == "date"
    # The declared range of a fact's date (ledger/limits.py) is published with it.
    assert re.match(demo["since"]["pattern"], "1950-01-01") and re.match(demo["since"]["pattern"], "2099-12-31")
    assert not re.match(demo["since"]["pattern"], "1949-12-31") and not re.match(demo["since"]["pattern"], "9999-12-31")
    assert (demo["months"]["minimum"], demo["months"]["maximum"]) == (1, 24)
    sc = CATALOG.program("skill_certificate").facts_schema()["properties"]
    assert sc["level"] == {"type": "string", "enum": ["primary", "intermediate", "advanced"],
                           "description": sc["level"]["description"]}
    assert (sc["occupation"]["minLength"], sc["occupation"]["maxLength"]) == (1, 200)
    assert re.match(sc["occupation"]["pattern"], "电工") and not re.match(sc["occupation"]["pattern"], "电\x00工")


def test_validate_facts_returns_canonical_json_values():
    """Facts come back JSON-native and in declaration order."""
    facts = MONEY_PROGRAM.validate_facts({"months": 3, "since": "2022-07-01", "rent": "1500.00"})
    assert list(facts.items()) == [("rent", "1500.00"), ("since", "2022-07-01"), ("months", 3)]
    sc = CATALOG.program("skill_certificate").validate_facts({
        "level": "primary", "occupation": "焊工", "certificate_no": "S-1", "certificate_date": "2022-07-01",
        "ui_contribution_months": 12, "receiving_ui_benefits": False})
    assert sc["occupation"] == "焊工" and sc["receiving_ui_benefits"] is False


# The facts that say who an intern is (一.3; DOMAIN.md, Graduates, hires, interns).
INTERN = {"intern_category": "graduate_left", "started_on": "2022-07-01", "left_school_on": "2022-06-30"}

@pytest.mark.parametrize("facts, field", [
    ({**INTERN, "term_months": 3, "bonus": 1}, "facts.bonus"),
    ({}, "facts.term_months"),
    ({**INTERN, "term_months": True}, "facts.term_months"),
    ({**INTERN, "term_months": 3.0}, "facts.term_months"),
    ({**INTERN, "term_months": "3"}, "facts.term_months"),
    ({**INTERN, "term_months": 0}, "facts.term_months"),
    ({**INTERN, "term_months": 3, "months_served": -1}, "facts.months_served"),
    ({**INTERN, "term_months": 3, "left_for_employment": 1}, "facts.left_for_employment"),
    ({"term_months": 3, "started_on": "2022-07-01"}, "facts.intern_category"),
    ({**INTERN, "term_months": 3, "intern_category": "retiree"}, "facts.intern_category"),
])
def test_validate_facts_refuses_unknown_missing_and_mistyped_facts(facts, field):
    """DOMAIN facts table: unknown facts, missing facts and wrong types are 422 naming the fact."""
    with pytest.raises(ValidationFailed) as refused:
        CATALOG.program("internship").validate_facts(facts)
    assert refused.value.field == field


@pytest.mark.parametrize("facts, field", [
    ({"rent": 1500, "since": "2022-07-01", "months": 3}, "facts.rent"),
    ({"rent": 1500.0, "since": "2022-07-01", "months": 3}, "facts.rent"),
    ({"rent": "1500", "since": "2022-07-01", "months": 3}, "facts.rent"),
    ({"rent": "0.00", "since": "2022-07-01", "months": 3}, "facts.rent"),
    ({"rent": "1.00", "since": "2022/07/01", "months": 3}, "facts.since"),
    ({"rent": "1.00", "since": "20220701", "months": 3}, "facts.since"),
    ({"rent": "1.00", "since": "2022-02-30", "months": 3}, "facts.since"),
    ({"rent": "1.00", "since": "2022-07-01", "months": 25}, "facts.months"),
])
def test_validate_facts_refuses_numbers_as_money_and_bad_dates(facts, field):
    """API Conventions: a JSON number is not money; dates are real YYYY-MM-DD dates."""
    with pytest.raises(ValidationFailed) as refused:
        MONEY_PROGRAM.validate_facts(facts)
    assert refused.value.field == field


@pytest.mark.parametrize("change, field", [
    ({"level": "expert"}, "facts.level"),
    ({"level": 1}, "facts.level"),
    ({"occupation": ""}, "facts.occupation"),
    ({"occupation": "   "}, "facts.occupation"),
    ({"certificate_no": "x" * 201}, "facts.certificate_no"),
    ({"receiving_ui_benefits": "false"}, "facts.receiving_ui_benefits"),
])
def test_validate_facts_refuses_bad_enums_and_text(change, field):
    """三.12: a level outside the choices and text outside 1-200 characters are refused."""
    facts = {"level": "primary", "occupation": "焊工", "certificate_no": "S-1", "certificate_date": "2022-07-01",
             "ui_contribution_months": 12, "receiving_ui_benefits": False} | change
    with pytest.raises(ValidationFailed) as refused:
        CATALOG.program("skill_certificate").validate_facts(facts)
    assert refused.value.field == field


def test_validate_facts_needs_an_object():
    """API Claims: facts is a JSON object."""
    with pytest.raises(ValidationFailed) as refused:
        CATALOG.program("internship").validate_facts([("term_months", 3)])
    assert refused.value.field == "facts"


def test_later_facts_may_be_given_at_submission():
    """一.3: months served may be known when the claim is filed after the internship."""
    facts = CATALOG.program("internship").validate_facts({**INTERN, "term_months": 3, "months_served": 3})
    assert facts == {**INTERN, "term_months": 3, "months_served": 3}


def test_later_facts_accept_only_facts_marked_later():
    """DOMAIN facts table: only facts marked later change after submission."""
    program = CATALOG.program("internship")
    assert program.validate_later_facts({"left_for_employment": True, "months_served": 2}) == {
        "months_served": 2, "left_for_employment": True}
    with pytest.raises(ValidationFailed, match="cannot change after submission") as refused:
        program.validate_later_facts({"months_served": 2, "term_months": 6})
    assert refused.value.field == "facts.term_months"
    with pytest.raises(ValidationFailed) as refused:
        program.validate_later_facts({"bonus": 1})
    assert refused.value.field == "facts.bonus"
    with pytest.raises(ValidationFailed):
        program.validate_later_facts({})
    with pytest.raises(ValidationFailed) as refused:
        program.validate_later_facts({"months_served": True})
    assert refused.value.field == "facts.months_served"
    with pytest.raises(ValidationFailed):
        CATALOG.program("job_expansion").validate_later_facts({"graduation_year": 2022})


# ---- regions and resolution ----------------------------------------------------------


def test_region_chain_runs_from_the_district_up_to_the_nation():
    """API Conventions: a district's value overrides its city's, a city's its province's."""
    assert region_chain("210102") == ["210102", "210100", "210000", "000000"]
    assert region_chain("210100") == ["210100", "210000", "000000"]
    assert region_chain("210000") == ["210000", "000000"]
    assert region_chain("000000") == ["000000"]
    for bad in ("21010", "2101020", "21A102", 210102):
        with pytest.raises(ValidationFailed):
            region_chain(bad)


def test_resolve_gives_the_province_defaults_with_their_sources():
    """一.3: living allowance 1000.00 and management fee 150.00 a month (Shenyang 2022)."""
    rules = CATALOG.resolve("internship", "210102", D(2022, 6, 4))
    assert rules.values == {"living_allowance": 100000, "management_fee": 15000, "max_term_months": 12,
                            "prepay_share": Fraction(1, 2), "full_term_rule_until": D(2022, 12, 31),
                            "publicity_days": 0}
    assert rules.wire() == {"living_allowance": "1000.00", "management_fee": "150.00", "max_term_months": 12,
                            "prepay_share": "0.5", "full_term_rule_until": "2022-12-31", "publicity_days": 0}
    assert rules.provenance_wire()["living_allowance"] == {
        "value": "1000.00", "region": "210000", "effective_from": "2022-06-04", "document_no": None,
        "source": "local assumption: Shenyang's 2022 figure"}
    assert re.fullmatch(r"internship@[0-9a-f]{12}", rules.rule_version)


def test_resolve_before_the_notice_finds_no_parameter_in_force():
    """The notice took effect 2022-06-04; nothing was in force the day before."""
    with pytest.raises(NotEligible) as refused:
        CATALOG.resolve("job_expansion", "210102", D(2022, 6, 3))
    assert refused.value.rule == "job_expansion.parameters"
    assert "no parameter per_hire in force for region 210102 on 2022-06-03" in refused.value.detail


def test_min_contribution_months_is_12_through_2022_and_36_from_2023():
    """三.12: 12 months until 2022-12-31 (the notice's relaxation), then 36."""
    assert CATALOG.resolve("skill_certificate", "210000", D(2022, 12, 31)).values["min_contribution_months"] == 12
    assert CATALOG.resolve("skill_certificate", "210000", D(2023, 1, 1)).values["min_contribution_months"] == 36
    later = CATALOG.resolve("skill_certificate", "210000", D(2023, 1, 1)).provenance["min_contribution_months"]
    assert later.effective_from == D(2023, 1, 1) and later.source == "the 2017 national rule"


def test_city_override_applies_from_its_date_to_the_city_and_its_districts():
    """一.3 具体标准由各市确定: Shenyang's allowance overrides the province's from its date."""
    catalog = CATALOG.with_versions([city("living_allowance", "1200.00")])
    assert catalog.resolve("internship", "210102", D(2022, 7, 1)).values["living_allowance"] == 120000
    assert catalog.resolve("internship", "210100", D(2022, 7, 1)).values["living_allowance"] == 120000
    assert catalog.resolve("internship", "210102", D(2022, 6, 30)).values["living_allowance"] == 100000
    assert catalog.resolve("internship", "210000", D(2022, 7, 1)).values["living_allowance"] == 100000
    assert catalog.resolve("internship", "210202", D(2022, 7, 1)).values["living_allowance"] == 100000
    rules = catalog.resolve("internship", "210102", D(2022, 7, 1))
    assert rules.provenance_wire()["living_allowance"]["region"] == "210100"
    assert rules.provenance_wire()["management_fee"]["region"] == "210000"
    assert CATALOG.resolve("internship", "210102", D(2022, 7, 1)).values["living_allowance"] == 100000


def test_future_version_is_not_in_force_before_its_date():
    """A version recorded today for next year changes nothing until then."""
    catalog = CATALOG.with_versions([city("living_allowance", "1300.00", start=D(2023, 1, 1))])
    assert catalog.resolve("internship", "210102", D(2022, 12, 31)).values["living_allowance"] == 100000
    assert catalog.resolve("internship", "210102", D(2023, 1, 1)).values["living_allowance"] == 130000


def test_more_specific_region_wins_over_a_later_wider_version():
    """Key by key, the city's value holds even when the province changes its own later."""
    catalog = CATALOG.with_versions([
        city("living_allowance", "1200.00"),
        city("living_allowance", "1100.00", region="210000", start=D(2023, 1, 1)),
    ])
    assert catalog.resolve("internship", "210102", D(2023, 2, 1)).values["living_allowance"] == 120000
    assert catalog.resolve("internship", "210200", D(2023, 2, 1)).values["living_allowance"] == 110000


def test_effective_to_ends_a_version_the_day_before():
    """effective_to is exclusive: from that day the wider region's value applies again."""
    catalog = CATALOG.with_versions([city("living_allowance", "1200.00", end=D(2022, 9, 1))])
    assert catalog.resolve("internship", "210102", D(2022, 8, 31)).values["living_allowance"] == 120000
    assert catalog.resolve("internship", "210102", D(2022, 9, 1)).values["living_allowance"] == 100000


def test_a_district_overrides_its_city():
    """API PUT parameters: a district's value over its city's."""
    catalog = CATALOG.with_versions([city("living_allowance", "1200.00"),
                                     city("living_allowance", "1250.00", region="210102")])
    assert catalog.resolve("internship", "210102", D(2022, 7, 1)).values["living_allowance"] == 125000
    assert catalog.resolve("internship", "210103", D(2022, 7, 1)).values["living_allowance"] == 120000


def test_a_later_recorded_version_with_the_same_date_replaces_the_earlier():
    """An admin correcting a value for the same region and date: the latest recording wins."""
    catalog = CATALOG.with_versions([city("living_allowance", "1200.00")]).with_versions(
        [city("living_allowance", "1210.00")])
    assert catalog.resolve("internship", "210102", D(2022, 7, 1)).values["living_allowance"] == 121000


def test_national_default_fills_in_below_every_province():
    """000000 is the whole country: the widest region of every chain."""
    catalog = CATALOG.with_versions([city("per_hire", "1000.00", program="job_expansion", region="000000"),
                                     city("apply_until", "2022-12-31", program="job_expansion", region="000000"),
                                     city("publicity_days", 0, program="job_expansion", region="000000")])
    assert catalog.resolve("job_expansion", "110105", D(2022, 7, 1)).values["per_hire"] == 100000
    assert catalog.resolve("job_expansion", "210102", D(2022, 7, 1)).values["per_hire"] == 150000
    with pytest.raises(NotEligible) as refused:
        catalog.resolve("internship", "110105", D(2022, 7, 1))
    assert refused.value.rule == "internship.parameters"


# ---- rule versions -------------------------------------------------------------------


def test_rule_version_is_shared_by_equal_values_and_sources_whatever_region_and_date():
    """API rule_version: two claims decided under the same values, sources and code share it."""
    a = CATALOG.resolve("internship", "210102", D(2022, 7, 1))
    b = CATALOG.resolve("internship", "210202", D(2022, 11, 30))
    assert a.rule_version == b.rule_version


def test_rule_version_differs_under_a_city_override():
    """API rule_version: a claim decided under a regional value has another."""
    catalog = CATALOG.with_versions([city("living_allowance", "1200.00")])
    assert (catalog.resolve("internship", "210102", D(2022, 7, 1)).rule_version
            != catalog.resolve("internship", "210202", D(2022, 7, 1)).rule_version)


def test_rule_version_names_where_an_equal_value_came_from():
    """API rule_version (revision of 2026-11-30): a city re-enacting the province's figure
    under its own document is another source, so another rule version, with equal values;
    two cities under equal values and documents of their own differ too."""
    catalog = CATALOG.with_versions([city("prepay_share", "0.50")])
    city_rules = catalog.resolve("internship", "210102", D(2022, 7, 1))
    province_rules = CATALOG.resolve("internship", "210102", D(2022, 7, 1))
    assert city_rules.values == province_rules.values
    assert city_rules.rule_version != province_rules.rule_version
    shenyang, dalian = (dataclasses.replace(city("living_allowance", "1200.00", region=region), document_no=doc)
                        for region, doc in (("210100", "沈人社〔2022〕88号"), ("210200", "大人社〔2022〕5号")))
    both = CATALOG.with_versions([shenyang, dalian])
    a, b = both.resolve("internship", "210100", D(2022, 7, 1)), both.resolve("internship", "210200", D(2022, 7, 1))
    assert a.values == b.values and a.rule_version != b.rule_version
    assert (a.provenance_wire()["living_allowance"]["document_no"],
            b.provenance_wire()["living_allowance"]["document_no"]) == ("沈人社〔2022〕88号", "大人社〔2022〕5号")


def test_rule_version_names_the_version_of_the_rule_code():
    """The same values and sources decided by another version of the rule function are
    another rule version; the version is the one the rule module declares."""
    from ledger.policy.programs import RULE_CODE_VERSIONS

    on = D(2022, 7, 1)
    now = CATALOG.resolve("internship", "210102", on)
    assert now.code_version == RULE_CODE_VERSIONS["internship"] == CATALOG.program("internship").code_version
    bumped = dataclasses.replace(CATALOG, programs={
        **CATALOG.programs, "internship": dataclasses.replace(CATALOG.program("internship"), code_version=99)})
    later = bumped.resolve("internship", "210102", on)
    assert later.values == now.values and later.provenance_wire() == now.provenance_wire()
    assert later.rule_version != now.rule_version and later.code_version == 99


def test_rule_version_differs_between_programs_and_after_the_2023_change():
    """三.12: the 2023 contribution requirement is a new rule version."""
    assert (CATALOG.resolve("skill_certificate", "210000", D(2022, 12, 31)).rule_version
            != CATALOG.resolve("skill_certificate", "210000", D(2023, 1, 1)).rule_version)
    assert (CATALOG.resolve("internship", "210000", D(2022, 7, 1)).rule_version.split("@")[0]
            != CATALOG.resolve("apprenticeship", "210000", D(2022, 7, 1)).rule_version.split("@")[0])


def test_from_wire_round_trips_values_provenance_and_version():
    """A recorded rule set reloads exactly, forever."""
    catalog = CATALOG.with_versions([city("prepay_share", "1/3")])
    original = catalog.resolve("internship", "210102", D(2022, 7, 1))
    assert original.wire()["prepay_share"] == "1/3"
    reloaded = RuleSet.from_wire(CATALOG.program("internship"), original.wire(), original.provenance_wire())
    assert reloaded.values == original.values
    assert reloaded.rule_version == original.rule_version
    assert reloaded.provenance_wire() == original.provenance_wire()
    bare = RuleSet.from_wire(CATALOG.program("internship"), original.wire())
    assert bare.values == original.values
    assert bare.provenance_wire()["prepay_share"] == {"value": "1/3", "region": None, "effective_from": None,
                                                      "document_no": None, "source": ""}
    # A recorded set keeps the name it was recorded under, however that name was computed then.
    kept = RuleSet.from_wire(CATALOG.program("internship"), original.wire(), original.provenance_wire(),
                             rule_version="internship@0123456789ab", code_version=None)
    assert (kept.rule_version, kept.code_version, kept.values) == ("internship@0123456789ab", None, original.values)
    dates = CATALOG.resolve("job_expansion", "210000", D(2022, 7, 1))
    assert RuleSet.from_wire(CATALOG.program("job_expansion"), dates.wire()).values["apply_until"] == D(2022, 12, 31)
    with pytest.raises(ValueError):
        RuleSet.from_wire(CATALOG.program("internship"), {"per_hire": "1500.00"})


def test_a_rule_version_named_before_sources_and_code_counted_is_still_found():
    """Rule versions an earlier release showed (values only) are answered by their values."""
    from ledger.policy.catalog import legacy_rule_version

    # The name the release before gave the province's job_expansion set (tests/fixtures/parameters_v1.json).
    assert legacy_rule_version("job_expansion", {"per_hire": "1500.00", "apply_until": "2022-12-31"}) == (
        "job_expansion@e54c3f120d82")
    rules = CATALOG.resolve("internship", "210102", D(2022, 7, 1))
    old_name = legacy_rule_version("internship", rules.wire())
    assert old_name != rules.rule_version
    found = CATALOG.find_rule_set("internship", old_name)
    assert (found.rule_version, found.code_version, found.wire()) == (old_name, None, rules.wire())
    assert CATALOG.find_rule_set("internship", rules.rule_version).rule_version == rules.rule_version
    assert CATALOG.find_rule_set("internship", "internship@000000000000") is None


def test_every_parameter_declares_bounds_with_a_source_and_its_defaults_lie_within():
    """DOMAIN.md, Parameter bounds: each bound as the notice (or local practice) gives it."""
    declared = {(code, spec.name): spec.bounds for code, program in CATALOG.programs.items()
                for spec in program.parameters}
    shipped = toml("parameters.toml")
    assert all("bounds" in shipped[code][name] for code, name in declared)
    for pv in CATALOG.versions:
        bounds = declared[(pv.program, pv.name)]
        assert bounds.minimum <= pv.value <= bounds.maximum, (pv.program, pv.name)
    expected = {("flexible_social_insurance", "share"): Fraction(2, 3),
                ("flexible_social_insurance", "max_months"): 24, ("flexible_social_insurance", "extension_months"): 6,
                ("absorption", "months_covered"): 6, ("social_insurance", "max_months"): 12,
                ("absorption", "prepay_share"): Fraction(1, 2), ("social_insurance", "prepay_share"): Fraction(1, 2),
                ("internship", "prepay_share"): Fraction(1, 2), ("apprenticeship", "prepay_share"): Fraction(1, 2),
                ("internship", "max_term_months"): 12, ("startup", "new_industry_uplift"): Fraction(3, 10),
                ("apprenticeship", "shortage_uplift"): Fraction(3, 10), ("startup_venue", "max_months"): 24,
                ("startup_venue", "prepay_months"): 6, ("loan_interest", "max_principal"): 20_000_000,
                ("loan_interest", "max_term_months"): 36, ("skill_certificate", "max_per_year"): 3,
                ("skill_certificate", "within_months"): 12,
                # 本通知所指高校毕业生: 毕业5年内, and 三.10's 3 to 6 months of training a year
                **{(code, "graduate_within_years"): 5
                   for code in ("startup", "startup_venue", "loan_interest", "apprenticeship")},
                ("career_switch_training", "max_months_per_year"): 6,
                # DOMAIN.md "New programs": 164号's three years, and local assumptions
                **{(code, name): 300_000 for code in ("flexible_graduate_training", "care_worker_training")
                   for name in ("primary", "intermediate", "advanced")},
                ("flexible_graduate_training", "graduate_within_years"): 5,
                ("public_welfare_post", "graduate_within_years"): 5,
                ("public_welfare_post", "post_subsidy_monthly"): 200_000, ("public_welfare_post", "max_months"): 36,
                ("care_institution_social_insurance", "max_months"): 36,
                # local practice: 5–7 days of public notice (DOMAIN.md, Lifecycle in practice)
                **{(code, "publicity_days"): 30 for code in CATALOG.programs}}
    assert {key: declared[key].maximum for key in expected} == expected
    assert declared[("career_switch_training", "max_months_per_year")].minimum == 3
    assert {key for key, bounds in declared.items() if bounds.floor} == {
        ("startup", "amount"), ("entrepreneurship_training", "gyb_amount"),
        ("entrepreneurship_training", "syb_amount"), ("job_search", "amount")}
    # DOMAIN.md, "Bounds are the notice's figures" (F5): "=" where the notice gives the figure,
    # a range marked as a local assumption where it was stripped.
    D = dt.date
    exact = {("flexible_social_insurance", "within_years"): 2, ("career_switch_training", "within_years"): 3,
             **{(code, "graduate_within_years"): 5
                for code in ("startup", "startup_venue", "loan_interest", "apprenticeship")},
             ("skill_certificate", "within_months"): 12,
             ("internship_base_award", "national_award"): 10_000_000,
             ("internship_base_award", "provincial_award"): 5_000_000,
             ("job_expansion", "apply_until"): D(2022, 12, 31), ("absorption", "apply_until"): D(2022, 12, 31),
             ("internship", "full_term_rule_until"): D(2022, 12, 31),
             ("skill_certificate", "unemployed_route_from"): D(2022, 1, 1),
             ("skill_certificate", "unemployed_route_until"): D(2022, 12, 31)}
    assert {key: (declared[key].minimum, declared[key].maximum) for key in exact} == {
        key: (v, v) for key, v in exact.items()}
    assert (declared[("skill_certificate", "min_contribution_months")].minimum,
            declared[("skill_certificate", "min_contribution_months")].maximum) == (12, 36)
    assumed = {("job_expansion", "per_hire"): 150_000, ("internship", "living_allowance"): 200_000,
               ("internship", "management_fee"): 50_000, ("career_switch_training", "monthly_rate"): 200_000}
    assert {key: declared[key].maximum for key in assumed} == assumed
    assert all("local assumption" in declared[key].source for key in assumed)
    for key, bounds in declared.items():
        if key not in expected and key not in exact and key not in assumed and key[1] != "min_contribution_months":
            assert "assumed" in bounds.source or bounds.floor, key  # the general ranges, marked as assumed


def test_a_parameter_declared_without_bounds_keeps_to_its_units_general_range():
    """A parameter added without a bounds table (another branch's, say) loads, bounded by its
    unit's general range and marked as assumed, in Chinese too, citing its program's clause."""
    from ledger.policy.bounds import GENERAL_SOURCE

    parameters = toml("parameters.toml")
    del parameters["internship"]["max_term_months"]["bounds"]
    bounds = catalog_from_data(toml("programs.toml"), parameters).bounds("internship", "max_term_months")
    assert (bounds.minimum, bounds.maximum, bounds.source) == (0, 120, GENERAL_SOURCE)
    wire = bounds.wire()
    assert {k: wire[k] for k in ("min", "max", "source")} == {"min": 0, "max": 120, "source": GENERAL_SOURCE}
    assert wire["source_zh"] == ("单位通用范围：金额0.01–1,000,000.00元，整数0–120，比例0–1；"
                                 "《辽宁省进一步促进高校毕业生等青年群体就业创业若干政策措施》一（三）未规定具体数字（本地假设）")
    assert wire["document_no"].startswith("辽宁省人民政府办公厅关于印发")


def test_rates_have_one_spelling():
    """A rate is written as a decimal when it has one, else as a fraction ("2/3", 一.2)."""
    assert [format_rate(Fraction(x)) for x in ("0.5", "0.50", "2/3", "1", "0.3", "0", "1.25")] == [
        "0.5", "0.5", "2/3", "1", "0.3", "0", "1.25"]


# ---- admin versions and the shipped data ---------------------------------------------


def test_parameter_version_refuses_unknown_names_and_bad_values():
    """API PUT parameters: names the program does not have are 422."""
    for name, raw in (("per_hire", "1500.00"), ("living_allowance", 1200), ("living_allowance", "1200"),
                      ("prepay_share", 0.5), ("max_term_months", True), ("max_term_months", "12")):
        with pytest.raises(ValidationFailed) as refused:
            city(name, raw)
        assert refused.value.field == f"values.{name}"
    with pytest.raises(ValidationFailed):
        city("living_allowance", "1200.00", region="2101")
    with pytest.raises(ValidationFailed):
        city("living_allowance", "1200.00", end=D(2022, 7, 1))


def test_with_versions_refuses_versions_the_catalog_cannot_use():
    """A version must name a program and parameter of the catalog, in its unit and type."""
    good = city("living_allowance", "1200.00")
    for bad in (ParameterValue("living_allowance", "money", 120000, "210100", D(2022, 7, 1), "x"),
                dataclasses.replace(good, program="pension_top_up"),
                dataclasses.replace(good, region="21"),
                ParameterValue("living_allowance", "rate", Fraction(1), "210100", D(2022, 7, 1), "x", None, "internship"),
                ParameterValue("living_allowance", "money", 1200.0, "210100", D(2022, 7, 1), "x", None, "internship"),
                ParameterValue("bonus", "money", 1, "210100", D(2022, 7, 1), "x", None, "internship")):
        with pytest.raises(ValueError):
            CATALOG.with_versions([bad])
    assert isinstance(CATALOG.with_versions([good]), Catalog)


def test_shipped_data_loads_and_is_parsed_once():
    """programs.toml and parameters.toml are read once per process."""
    assert load_catalog() is load_catalog()
    fresh = catalog_from_data(toml("programs.toml"), toml("parameters.toml"))
    on = D(2022, 7, 1)
    assert fresh.resolve("apprenticeship", "210000", on).wire() == CATALOG.resolve("apprenticeship", "210000", on).wire()


@pytest.mark.parametrize("breakage, message", [
    (lambda p, q: q.__setitem__("pension_top_up", {}), "unknown program 'pension_top_up'"),
    (lambda p, q: q["internship"]["prepay_share"].__setitem__("unit", "percent"), "bad unit 'percent'"),
    (lambda p, q: q["internship"]["living_allowance"]["versions"][0].__setitem__("value", 1000), "bad money"),
    (lambda p, q: q["internship"]["living_allowance"]["versions"][0].__setitem__("value", "1000.0"), "bad money"),
    (lambda p, q: q["internship"]["prepay_share"]["versions"][0].__setitem__("value", 0.5),
     "rate must be written"),
    (lambda p, q: q["internship"]["max_term_months"]["versions"][0].__setitem__("region", "21"), "region"),
    (lambda p, q: q["internship"]["max_term_months"]["versions"].append(
        dict(q["internship"]["max_term_months"]["versions"][0])), "two versions"),
    (lambda p, q: p["internship"].__setitem__("fund_types", ["lottery"]), "fund_types"),
    (lambda p, q: p["internship"]["facts"][0].__setitem__("type", "float"), "unknown fact type"),
    (lambda p, q: p["internship"].pop("clause"), "missing 'clause'"),
    (lambda p, q: q["flexible_social_insurance"]["share"]["versions"][0].__setitem__("value", "3/4"),
     "must be at most 2/3 (一.2"),
    (lambda p, q: q["loan_interest"]["max_principal"]["versions"][0].__setitem__("value", "200000.01"),
     "must be at most 200000.00 (二.7"),
    (lambda p, q: q["internship"]["prepay_share"]["bounds"].pop("source"), "bounds needs a source"),
    (lambda p, q: q["internship"]["prepay_share"]["bounds"].__setitem__("max", "2"), "within the unit's range"),
    (lambda p, q: q["internship"]["max_term_months"]["bounds"].__setitem__("min", 13), "must be ordered"),
    (lambda p, q: q["internship"]["max_term_months"]["bounds"].__setitem__("floor", "不低于"), "money parameters only"),
    (lambda p, q: q["internship"]["max_term_months"]["bounds"].__setitem__("ceiling", 3), "unknown keys"),
])
def test_catalog_data_is_checked_on_load(breakage, message):
    """A mistake in the data is refused with the program and key it is in."""
    programs, parameters = toml("programs.toml"), toml("parameters.toml")
    breakage(programs, parameters)
    with pytest.raises(ValueError, match=re.escape(message)):
        catalog_from_data(programs, parameters)


def test_a_parameter_name_means_one_unit_in_every_program():
    """/openapi.json publishes one form per parameter name (api/schemas.py PARAMETER_VALUES)."""
    units: dict[str, set[str]] = {}
    for program in load_catalog().programs.values():
        for spec in program.parameters:
            units.setdefault(spec.name, set()).add(spec.unit)
    assert {name: found for name, found in units.items() if len(found) > 1} == {}
