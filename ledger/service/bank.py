"""Bank statements: a fund account's statement imported and its lines matched to the
ledger's payments, returned payments and recoveries (the rules: ledger/domain/bank.py)."""
from __future__ import annotations

from uuid import UUID

from ..access import Actor
from ..domain.bank import (ITEM_EVENTS, BankAccount, BankMatch, BankStatement, LedgerItem, StatementLine, Taker,
                           bank_account_id, bank_match_id, content_hash, find_duplicates, ledger_item, open_by_month,
                           plan_matches, statement_aggregate_id, statement_label_key, statement_view)
from ..domain.fund import Fund, parse_fund_code
from ..domain.ids import fund_aggregate_id, limit_aggregate_id
from ..domain.limits import ClaimLimit
from ..errors import Duplicate
from ..statements import read_statement
from .core import Idem, LedgerCore, Outcome, command, require_text

ITEM_TOPICS = frozenset(f"{Fund.__module__}:{Fund.__qualname__}.{name}" for name in ITEM_EVENTS)
ITEMS_PAGE = 10_000


class BankCommands(LedgerCore):
    @command
    def import_statement(self, actor: Actor, request: dict, *, idem: Idem | None = None) -> Outcome:
        """Record a statement and match its lines; a statement already imported (the same
        lines, or the same statement_id with the same lines) records nothing new unless the
        ledger has since recorded items its open lines match, and answers the same."""
        actor.require_role("treasurer")
        code = request.get("fund_id")
        _, region = parse_fund_code(code)
        actor.require_region(region)
        label = require_text(request.get("statement_id"), field="statement_id", optional=True)
        lines = read_statement(request.get("csv"), columns=request.get("columns"), debit=request.get("debit"),
                               credit=request.get("credit"),
                               skip_lines=request.get("skip_lines"), latest=self.today())
        digest = content_hash(lines)
        statement_id = label or digest[:32]
        fund_id = fund_aggregate_id(code)
        # The fund's items as stored now, read outside the writer; the writer adds what the
        # fund recorded since (see _items_since).
        items, read_version = self._fund_items(fund_id)

        def command(uow):
            fund = uow.get(Fund, fund_id, f"fund {code}")
            known = items + self._items_since(fund, read_version)
            label_key = statement_label_key(code, label) if label else None
            label_limit = uow.find(ClaimLimit, limit_aggregate_id(label_key)) if label_key else None
            if label_limit is not None and digest not in label_limit.holders:
                raise Duplicate(f"statement_id {label!r} of fund {code} was imported with other lines")
            statement = uow.find(BankStatement, statement_aggregate_id(code, digest))
            created = statement is None
            duplicates = []
            if created:
                statement = uow.add(BankStatement.imported(id=statement_aggregate_id(code, digest), fund_code=code,
                                                           statement_id=statement_id, content_hash=digest,
                                                           lines=lines, actor=actor.user_id))
                if label_key is not None:
                    uow.add(ClaimLimit(id=limit_aggregate_id(label_key), key=label_key, limit=1,
                                       kind="once")).take(digest)
                duplicates = [[line_no, None, earlier, False]
                              for line_no, earlier in find_duplicates(lines).items()]
            self._match(uow, statement, known, duplicates, actor.user_id)
            self._count_open_lines(uow, statement, actor.user_id)
            uow.keep_out_of_memory(statement.id)  # up to 100,000 lines, needed again only by a re-import
            return Outcome(created, statement_view(statement, {item.item_key: item for item in known}))

        return self._run(actor.user_id, idem, command)[0]

    def _match(self, uow, statement: BankStatement, items: list[LedgerItem], duplicates: list[list],
               actor_id: str) -> None:
        """Match the statement's open lines (`duplicates`: lines of a new statement repeating
        an earlier one of it, never matched) and record every outcome in one event."""
        code = statement.fund_code

        def taken(item_key: str) -> Taker | None:
            match = uow.find(BankMatch, bank_match_id(code, item_key))
            return None if match is None else match.taker()

        repeated = {line_no for line_no, *_ in duplicates}
        open_lines = [line for line in statement.open_lines() if line.line_no not in repeated]
        matches = []
        for decision in plan_matches(statement.statement_id, open_lines, items, taken):
            if decision.how == "overlap":
                duplicates.append([decision.line_no, decision.overlap_of.statement_id, decision.overlap_of.line_no,
                                   True])
                continue
            line = StatementLine.of(statement.line(decision.line_no))
            matches.append([decision.line_no, decision.how, decision.item.item_key])
            uow.add(BankMatch(id=bank_match_id(code, decision.item.item_key), fund_code=code,
                              item_key=decision.item.item_key, statement_id=statement.statement_id,
                              line_no=decision.line_no, fingerprint=list(line.fingerprint), how=decision.how))
        if matches or duplicates:
            statement.record_outcomes(matches=matches, duplicates=sorted(duplicates), actor=actor_id)

    @staticmethod
    def _count_open_lines(uow, statement: BankStatement, actor_id: str) -> None:
        """The fund's account learns the statement's open lines per month when they change (a
        statement imported before accounts kept counts is counted when imported again)."""
        code = statement.fund_code
        account = uow.find(BankAccount, bank_account_id(code))
        if account is None:
            account = uow.add(BankAccount(id=bank_account_id(code), fund_code=code, actor=actor_id))
        counts = open_by_month(statement)
        if account.open_lines.get(str(statement.id)) != counts:
            account.count(statement=str(statement.id), statement_id=statement.statement_id, open_by_month=counts,
                          actor=actor_id)

    def _fund_items(self, fund_id: UUID) -> tuple[list[LedgerItem], int]:
        """The fund's payments, returns and recoveries as stored, and the version read up to."""
        items: list[LedgerItem] = []
        version = 0
        while True:
            page = self.app.recorder.select_events(fund_id, gt=version or None, limit=ITEMS_PAGE)
            for stored in page:
                if stored.topic in ITEM_TOPICS:
                    items.append(ledger_item(self.app.mapper.to_domain_event(stored)))
            if page:
                version = page[-1].originator_version
            if len(page) < ITEMS_PAGE:
                return items, version

    def _items_since(self, fund: Fund, read_version: int) -> list[LedgerItem]:
        """In the writer: the items the fund recorded after `read_version`, committed or
        pending in this batch."""
        committed = fund.version - len(fund.pending_events)
        events = []
        if committed > read_version:
            events += [self.app.mapper.to_domain_event(stored)
                       for stored in self.app.recorder.select_events(fund.id, gt=read_version, lte=committed)
                       if stored.topic in ITEM_TOPICS]
        events += fund.pending_events
        return [item for e in events if (item := ledger_item(e)) is not None]
