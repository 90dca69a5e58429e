"""Aggregates: one per consistency boundary (a fund, a claim, a user, a uniqueness key,
an idempotency record, a recorded rule version)."""
