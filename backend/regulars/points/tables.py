"""Points: the append-only ledger, the lots it earns, the cached balance, earning rules and bulk grants."""

from piccolo.columns import JSON, ForeignKey, Integer, OnDelete, Serial, SmallInt, Timestamptz, Varchar
from piccolo.table import Table

from regulars.customers.tables import Customer


class PointsEntry(Table, tablename="points_entry"):
    """One ledger line; never changed once written. The balance is the sum of `points`."""

    id = Serial(primary_key=True)
    customer = ForeignKey(references=Customer, null=False, on_delete=OnDelete.cascade)
    kind = Varchar(length=10, help_text="earn, redeem, expire, adjust or reverse")
    points = Integer(help_text="signed: credits positive, debits negative")
    balance_after = Integer(help_text="the customer's balance once this line was written")
    source_kind = Varchar(length=30, help_text="what caused it: purchase, refund, follow, exchange, adjust, lot, grant, ...")
    source_id = Varchar(length=64, help_text="the id of that cause; (customer, source_kind, source_id) is unique")
    store_id = Integer(null=True, default=None)
    staff_id = Integer(null=True, default=None)
    reason = Varchar(length=200, default="")
    at = Timestamptz()


class PointsLot(Table, tablename="points_lot"):
    """Points credited together and expiring together; debits consume lots oldest expiry first."""

    id = Serial(primary_key=True)
    customer = ForeignKey(references=Customer, null=False, on_delete=OnDelete.cascade)
    entry = ForeignKey(references=PointsEntry, null=False, on_delete=OnDelete.cascade)
    points = Integer()
    remaining = Integer()
    earned_at = Timestamptz()
    expires_at = Timestamptz(null=True, default=None, help_text="NULL: never expires")


class PointsBalance(Table, tablename="points_balance"):
    """The cached balance (CHECK balance >= 0, created by a raw migration); reconcile compares it to the ledger."""

    customer = Integer(primary_key=True, help_text="customer id (REFERENCES customer)")
    balance = Integer(default=0)
    updated_at = Timestamptz()


class PointsRule(Table, tablename="points_rule"):
    """Earning rules of the chain (scope 'chain') or of one store (scope 'store:ID'), which then overrides the chain's."""

    id = Serial(primary_key=True)
    scope = Varchar(length=30, unique=True)
    store_id = Integer(null=True, default=None)
    rates = JSON(default="{}", help_text="points per yuan by purchase category; 0 excludes a category")
    bonuses = JSON(default="{}", help_text="fixed points for follow, referral, profile_completed")
    birthday_multiplier_pct = SmallInt(default=100, help_text="200 = double points in the birthday month")
    expiry_years = SmallInt(null=True, default=None, help_text="1 = end of the year after earning; NULL = never")
    updated_at = Timestamptz()
    updated_by = Integer(null=True, default=None)


class PointsGrant(Table, tablename="points_grant"):
    """A manager's bulk grant to a list of customers, processed in the background with progress."""

    id = Serial(primary_key=True)
    staff_id = Integer()
    role = Varchar(length=10)
    store_id = Integer(null=True, default=None)
    points = Integer()
    reason = Varchar(length=200)
    customer_ids = JSON(default="[]")
    status = Varchar(length=10, help_text="queued, running, done or failed")
    total = Integer(default=0)
    processed = Integer(default=0)
    granted = Integer(default=0)
    skipped = Integer(default=0, help_text="already granted by this job (a resumed run)")
    failed = Integer(default=0)
    errors = JSON(default="[]")
    lease_until = Timestamptz(null=True, default=None, help_text="a worker holds the job until then")
    created_at = Timestamptz()
    finished_at = Timestamptz(null=True, default=None)
