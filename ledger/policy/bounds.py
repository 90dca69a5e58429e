"""The range each parameter's value keeps to (DOMAIN.md, Parameter bounds), declared as
data beside the parameter in parameters.toml with its source: the clause of the notice
that caps it, or "local practice" / "assumed" where the notice has no figure. A value an
administrator proposes outside it is refused; values already in the log are read as they
were recorded, even outside today's bounds: history is never refused.

A floor (不低于, DOMAIN.md "Conditions the notice adds") is a bound that moves: a city's
or district's value may not be below the province's value in force on the same date.

Each source is shown in Chinese too, with its document number (documents.toml
`bound_sources`, ledger/policy/texts.py): a bound knows its program's document and its
parameter's clause for that."""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..errors import OutOfBounds
from ..limits import FIRST_BUSINESS_DATE, LAST_BUSINESS_DATE
from . import texts
from .units import INT_UNITS, parameter_wire, parse_parameter

# Money 0.01–1,000,000.00, whole numbers 0–120, shares 0–1, dates in the business range.
UNIT_RANGE: dict[str, tuple[object, object]] = {
    "money": (1, 100_000_000), "rate": (Fraction(0), Fraction(1)),
    "date": (FIRST_BUSINESS_DATE, LAST_BUSINESS_DATE),
    **{unit: (0, 120) for unit in INT_UNITS},
}
GENERAL_SOURCE = ("assumed: the general range of the unit (DOMAIN.md, Parameter bounds: money 0.01–1,000,000.00, "
                  "whole numbers 0–120, shares 0–1); the notice sets no figure here")
FLOOR_OF = {"of": "the province's value in force", "of_zh": "本省同日现行标准"}


@dataclass(frozen=True)
class Bounds:
    unit: str
    minimum: object
    maximum: object
    source: str
    floor: str | None = None  # where the notice says 不低于: the source of that floor
    document: str = "notice"  # the program's document (documents.toml), cited where the source names none
    reference: str = ""  # the parameter's clause

    def cited(self, source: str) -> dict:
        """`source` with its Chinese text and document number."""
        return {"source": source, **texts.bound_citation(self.document, self.reference, source)}

    def check(self, value: object, *, field: str) -> None:
        if value < self.minimum:  # type: ignore[operator]
            self._refuse(field, "min", "at least", self.minimum)
        if value > self.maximum:  # type: ignore[operator]
            self._refuse(field, "max", "at most", self.maximum)

    def _refuse(self, field: str, limit: str, said: str, edge: object) -> None:
        shown = parameter_wire(self.unit, edge)
        raise OutOfBounds(f"{field} must be {said} {shown} ({self.source})", field=field,
                          bound={"limit": limit, "value": shown, **self.cited(self.source)})

    def check_floor(self, value: object, floor_value: object, province: str, *, field: str) -> None:
        if self.floor is not None and value < floor_value:  # type: ignore[operator]
            shown = parameter_wire(self.unit, floor_value)
            raise OutOfBounds(
                f"{field} must not be below {shown}, the value of province {province} in force then ({self.floor})",
                field=field, bound={"limit": "floor", "value": shown, "region": province, **FLOOR_OF,
                                    **self.cited(self.floor)})

    def wire(self) -> dict:
        out = {"min": parameter_wire(self.unit, self.minimum), "max": parameter_wire(self.unit, self.maximum),
               **self.cited(self.source)}
        if self.floor is not None:
            out["floor"] = {**FLOOR_OF, **self.cited(self.floor)}
        return out


def general_bounds(unit: str, *, document: str = "notice", reference: str = "") -> Bounds:
    low, high = UNIT_RANGE[unit]
    return Bounds(unit, low, high, GENERAL_SOURCE, document=document, reference=reference)


def bounds_from_data(unit: str, data: object, *, document: str = "notice", reference: str = "") -> Bounds:
    """The `bounds` table of a parameter in parameters.toml (None: the unit's general
    range); ValueError on any mistake. A declared bound narrows the unit's range, never
    widens it. `document` and `reference`: the program's document and the parameter's
    clause, which the Chinese text of the source cites."""
    if data is None:
        return general_bounds(unit, document=document, reference=reference)
    if not isinstance(data, dict):
        raise ValueError("bounds must be a table such as { max = \"2/3\", source = \"一.2 ...\" }")
    unknown = set(data) - {"min", "max", "source", "floor"}
    if unknown:
        raise ValueError(f"bounds has unknown keys {sorted(unknown)}; known: min, max, source, floor")
    source = data.get("source")
    if not isinstance(source, str) or not source.strip():
        raise ValueError("bounds needs a source: the clause of the notice, or \"local practice\" / \"assumed\"")
    floor = data.get("floor")
    if floor is not None and (unit != "money" or not isinstance(floor, str) or not floor.strip()):
        raise ValueError("a floor is the source text of a 不低于 clause, for money parameters only")
    low, high = UNIT_RANGE[unit]
    minimum = low if data.get("min") is None else parse_parameter(unit, data["min"])
    maximum = high if data.get("max") is None else parse_parameter(unit, data["max"])
    if not low <= minimum <= maximum <= high:  # type: ignore[operator]
        raise ValueError(f"bounds {parameter_wire(unit, minimum)}–{parameter_wire(unit, maximum)} must be ordered "
                         f"and lie within the unit's range {parameter_wire(unit, low)}–{parameter_wire(unit, high)}")
    return Bounds(unit, minimum, maximum, source.strip(), floor.strip() if floor else None, document, reference)
