import os

from piccolo.conf.apps import AppConfig

from regulars.points.tables import PointsBalance, PointsEntry, PointsGrant, PointsLot, PointsRule

APP_CONFIG = AppConfig(
    app_name="points",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[PointsEntry, PointsLot, PointsBalance, PointsRule, PointsGrant],
    migration_dependencies=["regulars.customers.piccolo_app"],
    commands=[],
)
