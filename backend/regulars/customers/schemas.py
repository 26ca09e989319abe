"""Request and response shapes of customer profiles."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, UnsetType

Gender = Literal["male", "female"]
Calendar = Literal["solar", "lunar"]
Purpose = Literal["service", "marketing"]
Language = Literal["zh-CN", "en"]  # the language messages to the customer use
Short = Annotated[str, msgspec.Meta(max_length=60)]
Medium = Annotated[str, msgspec.Meta(max_length=100)]
Fen = Annotated[int, msgspec.Meta(ge=0, le=100_000_000)]
Tags = Annotated[list[Annotated[str, msgspec.Meta(max_length=30)]], msgspec.Meta(max_length=20)]


class Birthday(msgspec.Struct, forbid_unknown_fields=True):
    calendar: Calendar
    month: Annotated[int, msgspec.Meta(ge=1, le=12)]
    day: Annotated[int, msgspec.Meta(ge=1, le=31)]
    year: Annotated[int, msgspec.Meta(ge=1900, le=2100)] | None = None
    leap_month: bool = False


class ConsentGrant(msgspec.Struct, forbid_unknown_fields=True):
    purpose: Purpose
    granted: bool
    notice_version: Annotated[str, msgspec.Meta(min_length=1, max_length=20)]


class CustomerCreate(msgspec.Struct, forbid_unknown_fields=True):
    phone: Annotated[str, msgspec.Meta(min_length=1, max_length=30)]
    name: Short = ""
    gender: Gender | None = None
    birthday: Birthday | None = None
    occupation: Short = ""
    interests: Tags = []
    tags: Tags = []
    plan: Medium = ""
    monthly_spend_fen: Fen | None = None
    device_model: Medium = ""
    device_purchased_on: dt.date | None = None
    contract_end_on: dt.date | None = None
    broadband: bool | None = None
    family_lines: Annotated[int, msgspec.Meta(ge=0, le=20)] | None = None
    notes: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    home_store_id: int | None = None
    responsible_clerk_id: int | None = None
    consents: list[ConsentGrant] = []
    language: Language = "zh-CN"


class CustomerExpected(msgspec.Struct, forbid_unknown_fields=True):
    """The values the client last saw of the fields it changes, as the profile showed them."""

    phone: str | UnsetType = UNSET
    name: str | UnsetType = UNSET
    gender: Gender | None | UnsetType = UNSET
    birthday: Birthday | None | UnsetType = UNSET
    occupation: str | UnsetType = UNSET
    interests: list[str] | UnsetType = UNSET
    tags: list[str] | UnsetType = UNSET
    plan: str | UnsetType = UNSET
    monthly_spend_fen: int | None | UnsetType = UNSET
    device_model: str | UnsetType = UNSET
    device_purchased_on: dt.date | None | UnsetType = UNSET
    contract_end_on: dt.date | None | UnsetType = UNSET
    broadband: bool | None | UnsetType = UNSET
    family_lines: int | None | UnsetType = UNSET
    notes: str | UnsetType = UNSET
    language: Language | UnsetType = UNSET


class CustomerUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """PATCH: only the fields sent change; store, points and ids are not among them.

    `expected` may give, for fields sent, the values the client last saw (an offline tablet's edit, replayed
    later): if someone else changed one of them since, nothing is written and the answer is 409 with their
    values now. A field whose value now already is the one sent is no conflict. Without `expected`, the
    fields sent are written whatever they hold now."""

    phone: Annotated[str, msgspec.Meta(min_length=1, max_length=30)] | UnsetType = UNSET
    name: Short | UnsetType = UNSET
    gender: Gender | None | UnsetType = UNSET
    birthday: Birthday | None | UnsetType = UNSET
    occupation: Short | UnsetType = UNSET
    interests: Tags | UnsetType = UNSET
    tags: Tags | UnsetType = UNSET
    plan: Medium | UnsetType = UNSET
    monthly_spend_fen: Fen | None | UnsetType = UNSET
    device_model: Medium | UnsetType = UNSET
    device_purchased_on: dt.date | None | UnsetType = UNSET
    contract_end_on: dt.date | None | UnsetType = UNSET
    broadband: bool | None | UnsetType = UNSET
    family_lines: Annotated[int, msgspec.Meta(ge=0, le=20)] | None | UnsetType = UNSET
    notes: Annotated[str, msgspec.Meta(max_length=2000)] | UnsetType = UNSET
    language: Language | UnsetType = UNSET
    expected: CustomerExpected | UnsetType = UNSET


class EditConflict(msgspec.Struct):
    """409 to a PATCH with `expected`: the fields someone else changed since, and their values now."""

    type: str
    title: str
    status: int
    code: Literal["customer.changed_meanwhile"]
    detail: str
    field: str
    reason: Literal["changed_meanwhile"]
    fields: list[str]
    current: dict[str, Any]


class ConsentState(msgspec.Struct):
    service: bool
    marketing: bool


class Customer(msgspec.Struct):
    id: int
    phone: str
    phone_masked: str
    name: str
    gender: str | None
    birthday: Birthday | None
    occupation: str
    interests: list[str]
    tags: list[str]
    plan: str
    monthly_spend_fen: int | None
    spend_band: str
    device_model: str
    device_purchased_on: dt.date | None
    contract_end_on: dt.date | None
    broadband: bool | None
    family_lines: int | None
    network_joined_on: dt.date | None
    arrears_fen: int
    notes: str
    home_store_id: int
    responsible_clerk_id: int | None
    source: str
    source_detail: str
    completeness: int
    consent: ConsentState
    store_ids: list[int]
    created_at: dt.datetime
    updated_at: dt.datetime
    language: Language = "zh-CN"


class CustomerSummary(msgspec.Struct):
    id: int
    name: str
    phone_masked: str
    home_store_id: int
    responsible_clerk_id: int | None
    tags: list[str]
    completeness: int
    created_at: dt.datetime


class CustomerPage(msgspec.Struct):
    items: list[CustomerSummary]
    limit: int
    offset: int
    has_more: bool


class TimelineItem(msgspec.Struct):
    id: int
    at: dt.datetime
    kind: str
    channel: str
    store_id: int | None
    staff_id: int | None
    summary: str
    data: dict
    ref_type: str | None
    ref_id: str | None


class StoreFollow(msgspec.Struct, forbid_unknown_fields=True):
    """A customer of another store, present at the counter, also becomes this store's customer.

    Sent first with the phone alone: a code goes to that phone (202). Sent again with the answer's `ref` and the
    code the customer reads out, the customer joins the store (200)."""

    phone: Annotated[str, msgspec.Meta(min_length=1, max_length=30)]
    consents: list[ConsentGrant] = []
    ref: Annotated[str, msgspec.Meta(min_length=1, max_length=64)] | None = None
    code: Annotated[str, msgspec.Meta(min_length=1, max_length=12)] | None = None


class NoteCreate(msgspec.Struct, forbid_unknown_fields=True):
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class HandoverRequest(msgspec.Struct, forbid_unknown_fields=True):
    from_clerk_id: int
    to_clerk_id: int
    customer_ids: Annotated[list[int], msgspec.Meta(max_length=10000)] | None = None


class HandoverResult(msgspec.Struct):
    moved: int
    from_clerk_id: int
    to_clerk_id: int


class ImportError_(msgspec.Struct, rename={"row": "row"}):
    row: int
    column: str
    message: str


class ImportJob(msgspec.Struct):
    id: int
    kind: str
    filename: str
    dry_run: bool
    status: str
    total: int
    processed: int
    created: int
    updated: int
    unchanged: int
    failed: int
    errors: list[ImportError_]
    created_at: dt.datetime
    finished_at: dt.datetime | None
