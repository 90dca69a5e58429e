"""Schemathesis over the whole OpenAPI schema, on SQLite and PostgreSQL: every operation on
its own (stateless), and chains of operations using what earlier answers returned
(stateful: a claim submitted, then read, approved, paid ...). Whatever is generated, the
service answers without a 5xx and within its own response schema, and a request generated
as schema-valid is never refused as malformed (`unrefused_valid_input`).

The schema publishes the limits the server enforces (ledger/limits.py: patterns, ranges,
each program's facts, the divisions served, cursors' shapes, rules between query parameters
as one object), and the two identifier formats it checks are given strategies here, so
generated "valid" data is what the ledger takes. What it may still refuse is what no schema
can say, with a status and code that say so (`positive_data_acceptance` allows
BUSINESS_STATUSES): an unknown claim, page or log position (404), a command in the wrong
state (409), a stale If-Match (412), and the two 422 codes API.md gives for judgments over
the ledger's state, `not_eligible` (a program's rules over the facts, the parameters in force
on the claim's date, the watch list, earlier claims) and `idempotency_mismatch` (a key used
before with another body). `validation_error` is the contract's code for malformed input
(API.md, Errors), so a schema-valid request refused with it is a schema that says less than
the service checks: the check fails it, except where the request breaks one of the few rules
JSON Schema cannot state (orders between two values, a path parameter against the body, a
bound on "today", a bank statement's CSV content; tests/unstated_rules.py lists each, with
why, and excuses only a request that does break it). Business dates after today, which
API.md fixes as `validation_error` and a static document cannot bound, are kept to by
`map_body` below."""
from __future__ import annotations

import datetime as dt

import hypothesis
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st

from api.app import create_app
from api.schemas import CREDIT_CODE_FORMAT, IDENTITY_NUMBER_FORMAT
from api.throttle import Throttle
from ledger.clock import SYSTEM_CLOCK
from ledger.domain.users import ROLES
from ledger.errors import LedgerError
from ledger.identifiers import credit_check_char, identity_check_char
from ledger.limits import FIRST_BUSINESS_DATE

from . import unstated_rules
from .profiles import search
from .support import ADMIN_TOKEN, new_user, token_pair
from .unstated_rules import breaks_an_unstated_rule

EXAMPLES_PER_OPERATION = search(8, 40)
STATEFUL_SCENARIOS = search(25, 100)
STATEFUL_STEPS = search(8, 12)
# Statuses a well-formed request may get from the ledger's own state and rules. 422 is
# among them only for the business codes of WELL_FORMED_REFUSALS: `unrefused_valid_input`
# fails a schema-valid request refused as malformed.
BUSINESS_STATUSES = ["2XX", "404", "409", "412", "422", "429"]
# The 422 codes of API.md (Conventions, Errors) that judge a well-formed request against
# what the ledger holds, which no schema sees: `not_eligible` (a program's rules over the
# claim's facts, the parameters in force on its date, the watch list, the claims before it)
# and `idempotency_mismatch` (an Idempotency-Key used before with another body).
# `validation_error` is the one code for malformed input: the schema must refuse it, but for
# the few rules it cannot state (tests/unstated_rules.py), and then only where the request
# does break the rule.
WELL_FORMED_REFUSALS = frozenset({"not_eligible", "idempotency_mismatch"})


@schemathesis.check
def unrefused_valid_input(ctx, response, case):
    """A request generated as schema-valid is never refused as malformed (422
    validation_error): the schema states every rule the edge checks, or the rule is one of
    tests/unstated_rules.py and the request breaks it."""
    from schemathesis.generation.meta import GenerationMode

    meta = case.meta
    if meta is None or meta.generation.mode != GenerationMode.POSITIVE or response.status_code != 422:
        return
    try:
        problem = response.json()
    except ValueError:
        problem = {}
    code = problem.get("code")
    if code in WELL_FORMED_REFUSALS or (code == "validation_error"
                                        and breaks_an_unstated_rule(case, problem.get("field"))):
        return
    raise AssertionError(f"schema-valid input refused as {code!r}: {response.text[:400]}")


def _identity_numbers():
    body = st.builds(lambda region, y, m, d, seq: f"{region}{y:04d}{m:02d}{d:02d}{seq:03d}",
                     st.sampled_from(["210102", "210103", "210202", "110105"]), st.integers(1960, 2005),
                     st.integers(1, 12), st.integers(1, 28), st.integers(0, 999))
    return body.map(lambda b: b + identity_check_char(b))


def _credit_codes():
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = st.builds(lambda region, serial: ("91" + region + serial)[:17], st.sampled_from(["210100", "210200"]),
                     st.text(alphabet=alphabet, min_size=9, max_size=9))
    return body.map(lambda b: b + credit_check_char(b))


# API.md, "Insiders and time": the business dates of a body are never later than the day
# they are recorded (`422 validation_error`, as the contract fixes). That bound moves with the
# clock, so a static document cannot state it (a client generated from it would refuse
# tomorrow's dates); `Date`'s description says it in words, and the harness keeps to it:
# a body's later business date is moved back into the years up to today.
BUSINESS_DATE_FIELDS = frozenset({"application_date", "approved_on", "paid_on", "returned_on", "received_on",
                                  "effective_date", "listed_from", "lifted_on"})


def _not_after_today(value):
    if isinstance(value, dict):
        return {key: (_earlier(item) if key in BUSINESS_DATE_FIELDS else _not_after_today(item))
                for key, item in value.items()}
    if isinstance(value, list):
        return [_not_after_today(item) for item in value]
    return value


def _earlier(value):
    today = SYSTEM_CLOCK.today()  # the suite's clocks read the real today; it only moves on during a run
    try:
        day = dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return value
    if day <= today:
        return value
    year = FIRST_BUSINESS_DATE.year + (day.year - FIRST_BUSINESS_DATE.year) % (today.year - FIRST_BUSINESS_DATE.year)
    return (day.replace(year=year, day=min(day.day, 28))).isoformat()


@schemathesis.hook
def map_body(context, body):
    return _not_after_today(body)


schemathesis.openapi.format(IDENTITY_NUMBER_FORMAT, _identity_numbers())
schemathesis.openapi.format(CREDIT_CODE_FORMAT, _credit_codes())


@pytest.fixture
def api(settings):
    """The application on the backend under test, with demo data, and a token holding every
    role over the whole country, so no call is refused for who makes it."""
    import dataclasses

    app = create_app(dataclasses.replace(settings, demo_data=True))
    with TestClient(app) as client:  # runs the lifespan: the runtime stays on app.state
        client.app.state.throttle = Throttle(1_000_000, None)
        token, digest = token_pair()
        r = client.post("/v1/users", json={"name": "schemathesis", "roles": ["admin", "clerk", "reviewer",
                                                                            "treasurer", "auditor"],
                                           "regions": ["000000"], "token_sha256": digest},
                        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
        assert r.status_code == 201, r.text
        unstated_rules.claim_document = lambda claim_id: _claim_document(client, token, claim_id)
        try:
            yield app, token
        finally:
            unstated_rules.claim_document = None


def _claim_document(client, token: str, claim_id) -> dict | None:
    """The claim as the ledger under test holds it (tests/unstated_rules.py reads its dates)."""
    if client is None or not isinstance(claim_id, str):
        return None
    found = client.get(f"/v1/claims/{claim_id}", headers={"Authorization": f"Bearer {token}"})
    return found.json() if found.status_code == 200 else None


async def _lifespan_done(receive, send) -> None:
    """Answers an ASGI lifespan without starting anything: schemathesis starts an
    application's lifespan itself and keeps it until the process exits, which would make a
    second runtime beside the test's own (holding the projector's lock for good)."""
    while (await receive())["type"] != "lifespan.shutdown":
        await send({"type": "lifespan.startup.complete"})
    await send({"type": "lifespan.shutdown.complete"})


class Started:
    """An application whose lifespan the test runs (TestClient), for schemathesis to call."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            await _lifespan_done(receive, send)
            return
        await self.app(scope, receive, send)


@pytest.fixture
def api_schema(api):
    app, token = api
    schema = schemathesis.openapi.from_asgi("/openapi.json", Started(app))
    schema.config.headers = {"Authorization": f"Bearer {token}"}
    schema.config.checks.update(included_check_names=None, excluded_check_names=None)
    schema.config.checks.positive_data_acceptance.expected_statuses = BUSINESS_STATUSES
    return schema


def _describe(case, error: Exception) -> str:
    return f"{case.operation.label}: {str(error).strip()[:600]}\n  {case.as_curl_command()[:400]}"


@pytest.mark.slow
def test_each_operation_answers_within_its_schema(api, api_schema):
    """Stateless: every operation alone, with data generated from its schema. Failures are
    collected and reported together (the ledger keeps what each request did, so hypothesis
    could not replay one to shrink it)."""
    _, token = api
    failures: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 40

    @hypothesis.settings(max_examples=EXAMPLES_PER_OPERATION * len(operations), deadline=None, database=None,
                         phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @hypothesis.given(data=st.data())
    def run(data):
        operation = data.draw(st.sampled_from(operations))
        case = data.draw(operation.as_strategy())
        try:
            case.call_and_validate(headers={} if _without_a_token(case) else {"Authorization": f"Bearer {token}"})
        except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - every failure is reported below
            failures.append(_describe(case, error))

    run()
    assert not failures, f"{len(failures)} failure(s):\n" + "\n".join(dict.fromkeys(failures))


class FreshLedgers:
    """An ASGI application that is a fresh ledger for each stateful scenario: hypothesis
    expects the same requests to meet the same answers, which a ledger keeping every
    earlier scenario's claims cannot give."""

    def __init__(self, settings, tmp_path, templates=None):
        self._settings, self._tmp, self._count = settings, tmp_path, 0
        self._templates = templates  # tests/templates.py: a copy of a fresh start, not a start of its own
        self._client: TestClient | None = None
        self.token: str | None = None
        self.checker: str | None = None  # a second user of every role: checks what the one caller made

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":  # each ledger's lifespan is run by start() and stop(), not by callers
            await _lifespan_done(receive, send)
            return
        await self._client.app(scope, receive, send)

    def start(self) -> None:
        import dataclasses
        import uuid

        self.stop()  # a scenario that ended without its teardown must not keep the projector's lock
        self._count += 1
        if self._settings.backend == "sqlite":
            settings = dataclasses.replace(self._settings,
                                           database_url=f"sqlite:///{self._tmp}/s{self._count}/var/ledger.db")
        else:
            settings = dataclasses.replace(self._settings, pg_schema="t_" + uuid.uuid4().hex[:12])
        if self._templates is not None:
            self._templates.seed(settings)
        self._client = TestClient(create_app(settings)).__enter__()
        self._client.app.state.throttle = Throttle(1_000_000, None)
        admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        self.token, digest = token_pair()
        r = self._client.post("/v1/users", json={"name": "schemathesis", "roles": list(ROLES),
                                                 "regions": ["000000"], "token_sha256": digest}, headers=admin)
        assert r.status_code == 201, r.text
        self.checker, digest = token_pair()
        r = self._client.post("/v1/users", json={"name": "schemathesis checker", "roles": list(ROLES),
                                                 "regions": ["000000"], "token_sha256": digest}, headers=admin)
        assert r.status_code == 201, r.text
        for fund_type in ("unemployment_insurance", "employment_subsidy"):
            self._client.post("/v1/funds", json={"fund_type": fund_type, "region": "210000"},
                              headers={"Authorization": f"Bearer {self.token}"})
            self._client.post(f"/v1/funds/{fund_type}:210000/allocations", headers={"Authorization": f"Bearer "
                              f"{self.token}"}, json={"amount": "1000000.00", "source": "central",
                                                      "document_no": "辽财社〔2022〕1号", "effective_date": "2022-06-10"})

    def stop(self) -> None:
        if self._client is not None:
            self._client.__exit__(None, None, None)
            self._client = None

    def claim_document(self, claim_id) -> dict | None:
        return _claim_document(self._client, self.token, claim_id)

    # Where maker-checker (API.md) wants another user than the one who made what is checked: the
    # one caller submits claims, demands clawbacks and proposes every change, so the checker
    # approves (and the caller, not the approver, then pays and resolves objections) and confirms.
    CHECKED = frozenset({"/v1/users/changes/{change_id}/confirm", "/v1/claims/{claim_id}/approve",
                         "/v1/claims/{claim_id}/clawbacks/{clawback_id}/confirm",
                         "/v1/programs/{code}/parameter-changes/{change_id}/confirm",
                         "/v1/holiday-calendar/{year}/changes/{change_id}/confirm",
                         "/v1/periods/{fund_id}/{month}/reopen/{change_id}/confirm"})

    def valid_token(self, case=None) -> str:
        """The caller's token; a second user's where the one caller may not act on what it
        did or on itself: checking what it made (CHECKED) and deactivating the caller (no
        admin deactivates itself)."""
        ledger = self._client.app.state.runtime.ledger
        token = self._working(ledger, "token", "schemathesis", list(ROLES))
        if case is None:
            return token
        if case.operation.path in self.CHECKED or (
                case.operation.path == "/v1/users/{user_id}/deactivate"
                and (case.path_parameters or {}).get("user_id") == ledger.authenticate(token).user_id):
            return self._working(ledger, "checker", "schemathesis checker", list(ROLES))
        return token

    def _working(self, ledger, attribute: str, name: str, roles: list[str]) -> str:
        """A chain may revoke a token, or deactivate the bootstrap admin and then its caller
        (and is right to get 401 after that): the next step then gets a new one, made beside
        the API by the bootstrap admin (appointed again if it was deactivated)."""
        try:
            ledger.authenticate(getattr(self, attribute))
        except LedgerError:
            harness = ledger.bootstrap_actor()
            if harness is None:
                ledger.ensure_admin(token_pair()[0])
                harness = ledger.bootstrap_actor()
            setattr(self, attribute, new_user(ledger, harness, name, roles, ["000000"])[1])
        return getattr(self, attribute)


def _without_a_token(case) -> bool:
    """A negative case whose headers leave out the bearer token the schema requires: adding a
    valid one would send another request than the one schemathesis checks the answer of."""
    from schemathesis.generation.meta import GenerationMode, ParameterLocation

    headers = case.meta.components.get(ParameterLocation.HEADER) if case.meta is not None else None
    return (headers is not None and headers.mode == GenerationMode.NEGATIVE
            and "authorization" not in {name.lower() for name in (case.headers or {})})


@pytest.mark.slow
def test_chains_of_operations_answer_within_the_schema(settings, tmp_path, store_templates, monkeypatch):
    """Stateful: links between operations (inferred from the schema's ids and parameters)
    chain real ids from real answers, reaching claims, funds and users that exist."""
    ledgers = FreshLedgers(settings, tmp_path, store_templates)
    ledgers.start()
    monkeypatch.setattr(unstated_rules, "claim_document", ledgers.claim_document)
    try:
        stateful = schemathesis.openapi.from_asgi("/openapi.json", ledgers)
        stateful.config.checks.update(included_check_names=None, excluded_check_names=None)
        stateful.config.checks.positive_data_acceptance.expected_statuses = BUSINESS_STATUSES
        machine = stateful.as_state_machine()
    finally:
        ledgers.stop()
    assert machine.bundles, "no links between operations: stateful testing would test nothing"
    failures: list[str] = []

    class Workflow(machine):  # type: ignore[misc, valid-type]
        def setup(self):
            ledgers.start()

        def teardown(self):
            ledgers.stop()

        def get_call_kwargs(self, case):
            if _without_a_token(case):
                return {}  # the case is the request without a token: sent as generated (401 expected)
            return {"headers": {"Authorization": f"Bearer {ledgers.valid_token(case)}"}}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            try:
                super().validate_response(response, case, additional_checks, **kwargs)
            except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - collected, so the chain goes on
                failures.append(_describe(case, error))

    Workflow.run(settings=hypothesis.settings(max_examples=STATEFUL_SCENARIOS, stateful_step_count=STATEFUL_STEPS,
                                              deadline=None, database=None, phases=[Phase.generate],
                                              suppress_health_check=list(HealthCheck)))
    assert not failures, f"{len(failures)} failure(s):\n" + "\n".join(dict.fromkeys(failures))
