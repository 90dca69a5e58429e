"""The subsidy ledger's domain: money, identifiers, funds, claims, the policy catalog and
the application service. Nothing here knows about HTTP or SQL."""
