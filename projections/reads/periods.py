"""A fund's months as closes and reopens left them (GET /v1/periods): read from the fund's
period events themselves, which the fund history read model indexes by log position."""
from __future__ import annotations

from ledger.access import READ_REPORTS, Actor
from ledger.domain.fund import parse_fund_code
from ledger.errors import NotFound
from ledger.views import event_type, utc_text

from ..sql import PERIOD_TYPES
from .reports import ReportReads



def _month(months: dict, month: str) -> dict:
    return months.setdefault(month, {
        "month": month, "state": "open", "closed_by": None, "closed_at": None, "override_reason": None,
        "evidence": None, "reopened_by": None, "reopened_at": None, "reopen_reason": None,
        "reopen_document_no": None, "reopen_requests": [], "history": []})


class PeriodReads(ReportReads):
    def periods(self, actor: Actor, fund_id: str) -> dict:
        """Each month of the fund that was ever closed: its state, who closed it (when, on what
        evidence, with what override reason), who proposed and confirmed a reopen, and the
        reopen requests still waiting for a second person; oldest month first."""
        actor.require_role(*READ_REPORTS)
        _, region = parse_fund_code(fund_id)
        actor.require_region(region)
        head = self.wait_consistent()
        if self.view.fund(fund_id) is None:
            raise NotFound(f"fund {fund_id} not found")
        rows = self.view._rows(f"SELECT position FROM rm_fund_history WHERE fund_id = ? AND type IN {PERIOD_TYPES}"
                               " AND position <= ? ORDER BY position", (fund_id, head))
        months: dict[str, dict] = {}
        proposals: dict[str, dict] = {}
        for row in rows:
            position = int(row["position"])
            stored = self.app.recorder.select_notifications(start=position, limit=1, stop=position)
            event = self.app.mapper.to_domain_event(stored[0])
            kind, at = event_type(event), utc_text(event.timestamp)
            entry = _month(months, event.month)
            if kind == "PeriodClosed":
                entry.update(state="closed", closed_by=event.actor, closed_at=at,
                             override_reason=event.override_reason, evidence=event.evidence)
                entry["history"].append({"event": "closed", "at": at, "by": event.actor, "position": position,
                                         "override_reason": event.override_reason})
            elif kind == "PeriodReopenProposed":
                proposal = {"change_id": event.change_id, "proposed_by": event.actor, "proposed_at": at,
                            "reason": event.reason, "document_no": event.document_no}
                proposals[event.change_id] = proposal
                entry["reopen_requests"].append(proposal)
                entry["history"].append({"event": "reopen_proposed", "at": at, "by": event.actor,
                                         "position": position, "change_id": event.change_id,
                                         "reason": event.reason, "document_no": event.document_no})
            else:
                proposal = proposals.get(event.change_id, {})
                entry.update(state="open", reopened_by=event.actor, reopened_at=at,
                             reopen_reason=proposal.get("reason"), reopen_document_no=proposal.get("document_no"),
                             reopen_requests=[])  # confirming one settles every request for the month
                entry["history"].append({"event": "reopened", "at": at, "by": event.actor, "position": position,
                                         "change_id": event.change_id, "proposed_by": proposal.get("proposed_by")})
        return {"fund_id": fund_id, "items": [months[m] for m in sorted(months)],
                "closed_months": sorted(m for m, e in months.items() if e["state"] == "closed"), "position": head}
