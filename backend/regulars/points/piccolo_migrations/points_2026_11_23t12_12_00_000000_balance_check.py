"""The cached balance with CHECK (balance >= 0), and the ledger's composite indexes.

SQLite accepts a CHECK constraint only in CREATE TABLE, so the (still empty) table made
by the previous migration is created again with the constraint and the foreign key. The
same statements run unchanged on SQLite and PostgreSQL.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-23T12:12:00:000000"
VERSION = "1.38.0"
APP = "points"
DESCRIPTION = "balance check constraint and ledger indexes"

STATEMENTS = [
    "DROP TABLE points_balance",
    "CREATE TABLE points_balance ("
    " customer INTEGER NOT NULL PRIMARY KEY REFERENCES customer (id) ON DELETE CASCADE,"
    " balance INTEGER NOT NULL DEFAULT 0 CONSTRAINT points_balance_not_negative CHECK (balance >= 0),"
    " updated_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP)",
    "CREATE UNIQUE INDEX points_entry_source ON points_entry (customer, source_kind, source_id)",
    "CREATE INDEX points_entry_customer ON points_entry (customer, id)",
    "CREATE INDEX points_lot_customer ON points_lot (customer, expires_at, id)",
    "CREATE INDEX points_lot_due ON points_lot (expires_at) WHERE remaining > 0",
    "CREATE INDEX points_grant_status ON points_grant (status, lease_until)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name=APP, description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
