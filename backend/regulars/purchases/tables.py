"""Purchases, refunds and visits, and the per-customer purchase counter behind the repurchase fact."""

from piccolo.columns import JSON, BigInt, ForeignKey, Integer, OnDelete, Serial, Timestamptz, Varchar
from piccolo.table import Table

from regulars.customers.tables import Customer
from regulars.stores.tables import Staff, Store


class Purchase(Table, tablename="purchase"):
    id = Serial(primary_key=True)
    customer = ForeignKey(references=Customer, null=False, on_delete=OnDelete.cascade)
    store = ForeignKey(references=Store, null=False, on_delete=OnDelete.restrict)
    clerk = ForeignKey(references=Staff, null=True, on_delete=OnDelete.set_null)
    clerk_no = Varchar(length=30, default="", help_text="工号 as the POS export gave it, known to Regulars or not")
    kind = Varchar(length=10, help_text="purchase, refund or visit")
    category = Varchar(length=20, null=True, default=None, help_text="plan, device, accessory, service, bill_payment")
    visit_kind = Varchar(length=20, null=True, default=None, help_text="bill_payment, after_sales, consultation, complaint")
    amount_fen = BigInt(default=0, help_text="negative for a refund; 0 for a visit")
    refunded_fen = BigInt(default=0, help_text="refunds recorded against this purchase so far")
    refund_of = ForeignKey(references="self", null=True, default=None, on_delete=OnDelete.restrict)
    items = JSON(default="[]")
    coupon_code = Varchar(length=40, null=True, default=None)
    seq = Integer(null=True, default=None, help_text="1 = the customer's first purchase, 2 = second, ...; NULL for refunds and visits")
    points = Integer(default=0, help_text="points earned (or reversed, negative) by this row")
    external_id = Varchar(length=64, null=True, default=None, unique=True, help_text="order number in the POS or billing system")
    source = Varchar(length=10, default="store", help_text="store or import")
    note = Varchar(length=500, default="")
    occurred_at = Timestamptz()
    created_at = Timestamptz()
    created_by = Integer(null=True, default=None)


class PurchaseCounter(Table, tablename="purchase_counter"):
    """How many purchases a customer has made: bumped in the purchase's own write unit, which hands out `seq`."""

    id = Serial(primary_key=True)
    customer = ForeignKey(references=Customer, null=False, unique=True, on_delete=OnDelete.cascade)
    purchases = Integer(default=0)
