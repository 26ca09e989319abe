"""Composite indexes, as raw SQL that runs unchanged on SQLite and PostgreSQL."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-23T12:10:00:000000"
VERSION = "1.38.0"
APP = "messaging"
DESCRIPTION = "composite indexes"

STATEMENTS = [
    "CREATE INDEX inbox_customer_at ON inbox_message (customer, created_at DESC, id DESC)",
    "CREATE INDEX inbox_staff_at ON inbox_message (staff, created_at DESC, id DESC)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name=APP, description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
