"""Composite indexes and unique constraints, as raw SQL that runs unchanged on SQLite and PostgreSQL."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-23T13:16:00:000000"
VERSION = "1.38.0"
APP = "acquisition"
DESCRIPTION = "composite indexes"

STATEMENTS = [
    "CREATE UNIQUE INDEX follow_pair ON follow (customer, store)",
    "CREATE INDEX follow_touch_customer ON follow_touch (customer, at)",
    "CREATE INDEX follow_touch_channel ON follow_touch (channel, at)",
    "CREATE INDEX follow_touch_store ON follow_touch (store, at)",
    "CREATE INDEX otp_challenge_phone ON otp_challenge (phone, created_at)",
    "CREATE UNIQUE INDEX channel_referral_per_store ON channel (store) WHERE kind = 'referral'",
    "CREATE INDEX referral_referrer_at ON referral (referrer, created_at)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name=APP, description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
