import os

from piccolo.conf.apps import AppConfig

from regulars.coupons.tables import (
    Coupon,
    CouponBulkJob,
    CouponCustomerCount,
    CouponRedemption,
    CouponTemplate,
    CouponTemplateStore,
)

APP_CONFIG = AppConfig(
    app_name="coupons",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[CouponTemplate, CouponTemplateStore, Coupon, CouponRedemption, CouponCustomerCount, CouponBulkJob],
    migration_dependencies=["regulars.stores.piccolo_app", "regulars.customers.piccolo_app"],
    commands=[],
)
