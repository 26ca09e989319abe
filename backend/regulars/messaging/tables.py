"""Push subscriptions, push-service back-off, and the inboxes of customers and staff."""

from piccolo.columns import ForeignKey, Integer, OnDelete, Serial, SmallInt, Text, Timestamptz, Varchar
from piccolo.table import Table

from regulars.customers.tables import Customer
from regulars.stores.tables import Staff


class PushSubscription(Table, tablename="push_subscription"):
    id = Serial(primary_key=True)
    endpoint = Varchar(length=1000, unique=True, help_text="the push service URL the browser handed out")
    p256dh = Varchar(length=100, help_text="the browser's P-256 public key, base64url")
    auth = Varchar(length=40, help_text="the browser's 16-byte auth secret, base64url")
    customer = ForeignKey(references=Customer, null=True, on_delete=OnDelete.cascade, index=True)
    staff = ForeignKey(references=Staff, null=True, on_delete=OnDelete.cascade, index=True)
    user_agent = Varchar(length=200, default="")
    created_at = Timestamptz()
    updated_at = Timestamptz()
    last_sent_at = Timestamptz(null=True, default=None)
    last_status = SmallInt(null=True, default=None, help_text="HTTP status of the last answer from the push service")


class PushBackoff(Table, tablename="push_backoff"):
    """A push service that answered 429: nothing is sent to its origin before `until`."""

    id = Serial(primary_key=True)
    origin = Varchar(length=300, unique=True)
    until = Timestamptz()


class InboxMessage(Table, tablename="inbox_message"):
    id = Serial(primary_key=True)
    customer = ForeignKey(references=Customer, null=True, on_delete=OnDelete.cascade, index=True)
    staff = ForeignKey(references=Staff, null=True, on_delete=OnDelete.cascade, index=True)
    store_id = Integer(null=True, default=None, help_text="the store the message speaks for")
    kind = Varchar(length=30, default="message", help_text="message, care, alert, coupon, points, ...")
    title = Varchar(length=100)
    body = Text(default="")
    url = Varchar(length=500, default="", help_text="a link inside the product, relative or https")
    ref_type = Varchar(length=30, null=True, default=None)
    ref_id = Varchar(length=64, null=True, default=None)
    dedupe_key = Varchar(length=120, null=True, default=None, unique=True,
                         help_text="makes a repeated delivery of the same message a no-op")
    created_at = Timestamptz()
    read_at = Timestamptz(null=True, default=None)
