"""`ledger export --format beancount`: every fund movement as a double-entry journal in
Beancount's plain-text format, so an auditor can load the ledger into an accounting engine
they already trust and find every fund's balance again.

One account tree per fund (fund type and region) under each root, in CNY:

| account | holds | ledger balance |
| --- | --- | --- |
| `Assets:Funds:<Type>:R<region>:Available` | money free to approve | `available` |
| `Assets:Funds:<Type>:R<region>:Reserved` | money reserved by approvals, not yet paid | `reserved` |
| `Income:Allocations:<Type>:R<region>:<Source>` | allocations by source (Central, Provincial, ...) | −(allocations) |
| `Equity:Transfers:<Type>:R<region>:In` / `:Out` | transfers between funds | −(in), +(out) |
| `Expenses:Subsidies:<Type>:R<region>:<Program>` | payments less returned payments, by program | `disbursed` |
| `Income:Recoveries:<Type>:R<region>:<Program>` | clawback money paid back | −(recovered) |

So `allocated` = −(Income:Allocations + Equity:Transfers) of the fund, and the fund's Assets
(Available + Reserved) are the money in its account. Movements: an allocation moves money
from Income:Allocations into Available; a transfer from Available into Equity:Transfers:Out
of one fund and from Equity:Transfers:In into Available of the other (the two halves are
linked `^transfer-<id>`); an approval from Available to Reserved and a release back; a
payment from Reserved to Expenses:Subsidies and a returned payment back into Reserved; a
recovery from Income:Recoveries into Available. Each transaction is dated with the business
date (effective_date, approved_on, the close, paid_on, returned_on, received_on) and carries
the log position and the ledger's ids as metadata; claim movements are linked
`^claim-<id>`. The journal ends with a balance assertion per fund account, taken from the
fund aggregates themselves, so loading it checks every balance.

The same log gives the same bytes: nothing in the journal depends on when it was written."""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ledger.domain.fund import Fund
from ledger.money import format_money
from ledger.service import Ledger

CURRENCY = "CNY"
FUND_TOPIC_PREFIX = f"{Fund.__module__}:{Fund.__qualname__}."


def camel(code: str) -> str:
    """employment_subsidy -> EmploymentSubsidy: an account name component."""
    return "".join(part[:1].upper() + part[1:] for part in code.replace("-", "_").split("_") if part)


def fund_tree(fund: Fund) -> str:
    return f"{camel(fund.fund_type)}:R{fund.region}"


def quoted(text: Any) -> str:
    value = " ".join(str(text).split())  # one line
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class JournalWriter:
    """Turns fund events, in log order, into transactions; remembers each account's first
    date (its open directive) and keeps every fund as its own events make it."""

    def __init__(self) -> None:
        self.funds: dict[Any, Fund] = {}
        self.first_use: dict[str, dt.date] = {}
        self.last_date: dt.date | None = None
        self.transactions = 0

    def apply(self, fund_event: Any, position: int) -> str | None:
        fund = fund_event.mutate(self.funds.get(fund_event.originator_id))
        self.funds[fund_event.originator_id] = fund
        return self.transaction(fund_event, fund, position)

    def transaction(self, e: Any, fund: Fund, position: int) -> str | None:
        name = type(e).__qualname__.split(".")[-1]
        tree = fund_tree(fund)
        available, reserved = f"Assets:Funds:{tree}:Available", f"Assets:Funds:{tree}:Reserved"
        program = getattr(e, "program", None)
        links: list[str] = []
        meta: dict[str, Any] = {}
        if name == "Allocated":
            date, what = e.effective_date, f"资金下达 allocation from {e.source}: {e.document_no}"
            postings = [(available, e.amount_fen), (f"Income:Allocations:{tree}:{camel(e.source)}", -e.amount_fen)]
            meta = {"allocation_id": e.allocation_id, "document_no": e.document_no, "memo": e.memo}
        elif name == "TransferredOut":
            date, what = e.effective_date, f"资金划出 transfer to {e.to_fund}: {e.document_no}"
            postings = [(available, -e.amount_fen), (f"Equity:Transfers:{tree}:Out", e.amount_fen)]
            meta, links = {"transfer_id": e.transfer_id, "to_fund": e.to_fund, "document_no": e.document_no}, \
                [f"transfer-{e.transfer_id}"]
        elif name == "TransferredIn":
            date, what = e.effective_date, f"资金划入 transfer from {e.from_fund}: {e.document_no}"
            postings = [(f"Equity:Transfers:{tree}:In", -e.amount_fen), (available, e.amount_fen)]
            meta, links = {"transfer_id": e.transfer_id, "from_fund": e.from_fund, "document_no": e.document_no}, \
                [f"transfer-{e.transfer_id}"]
        elif name == "Reserved":
            date, what = e.approved_on, f"审批预留 reservation for {program}"
            postings = [(available, -e.amount_fen), (reserved, e.amount_fen)]
        elif name == "Released":
            date, what = e.on, f"释放预留 release: {e.reason}"
            postings = [(reserved, -e.amount_fen), (available, e.amount_fen)]
        elif name == "Disbursed":
            date, what = e.paid_on, f"支付 {e.kind} payment {e.payment_ref}"
            postings = [(reserved, -e.amount_fen), (f"Expenses:Subsidies:{tree}:{camel(program)}", e.amount_fen)]
            meta = {"payment_ref": e.payment_ref, "kind": e.kind}
        elif name == "PaymentReturned":
            date, what = e.returned_on, f"退票 returned payment {e.payment_ref}: {e.reason}"
            postings = [(f"Expenses:Subsidies:{tree}:{camel(program)}", -e.amount_fen), (reserved, e.amount_fen)]
            meta = {"payment_ref": e.payment_ref}
        elif name == "Recovered":
            date, what = e.received_on, f"追回 recovery {e.reference}"
            postings = [(available, e.amount_fen), (f"Income:Recoveries:{tree}:{camel(program)}", -e.amount_fen)]
            meta = {"recovery_id": e.recovery_id, "reference": e.reference}
        else:
            return None  # opening a fund (or anything else that moves no money)
        if getattr(e, "claim_id", None):
            links.append(f"claim-{e.claim_id}")
            meta = {"claim_id": e.claim_id, "program": program, **meta}
        meta = {"position": str(position), "fund_id": fund.fund_code, "event": name, **meta,
                "actor": getattr(e, "actor", None)}
        for account, _ in postings:
            if account not in self.first_use or date < self.first_use[account]:
                self.first_use[account] = date
        self.last_date = date if self.last_date is None else max(self.last_date, date)
        self.transactions += 1
        head = f"{date.isoformat()} * {quoted(what)}" + "".join(f" ^{link}" for link in links)
        lines = [head, *(f"  {key}: {quoted(value)}" for key, value in meta.items() if value is not None)]
        lines += [f"  {account}  {format_money(amount)} {CURRENCY}" for account, amount in postings]
        return "\n".join(lines) + "\n\n"

    def opens(self) -> Iterator[str]:
        for account, date in sorted(self.first_use.items(), key=lambda kv: (kv[1], kv[0])):
            yield f"{date.isoformat()} open {account} {CURRENCY}\n"

    def balances(self) -> Iterator[str]:
        """The funds' own balances, asserted the day after the last movement."""
        if self.last_date is None:
            return
        if self.last_date == dt.date.max:
            # An event stored before business dates were bounded (2000–2099) can stand on the
            # last day a date can name: there is no day after it to assert balances on.
            yield f"; no balance assertions: a movement is dated {dt.date.max.isoformat()}, the last day there is\n"
            return
        on = (self.last_date + dt.timedelta(days=1)).isoformat()
        for fund in sorted(self.funds.values(), key=lambda f: f.fund_code):
            tree = fund_tree(fund)
            for account, amount in ((f"Assets:Funds:{tree}:Available", fund.available_fen),
                                    (f"Assets:Funds:{tree}:Reserved", fund.reserved_fen)):
                if account in self.first_use:
                    yield f"{on} balance {account}  {format_money(amount)} {CURRENCY}\n"


def fund_events(ledger: Ledger, upto: int) -> Iterator[tuple[Any, int]]:
    """Every fund event up to position `upto`, in log order, with its position (only events
    the keyed chain vouches for: the export stops at a forged one)."""
    for stored in ledger.stored_events(stop=upto, authentic=True):
        if stored.topic.startswith(FUND_TOPIC_PREFIX):
            yield ledger.app.mapper.to_domain_event(stored), stored.id


def write_journal(ledger: Ledger, path: Path, *, progress: Callable[[int], None] | None = None) -> dict:
    """Write the journal of the whole log to `path`; returns a summary."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body_path = path.with_name(path.name + ".body.tmp")
    journal = JournalWriter()
    head = ledger.head_position()
    try:
        with open(body_path, "w", encoding="utf-8") as body:
            for fund_event, position in fund_events(ledger, head):
                text = journal.apply(fund_event, position)
                if text:
                    body.write(text)
                if progress is not None:
                    progress(position)
        if progress is not None:
            progress(head)
        partial = path.with_name(path.name + ".tmp")
        with open(partial, "w", encoding="utf-8") as out, open(body_path, encoding="utf-8") as body:
            out.write("; Subsidy ledger: every fund movement as a double-entry journal (runtime/journal.py).\n")
            out.write(f"; Up to log position {head}; amounts in {CURRENCY}, dated by business date.\n\n")
            out.write('option "title" "Subsidy ledger"\n')
            out.write(f'option "operating_currency" "{CURRENCY}"\n\n')
            out.writelines(journal.opens())
            out.write("\n")
            while chunk := body.read(1 << 20):
                out.write(chunk)
            out.writelines(journal.balances())
        os.replace(partial, path)
    finally:
        body_path.unlink(missing_ok=True)
    return {"transactions": journal.transactions, "funds": len(journal.funds), "position": head,
            "path": str(path)}
