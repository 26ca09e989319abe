"""Composite indexes and unique constraints, as raw SQL that runs unchanged on SQLite and PostgreSQL."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-23T11:54:00:000000"
VERSION = "1.38.0"
APP = "stores"
DESCRIPTION = "composite indexes"

STATEMENTS = [
    "CREATE INDEX staff_session_staff ON staff_session (staff, revoked_at)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name=APP, description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
