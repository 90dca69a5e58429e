"""The read models' tables. Written once in portable SQL; for PostgreSQL `?` placeholders
become psycopg's `%s` and `rm_` tables are qualified with the configured schema (index
names stay unqualified, as CREATE INDEX requires)."""
from __future__ import annotations

# The fund events a period close or reopen records, as an SQL list.
PERIOD_TYPES = "('PeriodClosed', 'PeriodReopenProposed', 'PeriodReopened')"

TABLES = (
    """CREATE TABLE IF NOT EXISTS rm_funds (
        fund_id TEXT PRIMARY KEY,
        fund_type TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        allocated_fen BIGINT NOT NULL,
        reserved_fen BIGINT NOT NULL,
        disbursed_fen BIGINT NOT NULL,
        recovered_fen BIGINT NOT NULL,
        version INTEGER NOT NULL,
        position BIGINT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS rm_claims (
        claim_id TEXT PRIMARY KEY,
        program TEXT NOT NULL,
        region TEXT NOT NULL,
        status TEXT NOT NULL,
        applicant_ref TEXT NOT NULL,
        fund_id TEXT,
        submitted_at TEXT NOT NULL,
        first_position BIGINT NOT NULL,
        position BIGINT NOT NULL,
        version INTEGER NOT NULL,
        doc TEXT NOT NULL,
        entitled_fen BIGINT NOT NULL DEFAULT 0)""",
    "CREATE INDEX IF NOT EXISTS ix_claims_by_position ON rm_claims (first_position)",
    # The list's other orders (GET /v1/claims?sort=): by the last change, by the amount.
    "CREATE INDEX IF NOT EXISTS ix_claims_by_update ON rm_claims (position, first_position)",
    "CREATE INDEX IF NOT EXISTS ix_claims_by_entitled ON rm_claims (entitled_fen, first_position)",
    "CREATE INDEX IF NOT EXISTS ix_claims_by_status ON rm_claims (status, first_position)",
    "CREATE INDEX IF NOT EXISTS ix_claims_by_applicant ON rm_claims (applicant_ref, first_position)",
    "CREATE INDEX IF NOT EXISTS ix_claims_by_region ON rm_claims (region, first_position)",
    """CREATE TABLE IF NOT EXISTS rm_claim_events (
        claim_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        position BIGINT NOT NULL,
        type TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        actor TEXT,
        data TEXT NOT NULL,
        PRIMARY KEY (claim_id, version))""",
    # One row per fund event: the fund as it stood after that event, for as-of reads.
    # The primary key is the (fund_id, position) index they seek on.
    """CREATE TABLE IF NOT EXISTS rm_fund_history (
        fund_id TEXT NOT NULL,
        position BIGINT NOT NULL,
        fund_type TEXT NOT NULL,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        allocated_fen BIGINT NOT NULL,
        reserved_fen BIGINT NOT NULL,
        disbursed_fen BIGINT NOT NULL,
        recovered_fen BIGINT NOT NULL,
        version INTEGER NOT NULL,
        type TEXT NOT NULL,
        PRIMARY KEY (fund_id, position))""",
    # A fund's closes and reopens among its history (GET /v1/periods): a partial index, so the
    # fund's other events cost it nothing; queries name PERIOD_TYPES literally to use it.
    "CREATE INDEX IF NOT EXISTS ix_fund_history_periods ON rm_fund_history (fund_id, position)"
    f" WHERE type IN {PERIOD_TYPES}",
    # One row per money movement of a fund (every fund event but Opened), for reports
    # (projections/reports.py): its business date and the time the chain recorded it.
    """CREATE TABLE IF NOT EXISTS rm_fund_movements (
        fund_id TEXT NOT NULL,
        position BIGINT NOT NULL,
        kind TEXT NOT NULL,
        business_date TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        amount_fen BIGINT NOT NULL,
        source TEXT,
        program TEXT,
        counterpart_fund TEXT,
        claim_id TEXT,
        payment_ref TEXT,
        reference TEXT,
        document_no TEXT,
        PRIMARY KEY (fund_id, position))""",
    "CREATE INDEX IF NOT EXISTS ix_fund_movements_by_date ON rm_fund_movements (fund_id, business_date)",
    "CREATE INDEX IF NOT EXISTS ix_fund_movements_by_recorded ON rm_fund_movements (fund_id, recorded_at)",
    "CREATE INDEX IF NOT EXISTS ix_fund_movements_by_program ON rm_fund_movements (program, business_date)",
    # The movements summed per fund, day and kind (projections/movements.py, `day_rows`), on
    # each basis, with the first and last positions that moved each sum: a report reads at
    # most a few rows per day of the fund's life, however many movements the days hold.
    """CREATE TABLE IF NOT EXISTS rm_fund_days (
        fund_id TEXT NOT NULL,
        basis TEXT NOT NULL,
        day TEXT NOT NULL,
        kind TEXT NOT NULL,
        detail TEXT NOT NULL,
        amount_fen BIGINT NOT NULL,
        first_position BIGINT NOT NULL,
        last_position BIGINT NOT NULL,
        PRIMARY KEY (fund_id, basis, day, kind, detail))""",
    # Reconciliation (projections/reconciliation.py): the ledger's payments, returned
    # payments and recoveries per fund, and every imported bank-statement line with its match.
    """CREATE TABLE IF NOT EXISTS rm_bank_items (
        fund_id TEXT NOT NULL,
        item_key TEXT NOT NULL,
        kind TEXT NOT NULL,
        direction TEXT NOT NULL,
        item_date TEXT NOT NULL,
        amount_fen BIGINT NOT NULL,
        reference TEXT NOT NULL,
        claim_id TEXT NOT NULL,
        program TEXT NOT NULL,
        payment_ref TEXT,
        recovery_id TEXT,
        position BIGINT NOT NULL,
        PRIMARY KEY (fund_id, item_key))""",
    "CREATE INDEX IF NOT EXISTS ix_bank_items_by_date ON rm_bank_items (fund_id, item_date)",
    """CREATE TABLE IF NOT EXISTS rm_bank_lines (
        fund_id TEXT NOT NULL,
        statement_id TEXT NOT NULL,
        line_no INTEGER NOT NULL,
        line_date TEXT NOT NULL,
        direction TEXT NOT NULL,
        amount_fen BIGINT NOT NULL,
        reference TEXT,
        counterparty TEXT,
        status TEXT NOT NULL,
        how TEXT,
        item_key TEXT,
        duplicate_of_statement TEXT,
        duplicate_of_line INTEGER,
        position BIGINT NOT NULL,
        PRIMARY KEY (fund_id, statement_id, line_no))""",
    "CREATE INDEX IF NOT EXISTS ix_bank_lines_by_date ON rm_bank_lines (fund_id, line_date)",
    "CREATE INDEX IF NOT EXISTS ix_bank_lines_by_item ON rm_bank_lines (fund_id, item_key)",
    # Users for GET /v1/users (never a token or its hash): `roles` is " admin clerk " for a
    # LIKE, a user's regions are rows of their own so scopes and filters are range seeks.
    """CREATE TABLE IF NOT EXISTS rm_users (
        user_id TEXT PRIMARY KEY,
        roles TEXT NOT NULL,
        active INTEGER NOT NULL,
        first_position BIGINT NOT NULL,
        position BIGINT NOT NULL,
        doc TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS ix_users_by_position ON rm_users (first_position)",
    """CREATE TABLE IF NOT EXISTS rm_user_regions (
        user_id TEXT NOT NULL,
        region TEXT NOT NULL,
        PRIMARY KEY (user_id, region))""",
    "CREATE INDEX IF NOT EXISTS ix_user_regions_by_region ON rm_user_regions (region, user_id)",
    # Claims put on public notice (公示) and watch-list entries (projections/notices.py).
    """CREATE TABLE IF NOT EXISTS rm_notices (
        claim_id TEXT PRIMARY KEY,
        region TEXT NOT NULL,
        fund_id TEXT,
        status TEXT NOT NULL,
        starts_on TEXT NOT NULL,
        ends_on TEXT NOT NULL,
        position BIGINT NOT NULL,
        doc TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS ix_notices_by_end ON rm_notices (ends_on, starts_on)",
    """CREATE TABLE IF NOT EXISTS rm_watchlist (
        entry_id TEXT PRIMARY KEY,
        party_ref TEXT NOT NULL,
        listed_from TEXT NOT NULL,
        ends_on TEXT,
        first_position BIGINT NOT NULL,
        position BIGINT NOT NULL,
        doc TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS ix_watchlist_by_position ON rm_watchlist (first_position)",
    "CREATE INDEX IF NOT EXISTS ix_watchlist_by_party ON rm_watchlist (party_ref, first_position)",
    # Entries dated beyond the backdating window, with their evidence (projections/backdated.py).
    """CREATE TABLE IF NOT EXISTS rm_backdated (
        position BIGINT PRIMARY KEY,
        entry TEXT NOT NULL,
        listed INTEGER NOT NULL,
        region TEXT,
        fund_id TEXT,
        claim_id TEXT,
        entry_id TEXT,
        ref TEXT,
        fields TEXT NOT NULL,
        business_date TEXT NOT NULL,
        recorded_on TEXT NOT NULL,
        actor TEXT,
        reason TEXT NOT NULL,
        document_no TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS ix_backdated_by_fund ON rm_backdated (fund_id, position)",
    # A claim's beneficiary by keyed hash (never the number): the search by beneficiary.
    """CREATE TABLE IF NOT EXISTS rm_claim_beneficiaries (
        claim_id TEXT PRIMARY KEY,
        beneficiary_ref TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS ix_claims_by_beneficiary ON rm_claim_beneficiaries (beneficiary_ref, claim_id)",
)

UPSERT_FUND = """INSERT INTO rm_funds (fund_id, fund_type, region, name, allocated_fen, reserved_fen,
        disbursed_fen, recovered_fen, version, position) VALUES (?,?,?,?,?,?,?,?,?,?)
    ON CONFLICT (fund_id) DO UPDATE SET name = excluded.name, allocated_fen = excluded.allocated_fen,
        reserved_fen = excluded.reserved_fen, disbursed_fen = excluded.disbursed_fen,
        recovered_fen = excluded.recovered_fen, version = excluded.version, position = excluded.position"""

UPSERT_CLAIM = """INSERT INTO rm_claims (claim_id, program, region, status, applicant_ref, fund_id,
        submitted_at, first_position, position, version, doc, entitled_fen) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
    ON CONFLICT (claim_id) DO UPDATE SET status = excluded.status, fund_id = excluded.fund_id,
        position = excluded.position, version = excluded.version, doc = excluded.doc,
        entitled_fen = excluded.entitled_fen"""

INSERT_CLAIM_BENEFICIARY = """INSERT INTO rm_claim_beneficiaries (claim_id, beneficiary_ref) VALUES (?,?)
    ON CONFLICT (claim_id) DO NOTHING"""

INSERT_CLAIM_EVENT = """INSERT INTO rm_claim_events (claim_id, version, position, type, recorded_at, actor, data)
    VALUES (?,?,?,?,?,?,?)"""

INSERT_FUND_HISTORY = """INSERT INTO rm_fund_history (fund_id, fund_type, region, name, allocated_fen, reserved_fen,
        disbursed_fen, recovered_fen, version, position, type) VALUES (?,?,?,?,?,?,?,?,?,?,?)"""

INSERT_FUND_MOVEMENT = """INSERT INTO rm_fund_movements (fund_id, position, kind, business_date, recorded_at,
        amount_fen, source, program, counterpart_fund, claim_id, payment_ref, reference, document_no)
    VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"""

# Events are projected in log order, so a sum's last position is always the newest.
UPSERT_FUND_DAY = """INSERT INTO rm_fund_days AS d (fund_id, basis, day, kind, detail, amount_fen, first_position,
        last_position) VALUES (?,?,?,?,?,?,?,?)
    ON CONFLICT (fund_id, basis, day, kind, detail) DO UPDATE SET amount_fen = d.amount_fen + excluded.amount_fen,
        last_position = excluded.last_position"""

INSERT_BANK_ITEM = """INSERT INTO rm_bank_items (fund_id, item_key, kind, direction, item_date, amount_fen,
        reference, claim_id, program, payment_ref, recovery_id, position) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"""

UPSERT_BANK_LINE = """INSERT INTO rm_bank_lines (fund_id, statement_id, line_no, line_date, direction, amount_fen,
        reference, counterparty, status, how, item_key, duplicate_of_statement, duplicate_of_line, position)
    VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)
    ON CONFLICT (fund_id, statement_id, line_no) DO UPDATE SET status = excluded.status, how = excluded.how,
        item_key = excluded.item_key, duplicate_of_statement = excluded.duplicate_of_statement,
        duplicate_of_line = excluded.duplicate_of_line, position = excluded.position"""

UPSERT_USER = """INSERT INTO rm_users (user_id, roles, active, first_position, position, doc) VALUES (?,?,?,?,?,?)
    ON CONFLICT (user_id) DO UPDATE SET roles = excluded.roles, active = excluded.active,
        position = excluded.position, doc = excluded.doc"""

# Every batch that touches a user writes its regions again: two admins may have changed them.
DELETE_USER_REGIONS = "DELETE FROM rm_user_regions WHERE user_id = ?"
INSERT_USER_REGION = """INSERT INTO rm_user_regions (user_id, region) VALUES (?,?)
    ON CONFLICT (user_id, region) DO NOTHING"""

FUND_COLUMNS = ("fund_id", "fund_type", "region", "name", "allocated_fen", "reserved_fen", "disbursed_fen",
                "recovered_fen", "version", "position")
READ_MODEL_TABLES = ("rm_funds", "rm_claims", "rm_claim_events", "rm_fund_history", "rm_fund_movements",
                     "rm_fund_days", "rm_bank_items", "rm_bank_lines", "rm_users", "rm_user_regions", "rm_notices", "rm_watchlist",
                     "rm_backdated", "rm_claim_beneficiaries")
KEYS = {"rm_funds": ("fund_id",), "rm_claims": ("claim_id",), "rm_claim_events": ("claim_id", "version"),
        "rm_fund_history": ("fund_id", "position"), "rm_fund_movements": ("fund_id", "position"),
        "rm_fund_days": ("fund_id", "basis", "day", "kind", "detail"),
        "rm_bank_items": ("fund_id", "item_key"), "rm_bank_lines": ("fund_id", "statement_id", "line_no"),
        "rm_users": ("user_id",), "rm_user_regions": ("user_id", "region"), "rm_notices": ("claim_id",),
        "rm_watchlist": ("entry_id",), "rm_backdated": ("position",), "rm_claim_beneficiaries": ("claim_id",)}
