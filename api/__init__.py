"""The HTTP adapter: translates requests into ledger commands and reads, and answers
as docs/API.md says. No business rule lives here."""
