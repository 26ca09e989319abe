"""The profile roll-up finds each store's changed customers by (home_store, updated_at): one index probe per
store, whether one store's report catches up or the job looks over the chain; the index by change time alone
goes (PostgreSQL could not bound it by a time read in the same statement)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-07T05:20:00:000000"
VERSION = "1.38.0"
APP = "reports"
DESCRIPTION = "customers' change time per home store, for the profile roll-up"

STATEMENTS = [
    "DROP INDEX report_customer_updated_at",
    "CREATE INDEX report_customer_changed ON customer (home_store, updated_at)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name=APP, description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
