"""The profile roll-up's key, and what its refresh finds changed customers by (every change to a customer sets
updated_at)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-07T04:22:00:000000"
VERSION = "1.38.0"
APP = "reports"
DESCRIPTION = "profile roll-up key and the customers' change time its refresh reads"

STATEMENTS = [
    "CREATE UNIQUE INDEX report_profile_key ON report_profile (store_id, clerk_id, band)",
    "CREATE INDEX report_customer_updated_at ON customer (updated_at)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name=APP, description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
