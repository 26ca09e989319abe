import os

from piccolo.conf.apps import AppConfig

from regulars.messaging.tables import InboxMessage, PushBackoff, PushSubscription

APP_CONFIG = AppConfig(
    app_name="messaging",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[PushSubscription, PushBackoff, InboxMessage],
    migration_dependencies=["regulars.customers.piccolo_app", "regulars.stores.piccolo_app"],
    commands=[],
)
