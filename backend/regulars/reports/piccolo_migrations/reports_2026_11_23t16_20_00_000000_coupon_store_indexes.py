"""A store's coupons by issue time, and its outstanding coupons: a store manager's coupons report reads these
instead of every coupon of the chain (at ten million coupons, seconds became milliseconds)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-23T16:20:00:000000"
VERSION = "1.38.0"
APP = "reports"
DESCRIPTION = "coupon indexes per issuing store"

STATEMENTS = [
    "CREATE INDEX report_coupon_store_issued ON coupon (issued_store, issued_at)",
    "CREATE INDEX report_coupon_store_outstanding ON coupon (issued_store, state, valid_until, template)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name=APP, description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
