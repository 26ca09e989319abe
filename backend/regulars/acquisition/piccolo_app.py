import os

from piccolo.conf.apps import AppConfig

from regulars.acquisition.tables import (
    Channel,
    CounterEvent,
    CounterTokenUse,
    Follow,
    FollowTouch,
    OtpChallenge,
    Referral,
    ReferralCode,
    WalletToken,
)

APP_CONFIG = AppConfig(
    app_name="acquisition",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[
        Channel, Follow, FollowTouch, WalletToken, OtpChallenge, ReferralCode, Referral, CounterTokenUse, CounterEvent,
    ],
    migration_dependencies=["regulars.customers.piccolo_app", "regulars.stores.piccolo_app"],
    commands=[],
)
