"""Composite and partial unique indexes, as raw SQL that runs unchanged on SQLite and PostgreSQL."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-23T12:09:00:000000"
VERSION = "1.38.0"
APP = "coupons"
DESCRIPTION = "coupon indexes and the database-enforced limits"

STATEMENTS = [
    "CREATE UNIQUE INDEX coupon_customer_count_pair ON coupon_customer_count (template, customer)",
    "CREATE UNIQUE INDEX coupon_template_store_pair ON coupon_template_store (template, store)",
    # NULL source_ref values are distinct on both engines: only referenced issues are deduplicated.
    "CREATE UNIQUE INDEX coupon_source_once ON coupon (template, customer, source, source_ref)",
    "CREATE UNIQUE INDEX coupon_redemption_active ON coupon_redemption (coupon) WHERE reversed_at IS NULL",
    "CREATE INDEX coupon_customer ON coupon (customer, id)",
    "CREATE INDEX coupon_due ON coupon (state, valid_until)",
    "CREATE INDEX coupon_template_id ON coupon (template)",
    "CREATE INDEX coupon_template_owner ON coupon_template (store, id)",
    "CREATE INDEX coupon_redemption_coupon ON coupon_redemption (coupon, id)",
    "CREATE INDEX coupon_bulk_job_state ON coupon_bulk_job (status, lease_until)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name=APP, description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
