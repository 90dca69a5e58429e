"""The HTTP adapter: translates requests into ledger commands and reads, and answers
as shared/API.md says. No business rule lives here."""
