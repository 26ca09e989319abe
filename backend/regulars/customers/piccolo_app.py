import os

from piccolo.conf.apps import AppConfig

from regulars.customers.tables import (
    Consent,
    Customer,
    CustomerStore,
    CustomerTag,
    ErasureRequest,
    ImportJob,
    TimelineEvent,
)

APP_CONFIG = AppConfig(
    app_name="customers",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Customer, CustomerStore, CustomerTag, Consent, TimelineEvent, ImportJob, ErasureRequest],
    migration_dependencies=["regulars.stores.piccolo_app"],
    commands=[],
)
