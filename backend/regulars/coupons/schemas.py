"""Request and response shapes of coupon templates, coupons, redemptions and bulk issues."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, UnsetType

Kind = Literal["amount_off", "percent_off", "gift", "service"]
Category = Literal["business", "device", "service"]
Purpose = Literal["reward", "discount", "care", "education"]
Scope = Literal["issuing", "list", "chain"]
State = Literal["issued", "redeemed", "expired", "void"]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
OptionalName = Annotated[str, msgspec.Meta(max_length=60)]
Terms = Annotated[str, msgspec.Meta(max_length=2000)]
Fen = Annotated[int, msgspec.Meta(ge=0, le=100_000_000)]
Positive = Annotated[int, msgspec.Meta(ge=1, le=100_000_000)]
StoreIds = Annotated[list[int], msgspec.Meta(max_length=500)]
Code = Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
Device = Annotated[str, msgspec.Meta(max_length=64)]
RowId = Annotated[int, msgspec.Meta(ge=1, le=2_147_483_647)]  # what a serial id can be: a job never meets another


class TemplateCreate(msgspec.Struct, forbid_unknown_fields=True):
    name_zh: Name
    kind: Kind
    category: Category
    purpose: Purpose
    name_en: OptionalName = ""
    terms_zh: Terms = ""
    terms_en: Terms = ""
    amount_off_fen: Positive | None = None
    percent_off: Annotated[int, msgspec.Meta(ge=1, le=99)] | None = None
    max_off_fen: Positive | None = None
    item: OptionalName = ""
    valid_from: dt.datetime | None = None
    valid_until: dt.datetime | None = None
    valid_days: Annotated[int, msgspec.Meta(ge=1, le=3650)] | None = None
    stock: Annotated[int, msgspec.Meta(ge=0, le=100_000_000)] | None = None
    per_customer_limit: Annotated[int, msgspec.Meta(ge=1, le=1000)] | None = 1
    scope: Scope = "issuing"
    store_ids: StoreIds = []
    min_spend_fen: Fen = 0
    points_price: Positive | None = None
    active: bool = True
    store_id: int | None = None  # admins: the owning store; omitted = a chain-wide template


class TemplateUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """PATCH: names, terms, limits, stores, price and the active flag; the kind and value never change."""

    name_zh: Name | UnsetType = UNSET
    name_en: OptionalName | UnsetType = UNSET
    terms_zh: Terms | UnsetType = UNSET
    terms_en: Terms | UnsetType = UNSET
    stock: Annotated[int, msgspec.Meta(ge=0, le=100_000_000)] | None | UnsetType = UNSET
    per_customer_limit: Annotated[int, msgspec.Meta(ge=1, le=1000)] | None | UnsetType = UNSET
    store_ids: StoreIds | UnsetType = UNSET
    min_spend_fen: Fen | UnsetType = UNSET
    points_price: Positive | None | UnsetType = UNSET
    active: bool | UnsetType = UNSET


class Template(msgspec.Struct):
    id: int
    store_id: int | None
    name_zh: str
    name_en: str
    terms_zh: str
    terms_en: str
    kind: str
    amount_off_fen: int | None
    percent_off: int | None
    max_off_fen: int | None
    item: str
    category: str
    purpose: str
    valid_from: dt.datetime | None
    valid_until: dt.datetime | None
    valid_days: int | None
    stock: int | None
    issued: int
    remaining: int | None
    per_customer_limit: int | None
    scope: str
    store_ids: list[int]
    min_spend_fen: int
    points_price: int | None
    active: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class IssueRequest(msgspec.Struct, forbid_unknown_fields=True):
    template_id: int
    customer_id: int


class Coupon(msgspec.Struct):
    id: int
    code: str
    template_id: int
    customer_id: int
    name_zh: str
    name_en: str
    kind: str
    amount_off_fen: int | None
    percent_off: int | None
    max_off_fen: int | None
    item: str
    min_spend_fen: int
    state: str
    scope: str
    issued_at: dt.datetime
    valid_from: dt.datetime
    valid_until: dt.datetime
    issued_store_id: int
    issued_by: int | None
    source: str
    source_ref: str | None
    redeemed_at: dt.datetime | None = None
    redeemed_store_id: int | None = None
    redeemed_by: int | None = None
    expired_at: dt.datetime | None = None


class CouponPage(msgspec.Struct):
    items: list[Coupon]
    limit: int
    offset: int
    has_more: bool


class RedeemRequest(msgspec.Struct, forbid_unknown_fields=True):
    code: Code
    purchase_id: Annotated[int, msgspec.Meta(ge=1)] | None = None
    device: Device | None = None
    spend_fen: Fen | None = None
    store_id: int | None = None  # admins only: the store the redemption happens in


class Redemption(msgspec.Struct):
    id: int
    coupon: Coupon
    store_id: int
    store_name: str
    staff_id: int | None
    channel: str
    device: str | None
    purchase_id: int | None
    at: dt.datetime


class ReverseRequest(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class Holder(msgspec.Struct, frozen=True):
    """A customer acting on their own coupons (the wallet and the customer-side redemption page)."""

    customer_id: int


class BulkRequest(msgspec.Struct, forbid_unknown_fields=True):
    template_id: int
    customer_ids: Annotated[list[RowId], msgspec.Meta(max_length=50_000)] | None = None
    query: Annotated[str, msgspec.Meta(max_length=60)] | None = None


class BulkError(msgspec.Struct):
    customer_id: int
    code: str
    message: str


class BulkJob(msgspec.Struct):
    id: int
    template_id: int
    status: str
    total: int
    processed: int
    issued: int
    skipped: int
    failed: int
    failures: dict[str, int]
    errors: list[BulkError]
    created_at: dt.datetime
    finished_at: dt.datetime | None
