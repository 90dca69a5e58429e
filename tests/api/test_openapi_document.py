"""/openapi.json for client generators and fuzzers: short stable operation ids, the bearer
token as a security scheme (not a header parameter of each operation), every refusal an
application/problem+json document with the Problem schema; and the prose reference it points
to ships with the project, as every relative link of the project's documents does."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from api.app import create_app
from api.gate import PUBLIC_PATHS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def document() -> dict:
    return create_app().openapi()


def _operations(document: dict):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def test_operation_ids_are_short_unique_and_named_for_what_they_do(document):
    ids = [operation["operationId"] for _, _, operation in _operations(document)]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][A-Za-z0-9]{2,39}", i) for i in ids), ids
    by_route = {(method.upper(), path): operation["operationId"] for path, method, operation in _operations(document)}
    assert by_route[("POST", "/v1/claims")] == "submitClaim"
    assert by_route[("GET", "/v1/claims/{claim_id}")] == "getClaim"
    assert by_route[("POST", "/v1/claims/{claim_id}/approve")] == "approveClaim"
    assert by_route[("POST", "/v1/periods/{fund_id}/{month}/close")] == "closePeriod"


def test_the_token_is_a_bearer_security_scheme_everywhere_but_the_public_endpoints(document):
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": document["components"]["securitySchemes"]["bearerAuth"][
            "description"]}
    assert document["security"] == [{"bearerAuth": []}]
    public = []
    for path, method, operation in _operations(document):
        assert not any(p["in"] == "header" and p["name"].lower() == "authorization"
                       for p in operation.get("parameters", [])), (method, path)
        if path in PUBLIC_PATHS:
            assert operation["security"] == []
            public.append(path)
        else:
            assert "security" not in operation  # the document's: the bearer token
            assert "401" in operation["responses"], (method, path)  # /metrics included
    assert sorted(public) == ["/healthz", "/readyz"]


def test_every_refusal_is_a_problem_document_with_its_schema(document):
    assert "Problem" in document["components"]["schemas"]
    assert "HTTPValidationError" not in document["components"]["schemas"]
    for path, method, operation in _operations(document):
        for status, response in operation["responses"].items():
            if status[0] in "45":
                assert response["content"] == {"application/problem+json": {
                    "schema": {"$ref": "#/components/schemas/Problem"}}}, (method, path, status)


def test_the_reference_the_document_names_ships_with_the_project(document):
    assert "docs/API.md" in document["info"]["description"]
    assert (ROOT / "docs" / "API.md").is_file()


def test_relative_links_of_the_projects_documents_stay_inside_it():
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)\s]+)\)", doc.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:|#", target):
                continue
            path = (doc.parent / target.split("#")[0]).resolve()
            assert path.is_relative_to(ROOT) and path.exists(), f"{doc.name}: {target}"


def _unions(node, where=""):
    if isinstance(node, dict):
        for key in ("oneOf", "anyOf"):
            for member in node.get(key, []):
                yield where, member
        for key, value in node.items():
            yield from _unions(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _unions(value, f"{where}/{i}")


def test_every_body_and_variant_is_a_named_component(document):
    from ledger.policy.catalog import load_catalog

    schemas = document["components"]["schemas"]
    claim = schemas["ClaimIn"]
    programs = sorted(load_catalog().programs)
    assert sorted(claim["discriminator"]["mapping"]) == programs
    assert all(set(member) == {"$ref"} for member in claim["oneOf"])
    job_expansion = schemas["JobExpansionClaimIn"]
    assert job_expansion["properties"]["facts"] == {"$ref": "#/components/schemas/JobExpansionFacts"}
    assert job_expansion["properties"]["applicant"] == {"$ref": "#/components/schemas/EnterpriseApplicantIn"}
    assert job_expansion["properties"]["beneficiary"] == {"$ref": "#/components/schemas/PersonBeneficiaryIn"}
    # No object is declared inside a union: each has a name a generator gives its model.
    inline = [where for where, member in _unions(document) if "properties" in member]
    assert inline == []
    for path, method, operation in _operations(document):
        for content in operation.get("requestBody", {}).get("content", {}).values():
            if content["schema"].get("type") != "string":  # text/csv
                assert set(content["schema"]) == {"$ref"}, (method, path)


def test_summaries_read_as_the_operation_ids_say(document):
    summaries = {operation["operationId"]: operation["summary"] for _, _, operation in _operations(document)}
    assert summaries["submitClaim"] == "Submit claim" and summaries["addToWatchlist"] == "Add to watchlist"
