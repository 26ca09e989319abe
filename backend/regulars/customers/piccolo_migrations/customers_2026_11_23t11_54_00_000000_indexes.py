"""Composite indexes and unique constraints, as raw SQL that runs unchanged on SQLite and PostgreSQL."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-23T11:54:00:000000"
VERSION = "1.38.0"
APP = "customers"
DESCRIPTION = "composite indexes"

STATEMENTS = [
    "CREATE UNIQUE INDEX customer_store_pair ON customer_store (customer, store)",
    "CREATE INDEX customer_store_store ON customer_store (store, customer)",
    "CREATE UNIQUE INDEX customer_tag_pair ON customer_tag (customer, tag)",
    "CREATE INDEX timeline_customer_at ON timeline_event (customer, at DESC, id DESC)",
    "CREATE INDEX consent_customer ON consent (customer, purpose, at)",
    "CREATE INDEX customer_home_store ON customer (home_store, id)",
    "CREATE INDEX customer_clerk ON customer (responsible_clerk, id)",
    "CREATE INDEX customer_name ON customer (name)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name=APP, description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
