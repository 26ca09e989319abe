"""On PostgreSQL, an index that serves name prefix searches whatever the database collation."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-23T12:20:00:000000"
VERSION = "1.38.0"
APP = "customers"
DESCRIPTION = "name prefix index"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name=APP, description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        if engine.engine_type == "postgres":
            await engine.run_ddl("CREATE INDEX customer_name_prefix ON customer (name text_pattern_ops)")

    manager.add_raw(run)
    return manager
