import os

from piccolo.conf.apps import AppConfig

from regulars.stores.tables import Staff, StaffSession, Store

APP_CONFIG = AppConfig(
    app_name="stores",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Store, Staff, StaffSession],
    migration_dependencies=["regulars.core.piccolo_app"],
    commands=[],
)
