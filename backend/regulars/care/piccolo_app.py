import os

from piccolo.conf.apps import AppConfig

from regulars.care.tables import Alert, Campaign, CareSettings, Holiday, Outbox, PlanMark, Season, Segment, Task

APP_CONFIG = AppConfig(
    app_name="care",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Holiday, Season, Segment, Campaign, Outbox, Task, Alert, CareSettings, PlanMark],
    migration_dependencies=["regulars.stores.piccolo_app", "regulars.customers.piccolo_app"],
    commands=[],
)
