"""Reference data shipped with the ledger (read-only, loaded by the modules that use it)."""
