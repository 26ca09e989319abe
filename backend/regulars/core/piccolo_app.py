import os

from piccolo.conf.apps import AppConfig

from regulars.core.tables import AuditLog, IdempotencyKey, JobLease, RateCounter

APP_CONFIG = AppConfig(
    app_name="core",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[AuditLog, IdempotencyKey, RateCounter, JobLease],
    migration_dependencies=[],
    commands=[],
)
