"""The shipped catalog file is a ledger's initial state (issue 10, section 4.7): its first
start records the file's values in the log, and it resolves from the log thereafter. An
edit of parameters.toml never rewrites the ledger's history: a decided claim keeps its
rule version and sources, a past date resolves as before, and the edit becomes a change
proposed by "system" from the day the edited file is first started, for an admin to
confirm or reject. A parameter new to the ledger enters as initial values."""
from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from uuid import UUID

import pytest

from ledger.access import Actor
from ledger.domain.claim import Claim
from ledger.domain.policy import ProgramParameters
from ledger.domain.ids import program_parameters_aggregate_id
from ledger.errors import NotFound
from ledger.policy.catalog import catalog_from_data
from ledger.policy.shipped import compare
from runtime.container import Runtime

from .support import job_expansion_claim

POLICY = Path(__file__).resolve().parents[1] / "ledger" / "policy"
CLERK = Actor("clerk", "clerk", frozenset({"clerk"}), ("210000",))
ADMIN = Actor("admin-confirmer", "admin", frozenset({"admin"}), ("000000",))


def edited_catalog(edit):
    programs = tomllib.loads((POLICY / "programs.toml").read_text(encoding="utf-8"))
    parameters = tomllib.loads((POLICY / "parameters.toml").read_text(encoding="utf-8"))
    edit(parameters)
    return catalog_from_data(programs, parameters)


def start(settings, catalog=None) -> Runtime:
    rt = Runtime(settings, catalog=catalog)
    rt.start(project=False)
    return rt


def test_the_first_start_records_the_shipped_values_once(settings):
    rt = start(settings)
    try:
        stream = rt.app.repository.get(program_parameters_aggregate_id("internship"))
        assert isinstance(stream, ProgramParameters) and stream.shipped_sha256 == rt.ledger.catalog.digest
        assert [(e["name"], e["value"]) for e in stream.initial] == [
            ("living_allowance", "1000.00"), ("management_fee", "150.00"), ("max_term_months", 12),
            ("prepay_share", "0.5"), ("full_term_rule_until", "2022-12-31"), ("publicity_days", 0)]
        head = rt.ledger.head_position()
    finally:
        rt.close()
    rt = start(settings)  # the same file again: nothing to record
    try:
        assert rt.ledger.head_position() == head
    finally:
        rt.close()


def test_an_edited_file_does_not_rewrite_history_and_becomes_a_proposed_change(settings):
    rt = start(settings)
    try:
        decided = rt.ledger.submit_claim(CLERK, job_expansion_claim(application_date="2022-07-15")).body
        cited = rt.ledger.rule_set("job_expansion", decided["rule_version"])
    finally:
        rt.close()

    def raise_per_hire(parameters):
        version = parameters["job_expansion"]["per_hire"]["versions"][0]
        version.update(value="1400.00", source="corrected in a release")

    rt = start(settings, edited_catalog(raise_per_hire))
    try:
        claim = rt.app.repository.get(UUID(decided["claim_id"]))
        assert isinstance(claim, Claim)
        assert (claim.rule_version, claim.entitled_fen) == (decided["rule_version"], 150000)
        again = rt.ledger.rule_set("job_expansion", decided["rule_version"])
        assert (again.wire(), again.provenance_wire()) == (cited.wire(), cited.provenance_wire())
        # A past date resolves as it did: the same values, sources and rule version.
        same_day = rt.ledger.submit_claim(CLERK, job_expansion_claim(application_date="2022-07-15")).body
        assert (same_day["rule_version"], same_day["amounts"]["entitled"]) == (decided["rule_version"], "1500.00")
        # The edit waits for an admin, as a change from the day the edited file was started.
        [change] = rt.ledger.parameter_changes("job_expansion", "proposed")
        today = rt.ledger.today()
        assert (change["proposed_by"], change["region"], change["effective_from"], change["values"],
                change["retroactive"]) == ("system", "210000", today.isoformat(), {"per_hire": "1400.00"}, False)
        assert change["document_no"] == f"parameters.toml sha256 {rt.ledger.catalog.digest[:12]}"
        assert rt.ledger.current_catalog("job_expansion").resolve("job_expansion", "210000", today).values[
            "per_hire"] == 150000
        confirmed = rt.ledger.confirm_parameter_change(ADMIN, "job_expansion", change["change_id"]).body
        assert confirmed["status"] == "in_force"
        catalog = rt.ledger.current_catalog("job_expansion")
        assert catalog.resolve("job_expansion", "210000", today).values["per_hire"] == 140000
        assert catalog.resolve("job_expansion", "210100", today).provenance["per_hire"].source == (
            "the shipped parameters.toml changed on " + today.isoformat())
        assert catalog.resolve("job_expansion", "210100", claim.application_date).rule_version == decided[
            "rule_version"]
        head = rt.ledger.head_position()
    finally:
        rt.close()
    rt = start(settings, edited_catalog(raise_per_hire))  # the edited file again: nothing new
    try:
        assert rt.ledger.head_position() == head
        assert len(rt.ledger.parameter_changes("job_expansion")) == 1
    finally:
        rt.close()


def test_a_parameter_new_to_the_ledger_enters_as_initial_values(settings):
    """A release that adds a parameter (e.g. publicity_days to every program): no decision
    can have used it, so it enters the log as initial values, and decided claims keep their
    rule versions."""
    rt = start(settings)
    try:
        decided = rt.ledger.submit_claim(CLERK, job_expansion_claim(application_date="2022-07-15")).body
    finally:
        rt.close()

    def add_parameter(parameters):
        parameters["job_expansion"]["notice_days"] = {
            "description": "a parameter a release adds", "unit": "int", "reference": "一.1",
            "versions": [{"region": "210000", "effective_from": dt.date(2022, 6, 4), "value": 0,
                          "source": "province default"}]}

    rt = start(settings, edited_catalog(add_parameter))
    try:
        rules = rt.ledger.current_catalog("job_expansion").resolve(
            "job_expansion", "210100", dt.date(2022, 7, 15))
        assert rules.values["notice_days"] == 0 and rules.values["per_hire"] == 150000
        assert rt.ledger.parameter_changes("job_expansion") == []
        assert rt.ledger.rule_set("job_expansion", decided["rule_version"]).wire() == {
            "per_hire": "1500.00", "apply_until": "2022-12-31", "publicity_days": 0}
    finally:
        rt.close()


def test_compare_says_what_an_edit_means():
    """ledger/policy/shipped.py on its own: new names enter, edits are proposed from today,
    removals are proposed as null, edits wholly in the past are only reported."""
    def entry(name, value, start="2022-06-04", end=None, region="210000"):
        return {"name": name, "region": region, "effective_from": start, "effective_to": end, "value": value,
                "source": "s"}

    today = dt.date(2026, 12, 1)
    recorded = [entry("a", 1), entry("b", 2, end="2023-01-01"), entry("c", 3), entry("d", 4, start="2030-01-01")]
    shipped = [entry("a", 5), entry("b", 6, end="2023-01-01"), entry("d", 4, start="2030-01-01"),
               entry("e", 7)]
    diff = compare(recorded, shipped, {"a", "b", "c", "d"}, today)
    assert diff.initial == [entry("e", 7)]
    assert diff.past == [entry("b", 6, end="2023-01-01")]
    assert diff.proposals == [{"region": "210000", "effective_from": today, "effective_to": None,
                               "values": {"a": 5, "c": None}}]
    assert compare(recorded, recorded, {"a", "b", "c", "d"}, today).proposals == []


def test_without_a_start_the_file_stands_for_the_initial_state(settings):
    """A ledger not started through the runtime (the domain tests' ledgers) resolves from the
    file, and its first proposal records the file first."""
    rt = Runtime(settings)
    try:
        with pytest.raises(NotFound):
            rt.ledger.load(ProgramParameters, program_parameters_aggregate_id("job_expansion"), "parameters")
        catalog = rt.ledger.current_catalog("job_expansion")
        assert catalog.resolve("job_expansion", "210000", dt.date(2022, 7, 1)).values[
            "per_hire"] == 150000
        proposer = Actor("admin-proposer", "admin", frozenset({"admin"}), ("000000",))
        rt.ledger.propose_parameter_change(proposer, "job_expansion", {
            "region": "210100", "effective_from": "2030-01-01", "values": {"per_hire": "1200.00"},
            "document_no": "沈人社〔2029〕1号", "reason": "试"})
        stream = rt.ledger.load(ProgramParameters, program_parameters_aggregate_id("job_expansion"), "parameters")
        assert stream.shipped_sha256 == rt.ledger.catalog.digest and len(stream.initial) == 3
    finally:
        rt.close()
