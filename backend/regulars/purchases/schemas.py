"""Request and response shapes of purchases, refunds and visits."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

Category = Literal["plan", "device", "accessory", "service", "bill_payment"]
VisitKind = Literal["bill_payment", "after_sales", "consultation", "complaint"]
Kind = Literal["purchase", "visit"]


class Item(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    quantity: Annotated[int, msgspec.Meta(ge=1, le=999)] = 1
    amount_fen: Annotated[int, msgspec.Meta(ge=-100_000_000, le=100_000_000)] | None = None


class PurchaseCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A purchase (kind purchase, amount >= 0), a refund (kind purchase, negative amount, optionally `refund_of`)
    or a visit without a purchase (kind visit with `visit_kind`, no amount)."""

    customer_id: int
    kind: Kind = "purchase"
    category: Category | None = None
    visit_kind: VisitKind | None = None
    amount_fen: Annotated[int, msgspec.Meta(ge=-100_000_000, le=100_000_000)] = 0
    items: Annotated[list[Item], msgspec.Meta(max_length=50)] = []
    store_id: int | None = None
    clerk_id: int | None = None
    coupon_code: Annotated[str, msgspec.Meta(min_length=1, max_length=40)] | None = None
    refund_of: int | None = None
    external_id: Annotated[str, msgspec.Meta(min_length=1, max_length=64)] | None = None
    occurred_at: Annotated[dt.datetime, msgspec.Meta(tz=True)] | None = None
    note: Annotated[str, msgspec.Meta(max_length=500)] = ""


class Purchase(msgspec.Struct):
    id: int
    customer_id: int
    kind: str
    category: str | None
    visit_kind: str | None
    amount_fen: int
    refunded_fen: int
    refund_of: int | None
    items: list[dict]
    store_id: int
    clerk_id: int | None
    clerk_no: str
    coupon_code: str | None
    seq: int | None
    points: int
    external_id: str | None
    source: str
    note: str
    occurred_at: dt.datetime
    created_at: dt.datetime


class PurchasePage(msgspec.Struct):
    items: list[Purchase]
    limit: int
    offset: int
    has_more: bool
