"""A store's channel scans by day: a store manager's acquisition report reads its own codes' days instead of every
store's days of the range."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-23T18:50:00:000000"
VERSION = "1.38.0"
APP = "reports"
DESCRIPTION = "channel scans per day by store"

STATEMENTS = [
    "CREATE INDEX report_channel_day_store ON report_channel_day (store_id, day)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name=APP, description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
