"""Indexes of the channel scans roll-up, and the time index the roll-up job reads follow touches by."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-23T13:44:00:000000"
VERSION = "1.38.0"
APP = "reports"
DESCRIPTION = "channel scans roll-up key and follow touch time index"

STATEMENTS = [
    "CREATE UNIQUE INDEX report_channel_day_key ON report_channel_day (day, channel_id)",
    "CREATE INDEX report_follow_touch_at ON follow_touch (at)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name=APP, description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
