"""Events stored in an older shape still load: ClaimLimit.Opened version 1 (no `kind`) is
upcast on read, and limits opened then keep behaving as they did; Credential.Issued version 1
(an HMAC-derived token) loads and no longer authenticates, except that the bootstrap admin
is re-keyed at start-up from the configured token; ProgramParameters.VersionRecorded and
RuleVersionRecord.FirstUsed version 1 (one admin's parameter versions, values-only rule
versions) load, and every old rule version answers what it recorded."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import StoredEvent

from ledger.access import Actor
from ledger.domain.ids import cap_aggregate_id, credential_aggregate_id, limit_aggregate_id
from ledger.domain.limits import ClaimLimit
from ledger.domain.users import Credential, token_hash
from ledger.errors import Duplicate, InvalidState, LimitExceeded, Unauthenticated
from ledger.views import claim_view
from runtime.container import Runtime

from .support import PII_KEY, parameters_in_force, person_id, token_pair

TOKENS_V1 = Path(__file__).parent / "fixtures" / "tokens_v1.json"


def _store_v1_opened(rt: Runtime, key: str, limit: int) -> None:
    """Write the event exactly as the first release stored it: no `kind`, no class_version."""
    state = {"timestamp": dt.datetime(2022, 7, 1, tzinfo=dt.timezone.utc),
             "originator_topic": "ledger.domain.limits:ClaimLimit", "key": key, "limit": limit}
    rt.app.recorder.insert_events([StoredEvent(originator_id=limit_aggregate_id(key), originator_version=1,
                                               topic="ledger.domain.limits:ClaimLimit.Opened",
                                               state=rt.app.mapper.transcoder.encode(state))])


@pytest.fixture
def rt(settings):
    runtime = Runtime(settings)
    runtime.start(project=False)
    yield runtime
    runtime.close()


def test_old_shaped_limit_events_load_through_the_upcaster(rt):
    _store_v1_opened(rt, "old:once", 1)
    _store_v1_opened(rt, "old:count", 3)
    once = rt.app.repository.get(limit_aggregate_id("old:once"))
    count = rt.app.repository.get(limit_aggregate_id("old:count"))
    assert (once.kind, count.kind) == ("once", "count")
    once.take(claim_id="a")
    with pytest.raises(Duplicate):
        once.check_take("b", "old once-only key")
    for claim in ("a", "b", "c"):
        count.take(claim_id=claim)
    with pytest.raises(LimitExceeded):
        count.check_take("d", "old count key")
    rt.app.save(once, count)  # new events append to the old stream and reload together
    assert rt.app.repository.get(once.id).holders == ["a"]
    assert rt.app.repository.get(count.id).holders == ["a", "b", "c"]
    assert rt.ledger.verify_chain()["ok"]  # the chain covers the old-shaped bytes as stored


def test_a_count_limit_of_one_is_over_the_limit_not_a_duplicate(rt):
    """三.12: a city that allows one skill subsidy a year refuses the second as limit_exceeded."""
    clerk = Actor("clerk", "clerk", frozenset({"clerk"}), ("210000",))
    parameters_in_force(rt.ledger, "skill_certificate", {"region": "210100", "effective_from": "2022-06-04",
                                                         "values": {"max_per_year": 1}})
    number = person_id()

    def claim(occupation: str) -> dict:
        return {"program": "skill_certificate", "region": "210100",
                "applicant": {"kind": "person", "id": number, "name": "王五"},
                "facts": {"level": "primary", "occupation": occupation, "certificate_no": f"C-{uuid4().hex[:6]}",
                          "certificate_date": "2022-05-01", "ui_contribution_months": 24,
                          "receiving_ui_benefits": False}, "application_date": "2022-07-01"}

    rt.ledger.submit_claim(clerk, claim("电工"))
    with pytest.raises(LimitExceeded):
        rt.ledger.submit_claim(clerk, claim("焊工"))
    assert ClaimLimit.Opened.class_version == 2


def _ledger_from_before_random_tokens(settings) -> dict:
    """A store holding the fixture's users and credentials, byte for byte as the old release
    wrote them (tests/fixtures/make_tokens_v1.py), as the upgrade finds it."""
    fixture = json.loads(TOKENS_V1.read_text(encoding="utf-8"))
    assert fixture["pii_key"] == PII_KEY  # the clerk's old token could still be derived today
    rt = Runtime(dataclasses.replace(settings, bootstrap_admin_token=None))
    rt.app.recorder.insert_events([
        StoredEvent(originator_id=UUID(e["originator_id"]), originator_version=e["originator_version"],
                    topic=e["topic"], state=e["state"].encode()) for e in fixture["events"]])
    rt.close()
    return fixture


def test_old_credentials_load_and_no_longer_authenticate_but_the_bootstrap_admin_is_rekeyed(settings):
    fixture = _ledger_from_before_random_tokens(settings)
    assert settings.bootstrap_admin_token == fixture["admin_token"]
    rt = Runtime(settings)
    rt.start(project=False)
    try:
        old = rt.app.repository.get(credential_aggregate_id(token_hash(fixture["clerk_token"])))
        assert isinstance(old, Credential) and old.user_id == fixture["clerk_user_id"] and old.token_id is None
        with pytest.raises(Unauthenticated):
            rt.ledger.authenticate(fixture["clerk_token"])
        # The bootstrap admin is the same user, now holding the configured token under a token record.
        admin = rt.ledger.authenticate(fixture["admin_token"])
        assert admin.user_id == fixture["admin_user_id"] and admin.roles == frozenset({"admin"})
        assert rt.app.repository.get(credential_aggregate_id(token_hash(fixture["admin_token"]))).version == 2
        # The clerk remains, with its past, and works again once an admin issues it a token.
        clerk = rt.ledger.user_document(admin, fixture["clerk_user_id"])
        assert (clerk["name"], clerk["active"], clerk["tokens"]) == ("沈阳 经办员", True, [])
        fresh, digest = token_pair()
        rt.ledger.issue_token(admin, fixture["clerk_user_id"], {"token_sha256": digest})
        assert rt.ledger.authenticate(fresh).user_id == fixture["clerk_user_id"]
        assert rt.ledger.verify_chain()["ok"]  # the chain covers the old-shaped bytes as stored
    finally:
        rt.close()


def test_an_upgrade_with_another_bootstrap_token_appoints_a_new_admin(settings):
    fixture = _ledger_from_before_random_tokens(settings)
    token = "another-bootstrap-token-chosen-at-upgrade"
    rt = Runtime(dataclasses.replace(settings, bootstrap_admin_token=token))
    rt.start(project=False)
    try:
        for old in (fixture["admin_token"], fixture["clerk_token"]):
            with pytest.raises(Unauthenticated):
                rt.ledger.authenticate(old)
        assert rt.ledger.authenticate(token).user_id not in (fixture["admin_user_id"], fixture["clerk_user_id"])
    finally:
        rt.close()


CLAIMS_V1 = Path(__file__).parent / "fixtures" / "claims_v1.json"
CLERK = Actor("clerk-now", "clerk", frozenset({"clerk"}), ("000000",))
REVIEWER = Actor("reviewer-now", "reviewer", frozenset({"reviewer"}), ("000000",))


def _ledger_from_before_caps(settings) -> dict:
    """A store holding claims as the release before caps and the notice's conditions wrote
    them (tests/fixtures/make_claims_v1.py): facts without graduation_year, business_form or
    loan_contract_no, rule versions without the new parameters, no caps taken."""
    fixture = json.loads(CLAIMS_V1.read_text(encoding="utf-8"))
    assert fixture["pii_key"] == PII_KEY
    rt = Runtime(settings)
    rt.app.recorder.insert_events([
        StoredEvent(originator_id=UUID(e["originator_id"]), originator_version=e["originator_version"],
                    topic=e["topic"], state=e["state"].encode()) for e in fixture["events"]])
    rt.close()
    return fixture


def test_claims_stored_before_caps_and_conditions_load_read_and_settle_sensibly(settings):
    fixture = _ledger_from_before_caps(settings)
    rt = Runtime(settings)
    rt.start(project=False)
    try:
        ids = fixture["claims"]
        for name, claim_id in ids.items():
            claim = rt.ledger.claim(CLERK, claim_id)
            assert claim.program == name and claim.cap_keys == []       # took no cap: none existed
        # Settlement re-decides an old claim under its own, older rules: the conditions added
        # since are not applied to it, and say so, instead of failing on facts it never had.
        done = rt.ledger.record_facts(CLERK, ids["apprenticeship"], {"facts": {"completed": True}}).body
        assert done["amounts"]["approved"] == "7800.00"
        graduate = next(s for s in done["entitlement_explanation"] if s["rule"] == "apprenticeship.graduate")
        assert graduate["passed"] and "not recorded" in graduate["en"]
        settled = rt.ledger.record_facts(CLERK, ids["internship"], {"facts": {"months_served": 1,
                                                                             "left_for_employment": True}}).body
        # Applied in 2022 under rules without the full-term deadline: left with 2 of 3 months to go,
        # a third or more, so settled on the month served, as then.
        assert settled["amounts"]["entitled"] == "1150.00"
        deadline = [s for s in settled["entitlement_explanation"] if s["rule"].endswith("full_term_rule_until")]
        assert len(deadline) == 1 and deadline[0]["passed"] and "not checked" in deadline[0]["en"]
        # New claims by the same person are decided under today's rules and caps.
        r = rt.ledger.submit_claim(CLERK, {
            "program": "startup", "region": "210100",
            "applicant": {"kind": "person", "id": fixture["person"], "name": "创业者"},
            "facts": {"first_business": True, "guaranteed_loan": True, "new_industry": True,
                      "registered_on": "2022-05-01", "business_form": "individual", "graduation_year": 2021,
                      "diploma_date": "2021-06-30"},
            "application_date": "2022-08-01"}).body
        assert r["amounts"]["entitled"] == "5000.00"                # no uplift for a sole trader
        assert rt.ledger.verify_chain()["ok"]
    finally:
        rt.close()


PARAMETERS_V1 = Path(__file__).parent / "fixtures" / "parameters_v1.json"


def _ledger_from_before_two_person_changes(settings) -> dict:
    """A store holding the fixture's parameter versions, rule versions and claims, byte for
    byte as the old release wrote them (tests/fixtures/make_parameters_v1.py)."""
    fixture = json.loads(PARAMETERS_V1.read_text(encoding="utf-8"))
    assert fixture["pii_key"] == PII_KEY and fixture["admin_token"] == settings.bootstrap_admin_token
    rt = Runtime(dataclasses.replace(settings, bootstrap_admin_token=None))
    rt.app.recorder.insert_events([
        StoredEvent(originator_id=UUID(e["originator_id"]), originator_version=e["originator_version"],
                    topic=e["topic"], state=e["state"].encode()) for e in fixture["events"]])
    rt.close()
    return fixture


def test_parameter_versions_and_rule_versions_of_the_one_admin_release_load_and_are_explained(settings):
    """VersionRecorded v1 (one admin, in force at once, document and reason optional) and
    RuleVersionRecord.FirstUsed v1 (values-only rule versions, no document in provenance)
    load through their upcasters; every old rule version answers exactly what it recorded;
    decided claims keep theirs; the values now resolve with their sources explained."""
    fixture = _ledger_from_before_two_person_changes(settings)
    claims, admin_id = fixture["claims"], fixture["admin_user_id"]
    # The old naming: equal values in Shenyang and Dalian shared one rule version.
    assert claims["shenyang"]["rule_version"] == claims["dalian"]["rule_version"]
    rt = Runtime(settings)
    rt.start(project=False)
    try:
        ledger = rt.ledger
        for name, old in claims.items():
            program = "internship" if name == "internship" else "job_expansion"
            claim = rt.app.repository.get(UUID(old["claim_id"]))
            assert claim.rule_version == old["rule_version"] and claim.explanation == old["explanation"]
            rules = ledger.rule_set(program, old["rule_version"])
            assert (rules.rule_version, rules.code_version) == (old["rule_version"], None)
        shared = ledger.rule_set("job_expansion", claims["dalian"]["rule_version"])
        assert shared.wire() == {"per_hire": "2000.00", "apply_until": "2022-12-31"}
        # What the first use recorded, Shenyang's origin, as it was recorded: history stays.
        assert shared.provenance_wire()["per_hire"] == {"value": "2000.00", "region": "210100",
                                                        "effective_from": "2022-08-01", "document_no": None,
                                                        "source": f"recorded by {admin_id}"}

        versions = ledger.parameter_history("job_expansion")
        assert [(v["region"], v["document_no"], v["proposed_by"], v["confirmed_by"], v["retroactive"])
                for v in versions] == [("210100", None, admin_id, None, None),
                                       ("210200", "大人社〔2022〕5号", admin_id, None, None)]
        catalog = ledger.current_catalog("job_expansion")
        on = dt.date(2022, 8, 15)
        shenyang, dalian = (catalog.resolve("job_expansion", region, on) for region in ("210100", "210200"))
        assert shenyang.provenance_wire()["per_hire"] == {
            "value": "2000.00", "region": "210100", "effective_from": "2022-08-01", "document_no": None,
            "source": f"recorded by {admin_id} alone, without a document number or a reason"}
        assert dalian.provenance_wire()["per_hire"]["document_no"] == "大人社〔2022〕5号"
        assert dalian.provenance_wire()["per_hire"]["source"] == "大连提高扩岗补助"
        # Decided from now on, the two cities' equal values are two rule versions.
        assert len({shenyang.rule_version, dalian.rule_version, claims["dalian"]["rule_version"]}) == 3
        internship = ledger.current_catalog("internship").resolve("internship", "210100", on)
        assert internship.provenance_wire()["living_allowance"]["source"] == (
            f"recorded by {admin_id} alone, without a reason")

        # Settlement facts on an old claim are decided under its own, old rule version.
        clerk = Actor("clerk", "clerk", frozenset({"clerk"}), ("210000",))
        settled = ledger.record_facts(clerk, claims["internship"]["claim_id"], {"facts": {"months_served": 2}}).body
        assert settled["amounts"]["entitled"] == "2700.00"  # (1200.00 + 150.00) × 2
        assert settled["rule_version"] == claims["internship"]["rule_version"]
        assert ledger.verify_chain()["ok"]  # the chain covers the old-shaped bytes as stored
    finally:
        rt.close()


def test_claims_stored_before_public_notices_load_with_no_notice_and_are_not_held(settings):
    """Claims of the release before public notices (claims_v1.json: no NoticeOpened events, rule
    versions without publicity_days) load and show no notice; an old submitted claim approved
    today is decided again under the rules in force (DOMAIN.md F11, corrections reach
    undecided claims), so where the city now has a notice it opens one; its parties, never
    noted on a watch, are held as soon as they are listed."""
    fixture = _ledger_from_before_caps(settings)
    rt = Runtime(settings)
    rt.start(project=False)
    admin = Actor("admin-now", "admin", frozenset({"admin"}), ("000000",))
    treasurer = Actor("treasurer-now", "treasurer", frozenset({"treasurer"}), ("000000",))
    try:
        ids = fixture["claims"]
        for claim_id in ids.values():
            claim = rt.ledger.claim(CLERK, claim_id)
            assert claim.publicity is None and claim_view(claim)["publicity"] is None
            # events stored before backdating was recorded carry no evidence: nothing is backdated
            assert claim.backdated_entries == () and "backdated" not in claim_view(claim)
        parameters_in_force(rt.ledger, "startup", {"region": "210100", "effective_from": "2022-06-04",
                                                   "values": {"publicity_days": 5}})
        stored_version = rt.ledger.claim(CLERK, ids["startup"]).rule_version
        settings.clock.travel_to(dt.date(2022, 7, 16))  # the notice starts on the day the approval is recorded
        approved = rt.ledger.approve(REVIEWER, ids["startup"], {"approved_on": "2022-07-16"}).body
        assert approved["status"] == "approved" and approved["publicity"]["starts_on"] == "2022-07-16"
        assert approved["rule_version"] != stored_version
        assert approved["amounts"]["entitled"] == "6500.00"           # its stored facts, today's rules, as before
        settings.clock.travel_to(dt.date(2022, 8, 1))  # after the notice's last day, Friday 2022-07-22
        paid = rt.ledger.pay(treasurer, ids["startup"], {"amount": "1000.00", "kind": "settlement",
                                                        "payment_ref": "ZF-OLD-1", "paid_on": "2022-08-01"}).body
        assert paid["amounts"]["paid"] == "1000.00"
        # A claim submitted now, under today's rules for Shenyang, is put on notice.
        new = rt.ledger.submit_claim(CLERK, {
            "program": "startup", "region": "210100",
            "applicant": {"kind": "person", "id": person_id(), "name": "创业者"},
            "facts": {"first_business": True, "guaranteed_loan": True, "new_industry": False,
                      "registered_on": "2022-05-01", "business_form": "individual", "graduation_year": 2021,
                      "diploma_date": "2021-06-30"},
            "application_date": "2022-08-01"}).body
        settings.clock.travel_to(dt.date(2022, 8, 2))  # the notice starts on the day the approval is recorded
        noticed = rt.ledger.approve(REVIEWER, new["claim_id"], {"approved_on": "2022-08-02"}).body
        # 5 working days after Tuesday 2022-08-02: Wed 3, Thu 4, Fri 5, Mon 8, Tue 9.
        assert noticed["publicity"] == {"starts_on": "2022-08-02", "ends_on": "2022-08-09", "objections": []}
        # The old parties are listed like any other.
        rt.ledger.list_party(admin, {"party_id": fixture["person"], "reason": "骗取补贴", "document_no": "沈失信1",
                                     "listed_from": "2022-07-01"})
        with pytest.raises(InvalidState):
            rt.ledger.pay(treasurer, ids["startup"], {"amount": "1000.00", "kind": "settlement",
                                                      "payment_ref": "ZF-OLD-2", "paid_on": "2022-07-20"})
        assert rt.ledger.verify_chain()["ok"]
    finally:
        rt.close()


CLAIMS_V2 = Path(__file__).parent / "fixtures" / "claims_v2.json"


def _ledger_from_before_person_months(settings) -> dict:
    """A store holding claims as the release before the revision of 2026-12-07 wrote them
    (tests/fixtures/make_claims_v2.py): Claim.Submitted and ClaimCap.Taken version 1 (no
    person-month keys, no tags), caps per hire and per business, keys as typed."""
    fixture = json.loads(CLAIMS_V2.read_text(encoding="utf-8"))
    assert fixture["pii_key"] == PII_KEY
    rt = Runtime(settings)
    rt.app.recorder.insert_events([
        StoredEvent(originator_id=UUID(e["originator_id"]), originator_version=e["originator_version"],
                    topic=e["topic"], state=e["state"].encode()) for e in fixture["events"]])
    rt.close()
    return fixture


def test_claims_stored_before_person_months_load_and_still_count(settings):
    fixture = _ledger_from_before_person_months(settings)
    ids, people, employer = fixture["claims"], fixture["people"], fixture["employer"]
    rt = Runtime(settings)
    rt.start(project=False)
    try:
        for name, claim_id in ids.items():
            claim = rt.ledger.claim(CLERK, claim_id)
            assert claim.program == name and claim.month_keys == []       # upcast: Submitted v1 took none
        ref = rt.ledger.pii.ref
        stored_cap = rt.app.repository.get(cap_aggregate_id(f"social_insurance:hire:{ref(employer)}:"
                                                            f"{ref(people['graduate'])}"))
        assert stored_cap.taken == {ids["social_insurance"]: 6} and stored_cap.tags == {}  # Taken v1: no tag

        def submit(body: dict) -> dict:
            return rt.ledger.submit_claim(CLERK, {"region": "210100", "application_date": "2022-09-01", **body}).body

        # Social insurance: the same employer's 6 months stored per hire count against the
        # graduate's 12 (the other 6 are paid, the months after the stored ones).
        again = submit({"program": "social_insurance",
                        "applicant": {"kind": "enterprise", "id": employer, "name": "沈阳示例"},
                        "beneficiary": {"id": people["graduate"], "name": "毕业生"},
                        "facts": {"diploma_date": "2022-06-30", "hired_on": "2022-07-01", "period_start": "2023-01-01",
                                  "registered_unemployed": False, "contract_months": 24, "enterprise_size": "large",
                                  "employer_monthly_contribution": "1000.00", "months": 12, "retained_intern": False}})
        assert again["amounts"]["entitled"] == "6000.00"
        cap = next(s for s in again["entitlement_explanation"] if s["rule"] == "social_insurance.cap")
        assert cap["earlier_claims"] == [ids["social_insurance"]]
        # Flexible employment: 20 months stored, 4 remain of the person's 24.
        flexible = submit({"program": "flexible_social_insurance",
                           "applicant": {"kind": "person", "id": people["flexible"], "name": "灵活就业"},
                           "facts": {"left_school_on": "2022-07-01", "monthly_contribution": "900.00", "months": 12,
                                     "period_start": "2024-03-01"}})
        assert flexible["amounts"]["entitled"] == "2400.00"               # 600.00 × 4
        # The venue: the person's 12 months stored per business count; 12 remain.
        venue = submit({"program": "startup_venue",
                        "applicant": {"kind": "person", "id": people["founder"], "name": "创业者"},
                        "facts": {"monthly_rent": "3000.00", "months": 24, "in_incubator": False,
                                  "operating_since": "2022-01-01", "diploma_date": "2021-06-30",
                                  "first_business": True}})
        assert venue["amounts"]["entitled"] == "36000.00"
        # The loan, claimed again under the spelling stored: 3,000.00 of its 15,600.00 taken.
        loan = submit({"program": "loan_interest", "applicant": {"kind": "person", "id": people["founder"],
                                                                "name": "创业者"},
                       "facts": {"loan_principal": "150000.00", "loan_term_months": 24, "interest_due": "13000.00",
                                 "loan_contract_no": "JK2024-001", "diploma_date": "2021-06-30"}})
        assert loan["amounts"]["entitled"] == "12600.00"
        # The certificate stored as typed, "ZS-2026 0001", is still taken by that spelling.
        with pytest.raises(Duplicate):
            submit({"program": "skill_certificate", "applicant": {"kind": "person", "id": person_id(), "name": "他人"},
                    "facts": {"level": "primary", "occupation": "焊工", "certificate_no": "ZS-2026 0001",
                              "certificate_date": "2022-08-01", "ui_contribution_months": 24,
                              "receiving_ui_benefits": False}})
        # The internship stored without intern facts settles under its own rules, saying so.
        settled = rt.ledger.record_facts(CLERK, ids["internship"], {"facts": {"months_served": 3}}).body
        assert settled["amounts"]["entitled"] == "3450.00"
        intern = next(s for s in settled["entitlement_explanation"] if s["rule"] == "internship.intern")
        assert intern["passed"] and "not checked" in intern["en"]
        assert rt.ledger.verify_chain()["ok"]
    finally:
        rt.close()
