"""Rules as data: the programs of the notice, their parameters by region and date, and
one short rule function per program (ledger.policy.programs)."""
from .catalog import (
    Catalog,
    FactSpec,
    ParameterValue,
    Program,
    RuleSet,
    load_catalog,
    region_chain,
)

__all__ = ["Catalog", "FactSpec", "ParameterValue", "Program", "RuleSet", "load_catalog", "region_chain"]
