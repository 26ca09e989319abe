"""Channel codes, follows with first and latest touch, every touch, wallets, one-time codes, referrals,
and the counter's rotating redemption QR."""

from piccolo.columns import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    SmallInt,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from regulars.customers.tables import Customer
from regulars.stores.tables import Staff, Store


class Channel(Table, tablename="channel"):
    id = Serial(primary_key=True)
    store = ForeignKey(references=Store, on_delete=OnDelete.restrict, index=True)
    kind = Varchar(length=10, help_text="store, clerk, event or campaign")
    name = Varchar(length=60, help_text="what the manager calls it, e.g. 门口海报 or 中秋社区活动")
    code = Varchar(length=16, unique=True, help_text="short unguessable code in /f/{code}")
    staff = ForeignKey(references=Staff, null=True, on_delete=OnDelete.set_null, help_text="the clerk it credits")
    campaign = Varchar(length=60, default="", help_text="campaign label the follows are credited to")
    starts_at = Timestamptz(null=True, default=None)
    ends_at = Timestamptz(null=True, default=None)
    active = Boolean(default=True, help_text="false once a manager closes it")
    welcome_template_id = Integer(null=True, default=None, help_text="coupon template issued on a first follow")
    reward_template_id = Integer(null=True, default=None,
                                 help_text="referral codes: coupon template the referrer gets on the friend's first purchase")
    scans = Integer(default=0)
    follows = Integer(default=0, help_text="follow events through this code, re-follows included")
    new_customers = Integer(default=0, help_text="customers created by a follow through this code")
    created_by = Integer(null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Follow(Table, tablename="follow"):
    """One customer following one store, with the first touch kept and the latest touch updated."""

    id = Serial(primary_key=True)
    customer = ForeignKey(references=Customer, on_delete=OnDelete.cascade)
    store = ForeignKey(references=Store, on_delete=OnDelete.cascade, index=True)
    first_channel = Integer(null=True, default=None)
    first_staff = Integer(null=True, default=None)
    first_campaign = Varchar(length=60, default="")
    first_referrer = Integer(null=True, default=None, help_text="customer id of the referrer, if any")
    first_at = Timestamptz()
    last_channel = Integer(null=True, default=None)
    last_staff = Integer(null=True, default=None)
    last_campaign = Varchar(length=60, default="")
    last_referrer = Integer(null=True, default=None)
    last_at = Timestamptz()
    touches = Integer(default=1)


class FollowTouch(Table, tablename="follow_touch"):
    """Every follow event, so that no re-follow through another channel is lost."""

    id = Serial(primary_key=True)
    customer = ForeignKey(references=Customer, on_delete=OnDelete.cascade)
    store = Integer()
    channel = Integer(null=True, default=None)
    staff = Integer(null=True, default=None)
    campaign = Varchar(length=60, default="")
    referrer = Integer(null=True, default=None)
    new_customer = Boolean(default=False)
    new_follower = Boolean(default=False, help_text="first follow of this store by this customer")
    at = Timestamptz()


class WalletToken(Table, tablename="wallet_token"):
    id = Serial(primary_key=True)
    customer = ForeignKey(references=Customer, on_delete=OnDelete.cascade, index=True)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz()
    last_used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class OtpChallenge(Table, tablename="otp_challenge"):
    id = Serial(primary_key=True)
    ref_hash = Varchar(length=64, unique=True, help_text="keyed hash of the reference the page carries")
    purpose = Varchar(length=20, help_text="follow or redeem")
    phone = Varchar(length=11)
    code_hash = Varchar(length=64)
    channel_id = Integer(null=True, default=None)
    data = JSON(default="{}", help_text="what the visitor chose before the code was sent (consents, referral)")
    attempts = SmallInt(default=0)
    client_ip = Varchar(length=64, null=True, default=None)
    created_at = Timestamptz(index=True)
    expires_at = Timestamptz()
    verified_at = Timestamptz(null=True, default=None)


class ReferralCode(Table, tablename="referral_code"):
    """A customer's own referral link /r/{code}."""

    id = Serial(primary_key=True)
    customer = ForeignKey(references=Customer, on_delete=OnDelete.cascade, unique=True)
    code = Varchar(length=16, unique=True)
    created_at = Timestamptz()


class Referral(Table, tablename="referral"):
    """A new customer brought in by an existing one; rewarded once, on the referee's first purchase."""

    id = Serial(primary_key=True)
    referrer = ForeignKey(references=Customer, on_delete=OnDelete.cascade, index=True)
    referee = ForeignKey(references=Customer, on_delete=OnDelete.cascade, unique=True)
    store = Integer(help_text="the store the referee followed")
    channel = Integer(null=True, default=None)
    created_at = Timestamptz()
    status = Varchar(length=10, default="pending", help_text="pending, rewarded or void")
    rewarded_at = Timestamptz(null=True, default=None)
    reward = Varchar(length=60, default="", help_text="what the referrer got, e.g. points:200 or coupon:123")


class CounterTokenUse(Table, tablename="counter_token_use"):
    """A counter QR token spent by a redemption: the same token never redeems twice."""

    id = Serial(primary_key=True)
    nonce = Varchar(length=16, unique=True)
    store = Integer()
    staff = Integer()
    used_at = Timestamptz(index=True)


class CounterEvent(Table, tablename="counter_event"):
    """Something the counter's tablet shows at once (a customer redeemed by scanning its QR)."""

    id = Serial(primary_key=True)
    store = Integer()
    staff = Integer(index=True)
    kind = Varchar(length=20)
    data = JSON(default="{}")
    at = Timestamptz(index=True)
