"""Aggregate ids derived from business keys, so that uniqueness is enforced by the event
store itself: a second aggregate with the same id cannot be created."""
from __future__ import annotations

from functools import lru_cache
from uuid import UUID, uuid5

_NAMESPACE = UUID("6d3f2c1e-8a4b-5c6d-9e0f-1a2b3c4d5e6f")


def derived_id(kind: str, key: str) -> UUID:
    # Callers pass keys that hold keyed hashes, never clear identity numbers, so a uuid5
    # over them cannot be brute-forced back into a person's number.
    return uuid5(_NAMESPACE, f"{kind}:{key}")


# A command asks for the same new ids twice (the batch's look-ahead, then the command
# itself), and a party's watch for each of its claims and payments: recent ones are kept.
@lru_cache(maxsize=65536)
def _recent(kind: str, key: str) -> UUID:
    return derived_id(kind, key)


@lru_cache(maxsize=4096)  # few distinct keys, asked for by every command
def fund_aggregate_id(fund_code: str) -> UUID:
    return derived_id("fund", fund_code)


def limit_aggregate_id(limit_key: str) -> UUID:
    return _recent("limit", limit_key)


def cap_aggregate_id(cap_key: str) -> UUID:
    return _recent("cap", cap_key)


def credential_aggregate_id(token_hash: str) -> UUID:
    return derived_id("credential", token_hash)


def idempotency_aggregate_id(scope: str) -> UUID:
    return derived_id("idempotency", scope)


@lru_cache(maxsize=4096)  # few distinct keys, asked for by every command
def rule_version_aggregate_id(rule_version: str) -> UUID:
    return derived_id("rule-version", rule_version)


@lru_cache(maxsize=4096)  # few distinct keys, asked for by every command
def program_parameters_aggregate_id(program: str) -> UUID:
    return derived_id("program-parameters", program)


def party_watch_aggregate_id(party_ref: str) -> UUID:
    return _recent("party-watch", party_ref)


def holiday_calendar_aggregate_id(year: int) -> UUID:
    return derived_id("holiday-calendar", str(year))


def person_months_aggregate_id(key: str) -> UUID:
    return _recent("person-months", key)
