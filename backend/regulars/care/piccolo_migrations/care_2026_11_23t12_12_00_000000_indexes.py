"""Composite and partial indexes of the care room, as raw SQL that runs unchanged on SQLite and PostgreSQL.

Two indexes go on the customers' table: the planner's birthday and device-age lookups.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-23T12:12:00:000000"
VERSION = "1.38.0"
APP = "care"
DESCRIPTION = "care indexes"

STATEMENTS = [
    "CREATE UNIQUE INDEX care_outbox_key ON care_outbox (customer, campaign, occasion_date)",
    "CREATE INDEX care_outbox_due ON care_outbox (due_at, id) WHERE status IN ('pending', 'sending')",
    "CREATE INDEX care_outbox_campaign ON care_outbox (campaign, status)",
    "CREATE INDEX care_task_store ON care_task (store_id, status, due_on)",
    "CREATE INDEX care_task_clerk ON care_task (clerk_id, status, due_on)",
    "CREATE INDEX care_task_customer ON care_task (customer)",
    "CREATE UNIQUE INDEX care_alert_open ON care_alert (store_id, kind, subject) WHERE resolved_at IS NULL",
    "CREATE INDEX care_alert_store ON care_alert (store_id, opened_at)",
    "CREATE UNIQUE INDEX care_plan_mark_key ON care_plan_mark (campaign, zone, plan_date)",
    "CREATE INDEX care_campaign_store ON care_campaign (store, status)",
    "CREATE INDEX care_customer_birthday ON customer (birth_month, birth_day)",
    "CREATE INDEX care_customer_device ON customer (device_purchased_on)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name=APP, description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
