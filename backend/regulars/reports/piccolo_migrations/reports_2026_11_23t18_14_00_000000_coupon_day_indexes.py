"""The coupon roll-up's key, and what its refresh finds changed coupons by: the times a coupon is seen, expires or
is voided, and the time a redemption is reversed (partial indexes: only the rows that have such a time)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-23T18:14:00:000000"
VERSION = "1.38.0"
APP = "reports"
DESCRIPTION = "coupon roll-up key and the change times its refresh reads"

STATEMENTS = [
    "CREATE UNIQUE INDEX report_coupon_day_key ON report_coupon_day (day, store_id, clerk_id, template_id)",
    "CREATE INDEX report_coupon_day_store ON report_coupon_day (store_id, day)",
    "CREATE INDEX report_coupon_seen_at ON coupon (seen_at) WHERE seen_at IS NOT NULL",
    "CREATE INDEX report_coupon_expired_at ON coupon (expired_at) WHERE expired_at IS NOT NULL",
    "CREATE INDEX report_coupon_voided_at ON coupon (voided_at) WHERE voided_at IS NOT NULL",
    "CREATE INDEX report_redemption_reversed_at ON coupon_redemption (reversed_at) WHERE reversed_at IS NOT NULL",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name=APP, description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
