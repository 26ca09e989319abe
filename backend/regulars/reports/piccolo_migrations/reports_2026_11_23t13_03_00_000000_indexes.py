"""Indexes of the roll-ups, and the time indexes the roll-up job and reports read other rooms' rows by."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-23T13:03:00:000000"
VERSION = "1.38.0"
APP = "reports"
DESCRIPTION = "report roll-up indexes and time indexes of the rows they read"

STATEMENTS = [
    "CREATE UNIQUE INDEX report_daily_key ON report_daily (day, store_id, clerk_id)",
    "CREATE INDEX report_daily_store ON report_daily (store_id, day)",
    "CREATE INDEX customer_rfm_store ON customer_rfm (store_id, clerk_id)",
    "CREATE UNIQUE INDEX customer_rfm_cut_key ON customer_rfm_cut (scope, dimension, k)",
    "CREATE UNIQUE INDEX report_store_grade_key ON report_store_grade (month, store_id)",
    # read-only paths of the reports into the other rooms' rows, by time
    "CREATE INDEX report_purchase_at ON purchase (occurred_at)",
    "CREATE INDEX report_coupon_issued_at ON coupon (issued_at)",
    "CREATE INDEX report_redemption_at ON coupon_redemption (at)",
    "CREATE INDEX report_redemption_customer ON coupon_redemption (customer, at)",
    "CREATE INDEX report_points_entry_at ON points_entry (at)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name=APP, description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
