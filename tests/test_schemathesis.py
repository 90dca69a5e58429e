"""Property-based run over the whole OpenAPI schema: whatever schemathesis generates,
the service answers without a 5xx and within its own response schema."""
from __future__ import annotations

import tempfile

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from api.app import create_app
from runtime.settings import Settings

from .support import ADMIN_TOKEN, PII_KEY

_DATA = tempfile.mkdtemp(prefix="ledger-schemathesis-")
app = create_app(Settings(database_url=f"sqlite:///{_DATA}/var/ledger.db", bootstrap_admin_token=ADMIN_TOKEN,
                          pii_key=PII_KEY, demo_data=True))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture(scope="module")
def everyone_token():
    """A user holding every role over the whole country, so no call is refused for its role."""
    with TestClient(app) as client:  # runs the lifespan: the runtime stays on app.state
        r = client.post("/v1/users", json={"name": "schemathesis", "roles": ["admin", "clerk", "reviewer",
                                                                           "treasurer", "auditor"],
                                           "regions": ["000000"]},
                        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
        assert r.status_code == 201, r.text
        yield r.json()["token"]


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error_and_responses_match_the_schema(case, everyone_token):
    # The schema documents shapes; the ledger refuses more (an unknown claim, a date that is
    # not real, an amount over the entitlement), so schema-valid requests may get a 4xx.
    case.call_and_validate(headers={"Authorization": f"Bearer {everyone_token}"},
                           excluded_checks=[schemathesis.checks.positive_data_acceptance])
