"""Running the ledger: settings from the environment, wiring, the CLI and demo data."""
