import os

from piccolo.conf.apps import AppConfig

from regulars.reports.tables import (ChannelDay, CouponDay, CustomerRfm, ProfileBand, ReportDaily, ReportSetting, RfmCut,
                                     RollupState, StoreGrade)

APP_CONFIG = AppConfig(
    app_name="reports",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[ReportDaily, CustomerRfm, RfmCut, RollupState, ReportSetting, StoreGrade, ChannelDay, CouponDay,
                   ProfileBand],
    migration_dependencies=[
        "regulars.stores.piccolo_app",
        "regulars.customers.piccolo_app",
        "regulars.coupons.piccolo_app",
        "regulars.points.piccolo_app",
        "regulars.purchases.piccolo_app",
        "regulars.acquisition.piccolo_app",
    ],
    commands=[],
)
