"""The policy catalog: what each program of the notice takes (programs.toml) and the
amounts and limits it pays under, per region and date (parameters.toml).

Parameters are versioned the OpenFisca way: key by key, the most specific region with a
value in force wins, and within a region the latest effective date wins; a version
without a value (a removal) hands the key back to the wider region. A resolved set is a
RuleSet; its rule_version names the values, where each came from (region, effective date,
document, source) and the version of the program's rule code, so two claims decided
under the same values, sources and code share it wherever and whenever they were decided.

The shipped files are the catalog a ledger starts from: a running ledger records them once
in its log and resolves from the log thereafter (ledger/service/programs.py)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import NotEligible, NotFound, ValidationFailed
from ..limits import (FACT_DATE_PATTERN, FIRST_FACT_DATE, FIRST_OF_MONTH_FACTS, FIRST_OF_MONTH_PATTERN, LAST_BUSINESS_DATE,
                      MAX_TEXT_CHARS, TEXT_PATTERN, check_date, check_integer, check_text)
from ..money import MONEY_PATTERN, format_money, parse_money
from ..regions import ancestors, region_code
from .bounds import Bounds, bounds_from_data
from .units import (PARAMETER_UNITS, format_rate, is_typed, parameter_wire,  # noqa: F401 (format_rate: re-exported)
                    parse_parameter)

FACT_TYPES = ("int", "bool", "date", "money", "str", "enum")
FUND_TYPES = ("unemployment_insurance", "employment_subsidy", "skill_upgrade_account", "inclusive_finance")
APPLICANT_KINDS = ("enterprise", "person", "institution")
NATION = "000000"

_REGION = re.compile(r"^[0-9]{6}$")
_CLAUSE = re.compile(r"^[一二三四五六七八九十]+\.[0-9]+$")
_MONEY_PATTERN = MONEY_PATTERN


def region_chain(region: str) -> list[str]:
    """The region and every wider one, most specific first: district, city, province, nation."""
    return ancestors(region_code(region))


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
    optional: bool = False  # may be left out at submission (graduation_year beside diploma_date)

    def json_schema(self) -> dict:
        schema: dict = {"int": {"type": "integer"}, "bool": {"type": "boolean"},
                        "date": {"type": "string", "format": "date", "pattern": FACT_DATE_PATTERN},
                        "money": {"type": "string", "pattern": _MONEY_PATTERN},
                        "str": {"type": "string", "minLength": 1, "maxLength": MAX_TEXT_CHARS,
                                "pattern": TEXT_PATTERN},
                        "enum": {"type": "string", "enum": list(self.choices)}}[self.type]
        if self.type == "date" and self.name in FIRST_OF_MONTH_FACTS:
            schema["pattern"] = FIRST_OF_MONTH_PATTERN  # a month, by its first day (programs.period_start)
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


# ---- programs ----------------------------------------------------------------------


@dataclass(frozen=True)
class ParameterSpec:
    name: str
    unit: str
    description: str = ""
    reference: str = ""
    bounds: Bounds | None = None

    def __post_init__(self):
        if self.bounds is None:
            object.__setattr__(self, "bounds", bounds_from_data(self.unit, None, reference=self.reference))


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
    # A program for the applicant itself whose enterprise applicants name their founder as the
    # beneficiary (startup_venue, loan_interest: the graduate's caps hold across companies).
    founder: bool = False
    parameters: tuple[ParameterSpec, ...] = ()
    # The version of the program's rule function (RULE_CODE_VERSION of its module in
    # ledger/policy/programs/), part of every rule version decided under it.
    code_version: int = 0
    # The document whose clause `clause` is (ledger/policy/documents.toml): the notice,
    # unless programs.toml names another (the care plan, 辽政办发〔2022〕32号).
    document: str = "notice"

    def facts_schema(self) -> dict:
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "properties": {f.name: f.json_schema() for f in self.facts},
            "required": [f.name for f in self.facts if not f.later and not f.one_of and not f.optional],
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
            if not spec.later and not spec.one_of and not spec.optional and spec.name not in given:
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

    def bounds_wire(self) -> dict[str, dict]:
        """GET /programs/{code}: each parameter's bounds, with their source."""
        return {spec.name: spec.bounds.wire() for spec in self.parameters}

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
    """One version of one parameter for one region from one date. `value` None is a
    removal: from `effective_from` the region has no value of its own, and the key is
    resolved from the wider region again."""
    name: str
    unit: str
    value: object
    region: str
    effective_from: dt.date
    source: str
    effective_to: dt.date | None = None  # exclusive
    program: str = ""
    document_no: str | None = None

    def in_force(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on < self.effective_to)

    @property
    def removes(self) -> bool:
        return self.value is None


def _digest(document: object) -> str:
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def _rule_version(program: str, wire: dict[str, object], sources: dict[str, dict], code_version: int) -> str:
    """Names the values, where each came from and the rule code's version: equal values
    from another region's document, or decided by another version of the rule function,
    are another rule version."""
    return f"{program}@{_digest({'program': program, 'values': wire, 'sources': sources, 'code': code_version})}"


def legacy_rule_version(program: str, wire: dict[str, object]) -> str:
    """How rule versions were named before they covered sources and code (values only),
    byte for byte as that release hashed them: still recognised, so a version an older
    release showed is answered forever."""
    canonical = json.dumps({"program": program, "values": wire}, sort_keys=True, separators=(",", ":"))
    return f"{program}@{hashlib.sha256(canonical.encode()).hexdigest()[:12]}"


@dataclass(frozen=True)
class RuleSet:
    program: str
    values: dict[str, object]
    provenance: dict[str, ParameterValue]
    rule_version: str
    code_version: int | None = None  # None: recorded before rule versions named the code

    @classmethod
    def of(cls, program: str, chosen: dict[str, ParameterValue], code_version: int) -> RuleSet:
        values = {name: pv.value for name, pv in chosen.items()}
        wire = {name: parameter_wire(pv.unit, pv.value) for name, pv in chosen.items()}
        sources = {name: _source(pv) for name, pv in chosen.items()}
        return cls(program, values, dict(chosen), _rule_version(program, wire, sources, code_version), code_version)

    def wire(self) -> dict[str, object]:
        return {name: parameter_wire(self.provenance[name].unit, v) for name, v in self.values.items()}

    def provenance_wire(self) -> dict[str, dict]:
        return {name: _cite(pv) for name, pv in self.provenance.items()}

    def cite(self, *names: str) -> list[dict]:
        """The parameters one explanation step used, with where each came from."""
        return [{"name": name, **_cite(self.provenance[name])} for name in names]

    @classmethod
    def from_wire(cls, program: Program, wire: dict, provenance: dict | None = None, *,
                  rule_version: str | None = None, code_version: int | None = None) -> RuleSet:
        """A recorded rule set rebuilt; without provenance, origins read as unknown. With
        `rule_version` (as recorded), the set keeps that name, however it was computed then."""
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
                program=program.code, document_no=origin.get("document_no"))
        rules = cls.of(program.code, chosen, program.code_version if code_version is None else code_version)
        if rule_version is None:
            return rules
        return dataclasses.replace(rules, rule_version=rule_version, code_version=code_version)


# A rule set reloaded without provenance still needs a date in each ParameterValue.
_UNRECORDED = dt.date.min


def _source(pv: ParameterValue) -> dict:
    start = None if pv.effective_from == _UNRECORDED else pv.effective_from.isoformat()
    return {"region": pv.region or None, "effective_from": start, "document_no": pv.document_no,
            "source": pv.source}


def _cite(pv: ParameterValue) -> dict:
    return {"value": parameter_wire(pv.unit, pv.value), **_source(pv)}


# ---- the catalog -------------------------------------------------------------------


RESOLVED_KEPT = 20_000


@dataclass(frozen=True)
class Catalog:
    programs: dict[str, Program]
    versions: tuple[ParameterValue, ...] = field(default=())
    # The shipped parameters.toml this catalog was read from (sha256 of its bytes).
    digest: str = ""

    def later_facts(self) -> dict[str, FactSpec]:
        """The settlement facts (marked later) of every program, by name: one spec each."""
        return {spec.name: spec for program in self.programs.values() for spec in program.facts if spec.later}

    def program(self, code: str) -> Program:
        try:
            return self.programs[code]
        except (KeyError, TypeError):
            raise NotFound(f"no program {code!r}", field="program") from None

    def resolve(self, code: str, region: str, on: dt.date) -> RuleSet:
        # A catalog never changes (frozen, its versions a tuple) and a RuleSet is frozen, so
        # what it resolved once it resolves again from memory: every claim asks for its own
        # program, region and date, and working it out walks every parameter version.
        memo = self.__dict__.get("_resolved")
        if memo is None:
            memo = {}
            object.__setattr__(self, "_resolved", memo)
        key = (code, region, on)
        found = memo.get(key)
        if found is None:
            found = self._resolve(code, region, on)
            if len(memo) >= RESOLVED_KEPT:
                memo.clear()  # a bound on memory; forgetting is always safe
            memo[key] = found
        return found

    def _resolve(self, code: str, region: str, on: dt.date) -> RuleSet:
        program = self.program(code)
        chain = region_chain(region)
        chosen = {}
        for name in program.parameter_names():
            chosen[name] = self.in_force(code, name, chain, on)
            if chosen[name] is None:
                raise NotEligible(f"no parameter {name} in force for region {region} on {on.isoformat()}",
                                  rule=f"{code}.parameters")
            if program.parameter(name).bounds.floor is not None:
                chosen[name] = self._at_least_the_province(code, name, chain, on, chosen[name])
        return RuleSet.of(code, chosen, program.code_version)

    def _at_least_the_province(self, code: str, name: str, chain: list[str], on: dt.date,
                               chosen: ParameterValue) -> ParameterValue:
        """不低于 on every date (DOMAIN.md, Floors, F10): a city's or district's value below the
        province's in force on the same date gives way to the province's, so a province that
        raises its figure raises every city that was at it (the rule version cites the
        province's document)."""
        provinces = [r for r in chain if r.endswith("0000") and r != NATION]
        if not provinces or chosen.region == provinces[0]:
            return chosen
        theirs = self.in_force(code, name, chain[chain.index(provinces[0]):], on)
        return theirs if theirs is not None and chosen.value < theirs.value else chosen

    def in_force(self, code: str, name: str, chain: list[str], on: dt.date) -> ParameterValue | None:
        """The version of `name` in force on `on` for the first region of `chain` (the most
        specific first) that has a value of its own then."""
        for region in chain:
            best = self.own_version(code, name, region, on)
            if best is not None and not best.removes:
                return best
        return None

    def own_version(self, code: str, name: str, region: str, on: dt.date) -> ParameterValue | None:
        """The region's own latest version in force on `on` (a removal included), or None."""
        best = None
        for pv in self.versions:
            # Equal dates: the later-recorded version replaces the earlier one.
            if (pv.program == code and pv.name == name and pv.region == region and pv.in_force(on)
                    and (best is None or pv.effective_from >= best.effective_from)):
                best = pv
        return best

    def find_rule_set(self, code: str, rule_version: str) -> RuleSet | None:
        """The rule set named `rule_version` among those the catalog resolves, or None (a
        name given before rule versions covered sources and code is matched on values).
        Resolution is constant between the program's effective dates and the same for a
        region as for the nearest wider one with values, so those few points cover all."""
        own = [pv for pv in self.versions if pv.program == code]
        days = {pv.effective_from for pv in own} | {pv.effective_to for pv in own if pv.effective_to}
        for region in {pv.region for pv in own}:
            for day in sorted(days):
                try:
                    rules = self.resolve(code, region, day)
                except NotEligible:
                    continue
                if rules.rule_version == rule_version:
                    return rules
                if legacy_rule_version(code, rules.wire()) == rule_version:
                    return dataclasses.replace(rules, rule_version=rule_version, code_version=None)
        return None

    def bounds(self, code: str, name: str) -> Bounds:
        return self.program(code).parameter(name).bounds

    def with_versions(self, extra: list[ParameterValue]) -> Catalog:
        for pv in extra:
            _check_version(self, pv)
        return Catalog(self.programs, self.versions + tuple(extra), self.digest)

    def rebased(self, versions: list[ParameterValue]) -> Catalog:
        """The same programs under exactly these versions (those a ledger recorded), none of
        the shipped file's."""
        return Catalog(self.programs, (), self.digest).with_versions(versions)

    def shipped_entries(self, code: str) -> list[dict]:
        """The program's versions as this catalog was shipped, as JSON-native entries: what a
        ledger records of the file at its first start (ledger/policy/shipped.py)."""
        return [entry_of(pv) for pv in self.versions if pv.program == code]

    def parameter_version(self, code: str, name: str, raw: object, *, region: str, effective_from: dt.date,
                          source: str, effective_to: dt.date | None = None, document_no: str | None = None,
                          stored: bool = False) -> ParameterValue:
        """A version from an admin's request (`raw` None: a removal): unknown names and bad
        values are ValidationFailed naming values.<name>, and so is a value outside the
        parameter's bounds, with their source. A version `stored` already (in the log) is
        read as it was recorded, even outside today's bounds: history is never refused."""
        program = self.program(code)
        if name not in program.parameter_names():
            raise ValidationFailed(f"{code} has no parameter {name}", field=f"values.{name}")
        region_chain(region)
        if effective_to is not None and effective_to <= effective_from:
            raise ValidationFailed("effective_to must be after effective_from", field="effective_to")
        spec = program.parameter(name)
        value = None
        if raw is not None:
            try:
                value = parse_parameter(spec.unit, raw)
            except ValueError as exc:
                raise ValidationFailed(f"values.{name}: {exc}", field=f"values.{name}") from None
            if not stored:
                spec.bounds.check(value, field=f"values.{name}")
        return ParameterValue(name, spec.unit, value, region, effective_from, source, effective_to, code, document_no)


def entry_of(pv: ParameterValue) -> dict:
    """A version as a JSON-native entry of the log."""
    return {"name": pv.name, "region": pv.region, "effective_from": pv.effective_from.isoformat(),
            "effective_to": pv.effective_to.isoformat() if pv.effective_to else None,
            "value": None if pv.removes else parameter_wire(pv.unit, pv.value), "source": pv.source}


def _check_version(catalog: Catalog, pv: ParameterValue) -> None:
    program = catalog.programs.get(pv.program)
    if program is None:
        raise ValueError(f"parameter {pv.name!r}: unknown program {pv.program!r}")
    if pv.name not in program.parameter_names():
        raise ValueError(f"{pv.program} has no parameter {pv.name!r}")
    declared = program.parameter(pv.name).unit
    if pv.unit != declared:
        raise ValueError(f"{pv.program}.{pv.name} is in {declared!r}, not {pv.unit!r}")
    if not pv.removes and not is_typed(pv.unit, pv.value):
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
    raw = (here / "parameters.toml").read_bytes()
    return catalog_from_data(programs, tomllib.loads(raw.decode("utf-8")), digest=hashlib.sha256(raw).hexdigest())


def catalog_from_data(programs: dict, parameters: dict, *, digest: str | None = None,
                      code_versions: dict[str, int] | None = None) -> Catalog:
    """Build and check a catalog from the two parsed TOML documents; ValueError with the
    offending program and key on any mistake in the data. `digest` names the file read
    (default: a digest of the parsed parameters); `code_versions` the version of each
    program's rule code (default: the RULE_CODE_VERSION of each rule module)."""
    for code in parameters:
        if code not in programs:
            raise ValueError(f"parameters.toml: unknown program {code!r}")
    if code_versions is None:
        from .programs import RULE_CODE_VERSIONS as code_versions
    built = {code: _program(code, data, parameters.get(code, {}), code_versions.get(code, 0))
             for code, data in programs.items()}
    if digest is None:
        digest = hashlib.sha256(json.dumps(parameters, sort_keys=True, default=str).encode()).hexdigest()
    catalog = Catalog(built, (), digest)
    versions = [pv for code, params in parameters.items() for pv in _versions(code, built[code], params)]
    seen = set()
    for pv in versions:
        key = (pv.program, pv.name, pv.region, pv.effective_from)
        if key in seen:
            raise ValueError(f"parameters.toml: {pv.program}.{pv.name} has two versions for {pv.region} from "
                             f"{pv.effective_from}")
        seen.add(key)
    return catalog.with_versions(versions)


def _program(code: str, data: dict, params: dict, code_version: int) -> Program:
    where = f"programs.toml: {code}"
    try:
        clause, funds, kinds = data["clause"], tuple(data["fund_types"]), tuple(data["applicant_kinds"])
        role, document = data["beneficiary"], data.get("document", "notice")
        program = Program(
            code=code, name_zh=data["name_zh"], name_en=data["name_en"], clause=clause,
            fund_types=funds, applicant_kinds=kinds, payee_kind=data["payee_kind"],
            beneficiary=role != "self", beneficiary_role=role, founder=data.get("founder", False),
            facts=tuple(_fact(code, f) for f in data.get("facts", [])), prepayment=data["prepayment"],
            parameters=tuple(_parameter_spec(code, name, p, document) for name, p in params.items()),
            code_version=code_version, document=document)
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
                    one_of=data.get("one_of", ""), optional=data.get("optional", False))
    where = f"programs.toml: {code}.{spec.name}"
    if spec.type not in FACT_TYPES:
        raise ValueError(f"{where}: unknown fact type {spec.type!r}; known: {', '.join(FACT_TYPES)}")
    if not isinstance(spec.later, bool) or not isinstance(spec.optional, bool):
        raise ValueError(f"{where}: later and optional must be true or false")
    if (spec.type == "enum") != bool(spec.choices):
        raise ValueError(f"{where}: choices belong to enum facts, and only there")
    bounds = [b for b in (spec.minimum, spec.maximum) if b is not None]
    if bounds and (spec.type != "int" or any(not isinstance(b, int) or isinstance(b, bool) for b in bounds)):
        raise ValueError(f"{where}: minimum and maximum are whole numbers, for int facts only")
    if spec.type == "int" and len(bounds) != 2:
        raise ValueError(f"{where}: an int fact declares its range (minimum and maximum)")
    return spec


def _parameter_spec(code: str, name: str, data: dict, document: str) -> ParameterSpec:
    unit = data.get("unit")
    if unit not in PARAMETER_UNITS:
        raise ValueError(f"parameters.toml: {code}.{name}: bad unit {unit!r}; known: {', '.join(PARAMETER_UNITS)}")
    try:
        bounds = bounds_from_data(unit, data.get("bounds"), document=document, reference=data.get("reference", ""))
    except ValueError as exc:
        raise ValueError(f"parameters.toml: {code}.{name}: {exc}") from None
    return ParameterSpec(name, unit, data.get("description", ""), data.get("reference", ""), bounds)


def _versions(code: str, program: Program, params: dict) -> list[ParameterValue]:
    """The shipped versions, each within its parameter's bounds."""
    out = []
    for name, data in params.items():
        if not data.get("versions"):
            raise ValueError(f"parameters.toml: {code}.{name} has no versions")
        for v in data["versions"]:
            where = f"parameters.toml: {code}.{name} ({v.get('region')}, {v.get('effective_from')})"
            try:
                value = parse_parameter(data["unit"], v["value"])
                program.parameter(name).bounds.check(value, field="value")
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

