"""Customer profiles, their stores, tags, consents, timeline and imports."""

from piccolo.columns import (
    JSON,
    BigInt,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    SmallInt,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from regulars.stores.tables import Staff, Store


class Customer(Table, tablename="customer"):
    id = Serial(primary_key=True)
    phone = Varchar(length=11, null=True, default=None, unique=True, help_text="mainland mobile, 11 digits; NULL once erased")
    phone_tail = Varchar(length=4, null=True, default=None, index=True)
    name = Varchar(length=60, default="")
    gender = Varchar(length=6, null=True, default=None, help_text="male, female or NULL")
    birth_calendar = Varchar(length=5, null=True, default=None, help_text="solar or lunar")
    birth_year = SmallInt(null=True, default=None)
    birth_month = SmallInt(null=True, default=None)
    birth_day = SmallInt(null=True, default=None)
    birth_leap_month = Boolean(default=False, help_text="lunar birthdays in a leap month")
    occupation = Varchar(length=60, default="")
    interests = JSON(default="[]")
    plan = Varchar(length=100, default="")
    monthly_spend_fen = BigInt(null=True, default=None)
    spend_band = Varchar(length=10, default="", help_text="monthly spend band, see rules.SPEND_BANDS")
    device_model = Varchar(length=100, default="")
    device_purchased_on = Date(null=True, default=None)
    contract_end_on = Date(null=True, default=None, index=True)
    broadband = Boolean(null=True, default=None)
    family_lines = SmallInt(null=True, default=None)
    network_joined_on = Date(null=True, default=None)
    arrears_fen = BigInt(default=0)
    home_store = ForeignKey(references=Store, on_delete=OnDelete.restrict)
    responsible_clerk = ForeignKey(references=Staff, null=True, on_delete=OnDelete.set_null)
    source = Varchar(length=20, default="store", help_text="store, import, follow, referral")
    source_detail = Varchar(length=100, default="")
    notes = Text(default="")
    completeness = SmallInt(default=0)
    consent_service = Boolean(default=False)
    consent_marketing = Boolean(default=False)
    language = Varchar(length=5, default="zh-CN", help_text="zh-CN or en: the language messages to the customer use")
    created_at = Timestamptz(index=True)
    updated_at = Timestamptz()
    erased_at = Timestamptz(null=True, default=None)


class CustomerStore(Table, tablename="customer_store"):
    """A store's customers: those whose home store it is and those who follow it."""

    id = Serial(primary_key=True)
    customer = ForeignKey(references=Customer, on_delete=OnDelete.cascade)
    store = ForeignKey(references=Store, on_delete=OnDelete.cascade)
    relation = Varchar(length=10, help_text="home or follower")
    since = Timestamptz()


class CustomerTag(Table, tablename="customer_tag"):
    id = Serial(primary_key=True)
    customer = ForeignKey(references=Customer, on_delete=OnDelete.cascade)
    tag = Varchar(length=30, index=True)


class Consent(Table, tablename="consent"):
    id = Serial(primary_key=True)
    customer = ForeignKey(references=Customer, on_delete=OnDelete.cascade)
    purpose = Varchar(length=10, help_text="service or marketing")
    granted = Boolean()
    notice_version = Varchar(length=20)
    channel = Varchar(length=20, help_text="store, follow_page, wallet, import")
    staff_id = Integer(null=True, default=None)
    store_id = Integer(null=True, default=None)
    at = Timestamptz()


class TimelineEvent(Table, tablename="timeline_event"):
    id = Serial(primary_key=True)
    customer = ForeignKey(references=Customer, on_delete=OnDelete.cascade)
    at = Timestamptz()
    kind = Varchar(length=40, help_text="created, updated, note, consent, handover, coupon_issued, ...")
    channel = Varchar(length=10, default="store", help_text="store, push, phone, sms, web, import, system")
    store_id = Integer(null=True, default=None)
    staff_id = Integer(null=True, default=None)
    data = JSON(default="{}")
    ref_type = Varchar(length=30, null=True, default=None)
    ref_id = Varchar(length=64, null=True, default=None)


class ImportJob(Table, tablename="import_job"):
    id = Serial(primary_key=True)
    kind = Varchar(length=20, help_text="customers or purchases")
    staff_id = Integer()
    store_id = Integer(null=True, default=None)
    filename = Varchar(length=200)
    dry_run = Boolean()
    status = Varchar(length=10, help_text="running, done or failed")
    total = Integer(default=0)
    processed = Integer(default=0)
    created = Integer(default=0)
    updated = Integer(default=0)
    unchanged = Integer(default=0)
    failed = Integer(default=0)
    errors = JSON(default="[]")
    created_at = Timestamptz()
    finished_at = Timestamptz(null=True, default=None)


class ErasureRequest(Table, tablename="erasure_request"):
    """A customer's request to delete their data, done by a job before its legal deadline."""

    id = Serial(primary_key=True)
    customer = ForeignKey(references=Customer, on_delete=OnDelete.cascade)
    channel = Varchar(length=20, help_text="wallet or store")
    status = Varchar(length=10, default="pending", help_text="pending, done or cancelled")
    requested_at = Timestamptz()
    due_at = Timestamptz()
    completed_at = Timestamptz(null=True, default=None)
