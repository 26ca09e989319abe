"""Coupon templates, issued coupons, their redemptions, per-customer counters and bulk issue jobs."""

from piccolo.columns import JSON, BigInt, Boolean, ForeignKey, Integer, OnDelete, Serial, SmallInt, Text, Timestamptz, Varchar
from piccolo.table import Table

from regulars.customers.tables import Customer
from regulars.stores.tables import Store


class CouponTemplate(Table, tablename="coupon_template"):
    id = Serial(primary_key=True)
    store = ForeignKey(references=Store, null=True, on_delete=OnDelete.restrict,
                       help_text="owning store; NULL for a chain-wide template made by an admin")
    name_zh = Varchar(length=60)
    name_en = Varchar(length=60, default="")
    terms_zh = Text(default="")
    terms_en = Text(default="")
    kind = Varchar(length=12, help_text="amount_off, percent_off, gift or service")
    amount_off_fen = BigInt(null=True, default=None)
    percent_off = SmallInt(null=True, default=None, help_text="1-99: the customer pays (100 - n)%")
    max_off_fen = BigInt(null=True, default=None, help_text="cap of a percent_off discount")
    item = Varchar(length=60, default="", help_text="the gift or the service given (gift and service kinds)")
    category = Varchar(length=10, help_text="business, device or service")
    purpose = Varchar(length=10, help_text="reward, discount, care or education")
    valid_from = Timestamptz(null=True, default=None, help_text="fixed window start")
    valid_until = Timestamptz(null=True, default=None, help_text="fixed window end")
    valid_days = Integer(null=True, default=None, help_text="or: valid for N days counting the day of issue")
    stock = Integer(null=True, default=None, help_text="total coupons that may be issued; NULL = unlimited")
    issued = Integer(default=0, help_text="coupons issued so far; raised by one conditional update per issue")
    per_customer_limit = Integer(null=True, default=1, help_text="NULL = unlimited")
    scope = Varchar(length=8, help_text="issuing (the issuing store), list (coupon_template_store) or chain")
    min_spend_fen = BigInt(default=0)
    points_price = Integer(null=True, default=None, help_text="points for the points exchange; NULL = not exchangeable")
    active = Boolean(default=True)
    created_by = Integer(null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class CouponTemplateStore(Table, tablename="coupon_template_store"):
    """The stores a template with scope 'list' is valid in."""

    id = Serial(primary_key=True)
    template = ForeignKey(references=CouponTemplate, on_delete=OnDelete.cascade)
    store = ForeignKey(references=Store, on_delete=OnDelete.cascade)


class Coupon(Table, tablename="coupon"):
    id = Serial(primary_key=True)
    code = Varchar(length=16, unique=True, help_text="Crockford base32, 10 characters and a check character")
    template = ForeignKey(references=CouponTemplate, on_delete=OnDelete.restrict)
    customer = ForeignKey(references=Customer, on_delete=OnDelete.restrict)
    state = Varchar(length=10, default="issued", help_text="issued, redeemed, expired or void")
    scope = Varchar(length=8, help_text="the template's scope when issued")
    issued_at = Timestamptz()
    valid_from = Timestamptz()
    valid_until = Timestamptz()
    issued_store = ForeignKey(references=Store, on_delete=OnDelete.restrict)
    issued_by = Integer(null=True, default=None, help_text="staff id; NULL when issued by the system")
    source = Varchar(length=20, help_text="staff, bulk, exchange, welcome, birthday, referral, campaign, ...")
    source_ref = Varchar(length=64, null=True, default=None, help_text="with source: issue at most once per customer")
    redeemed_at = Timestamptz(null=True, default=None)
    redeemed_store = Integer(null=True, default=None)
    redeemed_by = Integer(null=True, default=None)
    redeemed_channel = Varchar(length=10, null=True, default=None, help_text="store (clerk scan) or web (customer)")
    redeemed_device = Varchar(length=64, null=True, default=None)
    purchase_id = BigInt(null=True, default=None)
    expired_at = Timestamptz(null=True, default=None)
    voided_at = Timestamptz(null=True, default=None)
    seen_at = Timestamptz(null=True, default=None, help_text="first shown to the customer in the wallet")


class CouponRedemption(Table, tablename="coupon_redemption"):
    """Every redemption, kept after a reversal; at most one unreversed per coupon (unique index)."""

    id = Serial(primary_key=True)
    coupon = ForeignKey(references=Coupon, on_delete=OnDelete.cascade)
    customer = Integer()
    store = Integer()
    staff_id = Integer(null=True, default=None)
    channel = Varchar(length=10)
    device = Varchar(length=64, null=True, default=None)
    purchase_id = BigInt(null=True, default=None)
    spend_fen = BigInt(null=True, default=None)
    at = Timestamptz()
    reversed_at = Timestamptz(null=True, default=None)
    reversed_by = Integer(null=True, default=None)
    reverse_reason = Text(default="")


class CouponCustomerCount(Table, tablename="coupon_customer_count"):
    """Coupons of one template issued to one customer: the per-customer limit is a conditional upsert here."""

    id = Serial(primary_key=True)
    template = ForeignKey(references=CouponTemplate, on_delete=OnDelete.cascade)
    customer = ForeignKey(references=Customer, on_delete=OnDelete.cascade)
    issued = Integer(default=0)


class CouponBulkJob(Table, tablename="coupon_bulk_job"):
    id = Serial(primary_key=True)
    template = ForeignKey(references=CouponTemplate, on_delete=OnDelete.cascade)
    staff_id = Integer()
    role = Varchar(length=10, help_text="the starter's role: the job issues within their reach")
    store_id = Integer(null=True, default=None)
    status = Varchar(length=10, help_text="running, done or failed")
    targets = JSON(default="[]", help_text="customer ids, fixed when the job starts")
    total = Integer(default=0)
    processed = Integer(default=0, help_text="targets handled so far; a resumed job continues from here")
    issued = Integer(default=0)
    skipped = Integer(default=0, help_text="already given a coupon by this job (a resumed run)")
    failed = Integer(default=0)
    failures = JSON(default="{}", help_text="failed count per reason")
    errors = JSON(default="[]", help_text="the first failures, each with customer and reason")
    lease_owner = Varchar(length=32, default="", help_text="the runner that holds the lease")
    lease_until = Timestamptz(help_text="a runner owns the job until then; a stale lease lets the worker resume it")
    created_at = Timestamptz()
    finished_at = Timestamptz(null=True, default=None)
