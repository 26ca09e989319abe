"""Piccolo configuration: the engine from settings and the registry of rooms."""

from piccolo.conf.apps import AppRegistry

from regulars.core.db import make_engine
from regulars.settings import get_settings

DB = make_engine(get_settings())

APP_REGISTRY = AppRegistry(
    apps=[
        "regulars.core.piccolo_app",
        "regulars.stores.piccolo_app",
        "regulars.customers.piccolo_app",
        "regulars.coupons.piccolo_app",
        "regulars.points.piccolo_app",
        "regulars.purchases.piccolo_app",
        "regulars.messaging.piccolo_app",
        "regulars.acquisition.piccolo_app",
        "regulars.reports.piccolo_app",
        "regulars.care.piccolo_app",
    ]
)
