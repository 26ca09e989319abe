import os

from piccolo.conf.apps import AppConfig

from regulars.purchases.tables import Purchase, PurchaseCounter

APP_CONFIG = AppConfig(
    app_name="purchases",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Purchase, PurchaseCounter],
    migration_dependencies=["regulars.customers.piccolo_app", "regulars.stores.piccolo_app"],
    commands=[],
)
