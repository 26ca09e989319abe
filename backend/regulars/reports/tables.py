"""The reports room's own tables: daily and per-customer roll-ups, settings, and store grades.

Roll-ups are derived data: a job rebuilds any part of them from the other rooms' tables
at any time, so they refer to stores, staff and customers by plain ids (no foreign keys).
"""

from piccolo.columns import JSON, BigInt, Date, Float, Integer, Serial, SmallInt, Timestamptz, Varchar
from piccolo.table import Table


class ReportDaily(Table, tablename="report_daily"):
    """Per store-local day, store and clerk: the counts the clerk, store and points reports add up."""

    id = Serial(primary_key=True)
    day = Date(help_text="the store-local day")
    store_id = Integer(help_text="0: no store")
    clerk_id = Integer(default=0, help_text="0: no clerk")
    new_customers = Integer(default=0, help_text="customers created, by home store and responsible clerk")
    purchases = Integer(default=0)
    sales_fen = BigInt(default=0, help_text="purchases less refunds")
    first_purchases = Integer(default=0, help_text="purchases with seq = 1")
    repurchases = Integer(default=0, help_text="purchases with seq >= 2")
    visits = Integer(default=0)
    coupons_issued = Integer(default=0, help_text="by issuing store and staff")
    coupons_redeemed = Integer(default=0, help_text="unreversed redemptions, by redeeming store and staff")
    points_earned = BigInt(default=0)
    points_redeemed = BigInt(default=0)
    points_expired = BigInt(default=0)
    points_adjusted = BigInt(default=0, help_text="net of manual adjustments")
    points_reversed = BigInt(default=0, help_text="taken back by refunds")
    follows = Integer(default=0, help_text="follow touches through channel codes, by store and the code's clerk")
    new_followers = Integer(default=0, help_text="first follows of the store")


class ChannelDay(Table, tablename="report_channel_day"):
    """Scans of a channel code per store-local day, sampled from the code's running count by the roll-up job."""

    id = Serial(primary_key=True)
    day = Date()
    channel_id = Integer()
    store_id = Integer()
    scans = Integer(default=0)


class CustomerRfm(Table, tablename="customer_rfm"):
    """One customer with purchases in the trailing window: recency, frequency, monetary and their tiers."""

    id = Serial(primary_key=True)
    customer = Integer(unique=True)
    store_id = Integer(help_text="home store when refreshed")
    clerk_id = Integer(default=0, help_text="responsible clerk when refreshed; 0: none")
    as_of = Date(help_text="the last day of the window")
    last_purchase_at = Timestamptz()
    recency_days = Integer()
    frequency = Integer()
    monetary_fen = BigInt()
    r = SmallInt(default=0, help_text="1-5 against the chain, 5 = most recent")
    f = SmallInt(default=0, help_text="1-5 against the chain, 5 = most frequent")
    m = SmallInt(default=0, help_text="1-5 against the chain, 5 = most spent")
    r_store = SmallInt(default=0, help_text="1-5 against the home store's customers")
    f_store = SmallInt(default=0)
    m_store = SmallInt(default=0)


class RfmCut(Table, tablename="customer_rfm_cut"):
    """Quintile boundaries of the last refresh: scope 0 is the chain, otherwise a store id."""

    id = Serial(primary_key=True)
    scope = Integer()
    dimension = Varchar(length=1, help_text="r (recency days), f or m")
    k = SmallInt(help_text="1-4: values above the k-th boundary are in a higher tier")
    value = Float()


class RollupState(Table, tablename="report_rollup"):
    """How far each roll-up has read its sources (id watermarks) and when it last ran."""

    id = Serial(primary_key=True)
    name = Varchar(length=30, unique=True)
    watermarks = JSON(default="{}")
    as_of = Date(null=True, default=None, help_text="the day a snapshot roll-up describes")
    refreshed_at = Timestamptz(null=True, default=None)


class ReportSetting(Table, tablename="report_setting"):
    """Settings an admin keeps for the reports, e.g. the store ranking's weights and grade shares."""

    id = Serial(primary_key=True)
    key = Varchar(length=40, unique=True)
    value = JSON(default="{}")
    updated_at = Timestamptz()
    updated_by = Integer(null=True, default=None)


class StoreGrade(Table, tablename="report_store_grade"):
    """A month's store ranking as it was graded and written back to the stores."""

    id = Serial(primary_key=True)
    month = Varchar(length=7, help_text="YYYY-MM")
    store_id = Integer()
    score = Float()
    rank = Integer()
    grade = Varchar(length=1)
    graded_at = Timestamptz()
    graded_by = Integer(null=True, default=None, help_text="NULL: the monthly job")


class CouponDay(Table, tablename="report_coupon_day"):
    """Coupons per store-local day of issue, issuing store, issuing clerk and template, with how many of them are
    now seen, redeemed, expired or still issued: the coupons report adds these up instead of every coupon."""

    id = Serial(primary_key=True)
    day = Date(help_text="the issuing store's local day of issue")
    store_id = Integer(help_text="the issuing store")
    clerk_id = Integer(default=0, help_text="the issuing staff; 0: issued by the system")
    template_id = Integer()
    issued = Integer(default=0)
    seen = Integer(default=0, help_text="shown to the customer in the wallet")
    redeemed = Integer(default=0, help_text="state redeemed now")
    expired = Integer(default=0, help_text="state expired now")
    still_issued = Integer(default=0, help_text="state issued now (outstanding once past-due ones are taken off)")


class ProfileBand(Table, tablename="report_profile"):
    """Today's customers (not erased) per home store, responsible clerk and completeness band, with how many
    have each profile field and consent: the profiles report adds these up instead of every customer."""

    id = Serial(primary_key=True)
    store_id = Integer(help_text="the customers' home store")
    clerk_id = Integer(default=0, help_text="the responsible clerk; 0: none")
    band = Integer(help_text="completeness band: 0 for 0-19, ... 4 for 80-100")
    customers = Integer(default=0)
    completeness = Integer(default=0, help_text="the customers' completeness added up")
    with_birthday = Integer(default=0)
    with_plan = Integer(default=0)
    with_device = Integer(default=0)
    service_consent = Integer(default=0)
    marketing_consent = Integer(default=0)
