"""A client generated from /openapi.json (openapi-python-client, as a bureau's developer
would make one) runs the whole journey of tests/test_journey_api.py: a fund opened and given
money, a claim submitted, approved, prepaid, the payment returned and paid again, the
settlement facts recorded, the clawback recovered, the fund's balance and the claim's events
read; refusals come back as parsed Problem documents, never None."""
from __future__ import annotations

import importlib
import json
import sys

import pytest

from api.app import create_app

from .support import internship_claim

PACKAGE = "ledger_generated_client"


@pytest.fixture(scope="session")
def generated(tmp_path_factory):
    """The generated package, imported (made once per test process)."""
    pytest.importorskip("openapi_python_client", reason="openapi-python-client is not installed "
                                                        "(pip install -e '.[test]')")
    from openapi_python_client import generate
    from openapi_python_client.config import Config, ConfigFile, MetaType

    where = tmp_path_factory.mktemp("generated-client")
    document = where / "openapi.json"
    document.write_text(json.dumps(create_app().openapi()))
    config = Config.from_sources(ConfigFile(post_hooks=[], package_name_override=PACKAGE), MetaType.NONE, document,
                                 "utf-8", True, where / PACKAGE)
    problems = [e for e in generate(config=config) if "text/csv" not in (e.detail or "")]
    assert not problems, [(e.header, e.detail) for e in problems]  # the CSV body is the only one it skips
    sys.path.insert(0, str(where))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(where))


def _operation(tag: str, operation: str):
    """The generated module of an operation: <package>.api.<tag>.<operation id in snake case>."""
    return importlib.import_module(f"{PACKAGE}.api.{tag}.{operation}")


def test_a_generated_client_runs_a_claims_journey(generated, client, staff):
    models = importlib.import_module(f"{PACKAGE}.models")

    def as_(person):
        # The test's ASGI transport carries the generated client's requests to the app.
        return generated.AuthenticatedClient(base_url="http://testserver", token=person.token,
                                             httpx_args={"transport": client._transport})

    treasurer, clerk, reviewer, auditor = (as_(p) for p in (staff.treasurer, staff.clerk, staff.reviewer,
                                                             staff.auditor))
    open_fund, allocate = _operation("funds", "open_fund"), _operation("funds", "allocate_to_fund")
    submit, approve = _operation("claims", "submit_claim"), _operation("claims", "approve_claim")
    pay = _operation("claims", "record_payment")
    fund = open_fund.sync(client=treasurer, body=models.FundIn.from_dict(
        {"fund_type": "employment_subsidy", "region": "210100"}))
    assert isinstance(fund, models.FundOut), fund
    allocated = allocate.sync(fund.fund_id, client=treasurer, body=models.AllocationIn.from_dict(
        {"amount": "10000.00", "source": "provincial", "document_no": "辽财社〔2022〕1号",
         "effective_date": "2022-06-10"}))
    assert isinstance(allocated, models.AllocationOut) and allocated.fund.balance.available == "10000.00"

    submitted = submit.sync(client=clerk, body=models.InternshipClaimIn.from_dict(internship_claim(term_months=3)))
    assert isinstance(submitted, models.ClaimOut), submitted
    assert submitted.status == "submitted" and submitted.amounts.entitled == "3450.00"
    approved = approve.sync(submitted.claim_id, client=reviewer,
                            body=models.ApproveIn.from_dict({"approved_on": "2022-07-16"}))
    assert approved.status == "approved" and approved.fund_id == fund.fund_id

    too_much = pay.sync(submitted.claim_id, client=treasurer, body=models.PaymentIn.from_dict(
        {"amount": "1725.01", "kind": "prepayment", "payment_ref": "P-1"}))
    assert isinstance(too_much, models.Problem) and too_much.code == "limit_exceeded" and too_much.status == 409
    refused = submit.sync(client=clerk, body=models.InternshipClaimIn.from_dict(internship_claim(term_months=121)))
    assert isinstance(refused, models.Problem) and refused.field == "facts.term_months"
    paid = pay.sync(submitted.claim_id, client=treasurer, body=models.PaymentIn.from_dict(
        {"amount": "1725.00", "kind": "prepayment", "payment_ref": "P-1", "paid_on": "2022-07-20"}))
    assert paid.status == "prepaid" and paid.amounts.paid == "1725.00"

    # The bank bounces it; paid again; the intern left after a month: 575.00 owed back, recovered.
    cid = submitted.claim_id
    returned = _operation("claims", "return_payment").sync(cid, "P-1", client=treasurer,
                                                           body=models.ReturnIn.from_dict({"reason": "退票"}))
    assert returned.amounts.paid == "0.00" and returned.amounts.reserved == "3450.00"
    assert pay.sync(cid, client=treasurer, body=models.PaymentIn.from_dict(
        {"amount": "1725.00", "kind": "prepayment", "payment_ref": "P-2"})).status == "prepaid"
    settled = _operation("claims", "record_claim_facts").sync(cid, client=clerk, body=models.FactsIn.from_dict(
        {"facts": {"months_served": 1, "left_for_employment": False}}))
    assert settled.amounts.entitled == "1150.00" and settled.amounts.clawback_outstanding == "575.00"
    recovered = _operation("claims", "record_recovery").sync(cid, client=treasurer, body=models.RecoveryIn.from_dict(
        {"amount": "575.00", "reference": "RC-1"}))
    assert recovered.amounts.clawback_outstanding == "0.00"
    balance = _operation("funds", "get_fund").sync(fund.fund_id, client=treasurer).balance
    assert (balance.disbursed, balance.recovered, balance.available) == ("1725.00", "575.00", "8850.00")

    read = _operation("claims", "get_claim").sync(cid, client=auditor)
    assert read.status == "paid" and read.claim_id == cid  # settled by the facts and the recovery
    events = _operation("claims", "list_claim_events").sync(cid, client=auditor)
    assert [e.type_ for e in events.items] == ["Submitted", "Approved", "PaymentRecorded", "PaymentReturned",
                                               "PaymentRecorded", "FactsRecorded", "RecoveryRecorded"]

    missing = _operation("claims", "get_claim").sync("00000000-0000-4000-8000-000000000000", client=auditor)
    assert isinstance(missing, models.Problem) and missing.code == "not_found"
    anonymous = generated.Client(base_url="http://testserver", httpx_args={"transport": client._transport})
    refused = _operation("claims", "get_claim").sync(submitted.claim_id, client=anonymous)
    assert isinstance(refused, models.Problem) and refused.status == 401
