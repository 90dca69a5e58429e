"""A fund's read-model row, patched by each fund event from its own fields instead of
replaying the Fund aggregate (ledger/domain/fund.py) event by event: a money event moves one
or two of the four balances by its `amount_fen`, the period events move none.

An event type not listed here (one added later) is not guessed at: the projector then loads
the aggregate as of that event from the store and takes its numbers (`FundState.of`), so a
new event is projected right, only more slowly, until it gets its patch here.
tests/test_projection_patches.py checks the patched rows against the aggregates."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ledger.domain.fund import Fund


class FundState:
    """What the read models show of a fund, as of its `version`."""

    __slots__ = ("id", "fund_code", "fund_type", "region", "name", "allocated_fen", "reserved_fen", "disbursed_fen",
                 "recovered_fen", "version")

    def __init__(self, id: Any, fund_code: str, fund_type: str, region: str, name: str, version: int,
                 allocated_fen: int = 0, reserved_fen: int = 0, disbursed_fen: int = 0, recovered_fen: int = 0):
        self.id, self.fund_code, self.fund_type, self.region, self.name = id, fund_code, fund_type, region, name
        self.allocated_fen, self.reserved_fen = allocated_fen, reserved_fen
        self.disbursed_fen, self.recovered_fen = disbursed_fen, recovered_fen
        self.version = version

    @classmethod
    def of(cls, fund: Fund) -> FundState:
        return cls(fund.id, fund.fund_code, fund.fund_type, fund.region, fund.name, fund.version, fund.allocated_fen,
                   fund.reserved_fen, fund.disbursed_fen, fund.recovered_fen)

    @classmethod
    def opened(cls, event: Any) -> FundState:
        state = event.__dict__
        return cls(event.originator_id, state["fund_code"], state["fund_type"], state["region"], state["name"],
                   event.originator_version)

    def row(self, position: int) -> tuple:
        """The columns of sql.UPSERT_FUND (and the first ones of sql.INSERT_FUND_HISTORY)."""
        return (self.fund_code, self.fund_type, self.region, self.name, self.allocated_fen, self.reserved_fen,
                self.disbursed_fen, self.recovered_fen, self.version, position)


def _allocated(s: FundState, amount: int) -> None:
    s.allocated_fen += amount


def _transferred_out(s: FundState, amount: int) -> None:
    s.allocated_fen -= amount


def _reserved(s: FundState, amount: int) -> None:
    s.reserved_fen += amount


def _released(s: FundState, amount: int) -> None:
    s.reserved_fen -= amount


def _disbursed(s: FundState, amount: int) -> None:
    s.reserved_fen -= amount
    s.disbursed_fen += amount


def _payment_returned(s: FundState, amount: int) -> None:
    s.disbursed_fen -= amount
    s.reserved_fen += amount


def _recovered(s: FundState, amount: int) -> None:
    s.recovered_fen += amount


# Fund event type -> how its amount_fen moves the balances, as the aggregate's mutator does.
MONEY: dict[str, Callable[[FundState, int], None]] = {
    "Allocated": _allocated,
    "TransferredIn": _allocated,
    "TransferredOut": _transferred_out,
    "Reserved": _reserved,
    "Released": _released,
    "Disbursed": _disbursed,
    "PaymentReturned": _payment_returned,
    "Recovered": _recovered,
}
# Fund events that move no balance the read models show (closed months live elsewhere).
NO_MONEY = frozenset({"PeriodClosed", "PeriodReopenProposed", "PeriodReopened"})


def patch(state: FundState, event: Any) -> bool:
    """Apply `event` (the next of `state`'s fund) to `state`; False when this module does not
    know the event type (the caller then asks the aggregate)."""
    name = type(event).__name__
    move = MONEY.get(name)
    if move is not None:
        move(state, event.__dict__["amount_fen"])
    elif name not in NO_MONEY:
        return False
    state.version = event.originator_version
    return True
