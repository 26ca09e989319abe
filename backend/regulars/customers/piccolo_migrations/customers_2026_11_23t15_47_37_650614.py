from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-23T15:47:37:650614"
VERSION = "1.38.0"
DESCRIPTION = "customer language"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="customers", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="Customer",
        tablename="customer",
        column_name="language",
        db_column_name="language",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 5,
            "default": "zh-CN",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
