"""The policy catalog: what each program of the notice takes (programs.toml) and the
amounts and limits it pays under, per region and date (parameters.toml).

Parameters are versioned the OpenFisca way: key by key, the most specific region with a
value in force wins, and within a region the latest effective date wins. A resolved set
is a RuleSet; its rule_version names the values, so two claims decided under the same
values share it wherever and whenever they were decided."""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from ..errors import NotEligible, NotFound, ValidationFailed
from ..limits import (FACT_DATE_PATTERN, FIRST_BUSINESS_DATE, FIRST_FACT_DATE, LAST_BUSINESS_DATE,
                      MAX_TEXT_CHARS, TEXT_PATTERN, check_date, check_integer, check_text)
from ..money import format_money, parse_fraction, parse_money
from ..regions import ancestors, validate_region

FACT_TYPES = ("int", "bool", "date", "money", "str", "enum")
PARAMETER_UNITS = ("money", "rate", "date", "int", "count", "months", "years")
FUND_TYPES = ("unemployment_insurance", "employment_subsidy", "skill_upgrade_account", "inclusive_finance")
APPLICANT_KINDS = ("enterprise", "person", "institution")
NATION = "000000"

_REGION = re.compile(r"^[0-9]{6}$")
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_CLAUSE = re.compile(r"^[一二三四五六七八九十]+\.[0-9]+$")
_MONEY_PATTERN = r"^(0|[1-9][0-9]{0,12})\.[0-9]{2}$"
_INT_UNITS = ("int", "count", "months", "years")


def region_chain(region: str) -> list[str]:
    """The region and every wider one, most specific first: district, city, province, nation."""
    return ancestors(validate_region(region))


# ---- facts -------------------------------------------------------------------------


@dataclass(frozen=True)
class FactSpec:
    name: str
    type: str
    later: bool = False
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    description: str = ""
    one_of: str = ""  # a group of facts of which a claim gives exactly one

    def json_schema(self) -> dict:
        schema: dict = {"int": {"type": "integer"}, "bool": {"type": "boolean"},
                        "date": {"type": "string", "format": "date", "pattern": FACT_DATE_PATTERN},
                        "money": {"type": "string", "pattern": _MONEY_PATTERN},
                        "str": {"type": "string", "minLength": 1, "maxLength": MAX_TEXT_CHARS,
                                "pattern": TEXT_PATTERN},
                        "enum": {"type": "string", "enum": list(self.choices)}}[self.type]
        if self.minimum is not None:
            schema["minimum"] = self.minimum
        if self.maximum is not None:
            schema["maximum"] = self.maximum
        if self.description:
            schema["description"] = self.description
        if self.later:
            schema["x-later"] = True
        return schema

    def canonical(self, value: object) -> object:
        """The JSON-native canonical form, or ValidationFailed naming facts.<name>."""
        where = f"facts.{self.name}"
        if self.type == "int":
            return check_integer(value, field=where, minimum=self.minimum, maximum=self.maximum)
        if self.type == "bool":
            if not isinstance(value, bool):
                raise ValidationFailed(f"{where} must be true or false", field=where)
            return value
        if self.type == "date":
            return check_date(value, field=where, first=FIRST_FACT_DATE, last=LAST_BUSINESS_DATE).isoformat()
        if self.type == "money":
            return format_money(parse_money(value, field=where))
        if self.type == "str":
            return check_text(value, field=where)
        if not isinstance(value, str) or value not in self.choices:
            raise ValidationFailed(f"{where} must be one of {', '.join(self.choices)}", field=where)
        return value


def _parse_iso_date(value: object) -> dt.date:
    """A real date YYYY-MM-DD, whatever its year (stored values are read back as they are)."""
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"bad date {value!r}")


# ---- programs ----------------------------------------------------------------------


@dataclass(frozen=True)
class ParameterSpec:
    name: str
    unit: str
    description: str = ""
    reference: str = ""


@dataclass(frozen=True)
class Program:
    code: str
    name_zh: str
    name_en: str
    clause: str
    fund_types: tuple[str, ...]
    applicant_kinds: tuple[str, ...]
    payee_kind: str
    beneficiary: bool
    facts: tuple[FactSpec, ...]
    prepayment: str
    beneficiary_role: str = "self"
    parameters: tuple[ParameterSpec, ...] = ()

    def facts_schema(self) -> dict:
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "properties": {f.name: f.json_schema() for f in self.facts},
            "required": [f.name for f in self.facts if not f.later and not f.one_of],
            "additionalProperties": False,
        }
        groups = self.one_of_groups()
        if groups:
            schema["allOf"] = [{"oneOf": [{"required": [name]} for name in names]} for names in groups.values()]
        return schema

    def one_of_groups(self) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = {}
        for spec in self.facts:
            if spec.one_of:
                groups.setdefault(spec.one_of, []).append(spec.name)
        return groups

    def validate_facts(self, facts: object) -> dict:
        """The facts given at submission; those marked later may be left out, and of a
        one-of group exactly one is given."""
        given = self._known(facts)
        for spec in self.facts:
            if not spec.later and not spec.one_of and spec.name not in given:
                raise ValidationFailed(f"facts.{spec.name} is required", field=f"facts.{spec.name}")
        for names in self.one_of_groups().values():
            if sum(name in given for name in names) != 1:
                raise ValidationFailed(f"facts: give exactly one of {' or '.join(names)}", field=f"facts.{names[0]}")
        return self._canonical(given)

    def validate_later_facts(self, facts: object) -> dict:
        """Settlement facts learned after submission; nothing else may change."""
        given = self._known(facts)
        if not given:
            raise ValidationFailed("facts must name at least one fact", field="facts")
        for name in given:
            if not self.fact(name).later:
                raise ValidationFailed(f"facts.{name} cannot change after submission", field=f"facts.{name}")
        return self._canonical(given)

    def fact(self, name: str) -> FactSpec:
        for spec in self.facts:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def parameter_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parameters)

    def parameter(self, name: str) -> ParameterSpec:
        for spec in self.parameters:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def _known(self, facts: object) -> dict:
        if not isinstance(facts, dict):
            raise ValidationFailed("facts must be an object", field="facts")
        names = {f.name for f in self.facts}
        for name in facts:
            if name not in names:
                raise ValidationFailed(f"facts.{name} is not a fact of {self.code}", field=f"facts.{name}")
        return facts

    def _canonical(self, given: dict) -> dict:
        return {s.name: s.canonical(given[s.name]) for s in self.facts if s.name in given}


# ---- parameters --------------------------------------------------------------------


@dataclass(frozen=True)
class ParameterValue:
    name: str
    unit: str
    value: object
    region: str
    effective_from: dt.date
    source: str
    effective_to: dt.date | None = None  # exclusive
    program: str = ""

    def in_force(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on < self.effective_to)


def format_rate(rate: Fraction) -> str:
    """A rate as a decimal when it has an exact one ("0.5", "1"), otherwise "2/3"; one
    spelling per value, so that "0.50" and "0.5" share a rule version."""
    for places in range(0, 19):
        scaled = rate * 10**places
        if scaled.denominator == 1:
            digits = str(abs(scaled.numerator)).rjust(places + 1, "0")
            sign = "-" if rate < 0 else ""
            return sign + (digits if places == 0 else f"{digits[:-places]}.{digits[-places:]}")
    return f"{rate.numerator}/{rate.denominator}"


def parameter_wire(unit: str, value: object) -> object:
    if unit == "money":
        return format_money(value)
    if unit == "rate":
        return format_rate(value)
    if unit == "date":
        return value.isoformat()
    return value


def parse_parameter(unit: str, raw: object) -> object:
    """The typed value of a parameter as written in TOML or JSON; ValueError otherwise."""
    if unit == "money":
        try:
            return parse_money(raw, field="value")
        except ValidationFailed as exc:
            raise ValueError(f"bad money {raw!r}: {exc.detail}") from None
    if unit == "rate":
        if not isinstance(raw, str) or len(raw) > MAX_RATE_CHARS:
            raise ValueError(f"a rate must be written as a short string such as \"0.5\" or \"2/3\", got {raw!r:.40}")
        return parse_fraction(raw)
    if unit == "date":
        if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
            return raw
        return _parse_iso_date(raw)
    if unit in _INT_UNITS:
        if not isinstance(raw, int) or isinstance(raw, bool) or raw < 0:
            raise ValueError(f"a {unit} value must be a whole number >= 0, got {raw!r}")
        return raw
    raise ValueError(f"unknown unit {unit!r}; known units: {', '.join(PARAMETER_UNITS)}")


# DOMAIN.md, "Parameter bounds": the range every value of a unit keeps to (money
# 0.01–1,000,000.00, integers 0–120, shares 0–1, dates in the business range). A value an
# administrator proposes outside it is refused; values already stored are read as they are.
MAX_RATE_CHARS = 32
UNIT_BOUNDS: dict[str, tuple[object, object]] = {
    "money": (1, 100_000_000), "rate": (Fraction(0), Fraction(1)),
    "date": (FIRST_BUSINESS_DATE, LAST_BUSINESS_DATE),
    **{unit: (0, 120) for unit in _INT_UNITS},
}
UNIT_BOUNDS_SOURCE = "DOMAIN.md, Parameter bounds: the general range of the unit"


def check_bounds(unit: str, value: object, *, field: str) -> object:
    low, high = UNIT_BOUNDS[unit]
    if not low <= value <= high:  # type: ignore[operator]
        raise ValidationFailed(f"{field} must lie between {parameter_wire(unit, low)} and "
                               f"{parameter_wire(unit, high)}", field=field)
    return value


def unit_bounds_wire(unit: str) -> dict:
    low, high = UNIT_BOUNDS[unit]
    return {"min": parameter_wire(unit, low), "max": parameter_wire(unit, high), "source": UNIT_BOUNDS_SOURCE}


def _rule_version(program: str, wire: dict[str, object]) -> str:
    canonical = json.dumps({"program": program, "values": wire}, sort_keys=True, separators=(",", ":"))
    return f"{program}@{hashlib.sha256(canonical.encode()).hexdigest()[:12]}"


@dataclass(frozen=True)
class RuleSet:
    program: str
    values: dict[str, object]
    provenance: dict[str, ParameterValue]
    rule_version: str

    @classmethod
    def of(cls, program: str, chosen: dict[str, ParameterValue]) -> RuleSet:
        values = {name: pv.value for name, pv in chosen.items()}
        wire = {name: parameter_wire(pv.unit, pv.value) for name, pv in chosen.items()}
        return cls(program, values, dict(chosen), _rule_version(program, wire))

    def wire(self) -> dict[str, object]:
        return {name: parameter_wire(self.provenance[name].unit, v) for name, v in self.values.items()}

    def provenance_wire(self) -> dict[str, dict]:
        return {name: _cite(pv) for name, pv in self.provenance.items()}

    def cite(self, *names: str) -> list[dict]:
        """The parameters one explanation step used, with where each came from."""
        return [{"name": name, **_cite(self.provenance[name])} for name in names]

    @classmethod
    def from_wire(cls, program: Program, wire: dict, provenance: dict | None = None) -> RuleSet:
        """A recorded rule set rebuilt; without provenance, origins read as unknown."""
        chosen = {}
        for name, raw in wire.items():
            if name not in program.parameter_names():
                raise ValueError(f"{program.code} has no parameter {name!r}")
            unit = program.parameter(name).unit
            origin = (provenance or {}).get(name) or {}
            start = origin.get("effective_from")
            chosen[name] = ParameterValue(
                name, unit, parse_parameter(unit, raw), origin.get("region") or "",
                dt.date.fromisoformat(start) if start else _UNRECORDED, origin.get("source") or "",
                program=program.code)
        return cls.of(program.code, chosen)


# A rule set reloaded without provenance still needs a date in each ParameterValue.
_UNRECORDED = dt.date.min


def _cite(pv: ParameterValue) -> dict:
    start = None if pv.effective_from == _UNRECORDED else pv.effective_from.isoformat()
    return {"value": parameter_wire(pv.unit, pv.value), "region": pv.region or None,
            "effective_from": start, "source": pv.source}


# ---- the catalog -------------------------------------------------------------------


@dataclass(frozen=True)
class Catalog:
    programs: dict[str, Program]
    versions: tuple[ParameterValue, ...] = field(default=())

    def program(self, code: str) -> Program:
        try:
            return self.programs[code]
        except (KeyError, TypeError):
            raise NotFound(f"no program {code!r}", field="program") from None

    def resolve(self, code: str, region: str, on: dt.date) -> RuleSet:
        program = self.program(code)
        chain = region_chain(region)
        chosen = {}
        for name in program.parameter_names():
            chosen[name] = self._in_force(code, name, chain, on)
            if chosen[name] is None:
                raise NotEligible(f"no parameter {name} in force for region {region} on {on.isoformat()}",
                                  rule=f"{code}.parameters")
        return RuleSet.of(code, chosen)

    def _in_force(self, code: str, name: str, chain: list[str], on: dt.date) -> ParameterValue | None:
        for region in chain:
            best = None
            for pv in self.versions:
                # Equal dates: the later-recorded version replaces the earlier one.
                if (pv.program == code and pv.name == name and pv.region == region and pv.in_force(on)
                        and (best is None or pv.effective_from >= best.effective_from)):
                    best = pv
            if best is not None:
                return best
        return None

    def find_rule_set(self, code: str, rule_version: str) -> RuleSet | None:
        """The rule set named `rule_version` among those the catalog resolves, or None.
        Resolution is constant between the program's effective dates and the same for a
        region as for the nearest wider one with values, so those few points cover all."""
        own = [pv for pv in self.versions if pv.program == code]
        days = {pv.effective_from for pv in own} | {pv.effective_to for pv in own if pv.effective_to}
        for region in {pv.region for pv in own}:
            for day in days:
                try:
                    rules = self.resolve(code, region, day)
                except NotEligible:
                    continue
                if rules.rule_version == rule_version:
                    return rules
        return None

    def with_versions(self, extra: list[ParameterValue]) -> Catalog:
        for pv in extra:
            _check_version(self, pv)
        return Catalog(self.programs, self.versions + tuple(extra))

    def parameter_version(self, code: str, name: str, raw: object, *, region: str, effective_from: dt.date,
                          source: str, effective_to: dt.date | None = None, stored: bool = False) -> ParameterValue:
        """A version from an admin's request: unknown names and bad values are
        ValidationFailed naming values.<name>. A version `stored` already (in the log) is read
        as it was recorded, even outside today's bounds: history is never refused."""
        program = self.program(code)
        if name not in program.parameter_names():
            raise ValidationFailed(f"{code} has no parameter {name}", field=f"values.{name}")
        region_chain(region)
        if effective_to is not None and effective_to <= effective_from:
            raise ValidationFailed("effective_to must be after effective_from", field="effective_to")
        unit = program.parameter(name).unit
        try:
            value = parse_parameter(unit, raw)
        except ValueError as exc:
            raise ValidationFailed(f"values.{name}: {exc}", field=f"values.{name}") from None
        if not stored:
            check_bounds(unit, value, field=f"values.{name}")
        return ParameterValue(name, unit, value, region, effective_from, source, effective_to, code)


def _is_typed(unit: str, value: object) -> bool:
    if unit == "money":
        return isinstance(value, int) and not isinstance(value, bool) and value > 0
    if unit == "rate":
        return isinstance(value, Fraction) and value >= 0
    if unit == "date":
        return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _check_version(catalog: Catalog, pv: ParameterValue) -> None:
    program = catalog.programs.get(pv.program)
    if program is None:
        raise ValueError(f"parameter {pv.name!r}: unknown program {pv.program!r}")
    if pv.name not in program.parameter_names():
        raise ValueError(f"{pv.program} has no parameter {pv.name!r}")
    declared = program.parameter(pv.name).unit
    if pv.unit != declared:
        raise ValueError(f"{pv.program}.{pv.name} is in {declared!r}, not {pv.unit!r}")
    if not _is_typed(pv.unit, pv.value):
        raise ValueError(f"{pv.program}.{pv.name}: value {pv.value!r} is not a {pv.unit}")
    if not _REGION.fullmatch(pv.region):
        raise ValueError(f"{pv.program}.{pv.name}: bad region {pv.region!r}")
    if pv.effective_to is not None and pv.effective_to <= pv.effective_from:
        raise ValueError(f"{pv.program}.{pv.name}: effective_to must be after effective_from")


# ---- loading the shipped data ------------------------------------------------------


@functools.cache
def load_catalog() -> Catalog:
    here = Path(__file__).parent
    with open(here / "programs.toml", "rb") as f:
        programs = tomllib.load(f)
    with open(here / "parameters.toml", "rb") as f:
        parameters = tomllib.load(f)
    return catalog_from_data(programs, parameters)


def catalog_from_data(programs: dict, parameters: dict) -> Catalog:
    """Build and check a catalog from the two parsed TOML documents; ValueError with the
    offending program and key on any mistake in the data."""
    for code in parameters:
        if code not in programs:
            raise ValueError(f"parameters.toml: unknown program {code!r}")
    built = {code: _program(code, data, parameters.get(code, {})) for code, data in programs.items()}
    catalog = Catalog(built)
    versions = [pv for code, params in parameters.items() for pv in _versions(code, params)]
    seen = set()
    for pv in versions:
        key = (pv.program, pv.name, pv.region, pv.effective_from)
        if key in seen:
            raise ValueError(f"parameters.toml: {pv.program}.{pv.name} has two versions for {pv.region} from "
                             f"{pv.effective_from}")
        seen.add(key)
    return catalog.with_versions(versions)


def _program(code: str, data: dict, params: dict) -> Program:
    where = f"programs.toml: {code}"
    try:
        clause, funds, kinds = data["clause"], tuple(data["fund_types"]), tuple(data["applicant_kinds"])
        role = data["beneficiary"]
        program = Program(
            code=code, name_zh=data["name_zh"], name_en=data["name_en"], clause=clause,
            fund_types=funds, applicant_kinds=kinds, payee_kind=data["payee_kind"],
            beneficiary=role != "self", beneficiary_role=role,
            facts=tuple(_fact(code, f) for f in data.get("facts", [])), prepayment=data["prepayment"],
            parameters=tuple(_parameter_spec(code, name, p) for name, p in params.items()))
    except KeyError as exc:
        raise ValueError(f"{where}: missing {exc.args[0]!r}") from None
    if not _CLAUSE.fullmatch(clause):
        raise ValueError(f"{where}: clause {clause!r} is not like \"一.1\"")
    if not funds or any(f not in FUND_TYPES for f in funds):
        raise ValueError(f"{where}: fund_types {funds} must be among {FUND_TYPES}")
    if not kinds or any(k not in APPLICANT_KINDS for k in kinds):
        raise ValueError(f"{where}: applicant_kinds {kinds} must be among {APPLICANT_KINDS}")
    if len({f.name for f in program.facts}) != len(program.facts):
        raise ValueError(f"{where}: a fact is declared twice")
    return program


def _fact(code: str, data: dict) -> FactSpec:
    spec = FactSpec(name=data["name"], type=data["type"], later=data.get("later", False),
                    choices=tuple(data.get("choices", ())), minimum=data.get("minimum"),
                    maximum=data.get("maximum"), description=data.get("description", ""),
                    one_of=data.get("one_of", ""))
    where = f"programs.toml: {code}.{spec.name}"
    if spec.type not in FACT_TYPES:
        raise ValueError(f"{where}: unknown fact type {spec.type!r}; known: {', '.join(FACT_TYPES)}")
    if not isinstance(spec.later, bool):
        raise ValueError(f"{where}: later must be true or false")
    if (spec.type == "enum") != bool(spec.choices):
        raise ValueError(f"{where}: choices belong to enum facts, and only there")
    bounds = [b for b in (spec.minimum, spec.maximum) if b is not None]
    if bounds and (spec.type != "int" or any(not isinstance(b, int) or isinstance(b, bool) for b in bounds)):
        raise ValueError(f"{where}: minimum and maximum are whole numbers, for int facts only")
    if spec.type == "int" and len(bounds) != 2:
        raise ValueError(f"{where}: an int fact declares its range (minimum and maximum)")
    return spec


def _parameter_spec(code: str, name: str, data: dict) -> ParameterSpec:
    unit = data.get("unit")
    if unit not in PARAMETER_UNITS:
        raise ValueError(f"parameters.toml: {code}.{name}: bad unit {unit!r}; known: {', '.join(PARAMETER_UNITS)}")
    return ParameterSpec(name, unit, data.get("description", ""), data.get("reference", ""))


def _versions(code: str, params: dict) -> list[ParameterValue]:
    out = []
    for name, data in params.items():
        if not data.get("versions"):
            raise ValueError(f"parameters.toml: {code}.{name} has no versions")
        for v in data["versions"]:
            where = f"parameters.toml: {code}.{name} ({v.get('region')}, {v.get('effective_from')})"
            try:
                value = parse_parameter(data["unit"], v["value"])
                check_bounds(data["unit"], value, field="value")
                start, end = v["effective_from"], v.get("effective_to")
                pv = ParameterValue(name, data["unit"], value, v["region"], start, v["source"], end, code)
            except ValidationFailed as exc:
                raise ValueError(f"{where}: {exc.detail}") from None
            except (KeyError, ValueError) as exc:
                raise ValueError(f"{where}: {exc}") from None
            if not isinstance(start, dt.date) or isinstance(start, dt.datetime) or not (
                    end is None or isinstance(end, dt.date) and not isinstance(end, dt.datetime)):
                raise ValueError(f"{where}: effective dates must be TOML dates such as 2022-06-04")
            if not isinstance(pv.region, str) or not _REGION.fullmatch(pv.region):
                raise ValueError(f"{where}: region must be a 6-digit code")
            out.append(pv)
    return out
