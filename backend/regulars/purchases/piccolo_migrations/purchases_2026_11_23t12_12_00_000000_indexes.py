"""Composite indexes and unique constraints, as raw SQL that runs unchanged on SQLite and PostgreSQL."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-23T12:12:00:000000"
VERSION = "1.38.0"
APP = "purchases"
DESCRIPTION = "composite indexes"

STATEMENTS = [
    # the repurchase fact: one first, one second, ... purchase per customer
    "CREATE UNIQUE INDEX purchase_customer_seq ON purchase (customer, seq)",
    "CREATE INDEX purchase_customer_at ON purchase (customer, occurred_at DESC, id DESC)",
    "CREATE INDEX purchase_store_at ON purchase (store, occurred_at)",
    "CREATE INDEX purchase_refund_of ON purchase (refund_of)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name=APP, description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
