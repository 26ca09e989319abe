"""Request and response shapes of channel codes and attribution."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, UnsetType

Kind = Literal["store", "clerk", "event", "campaign"]
AnyKind = Literal["store", "clerk", "event", "campaign", "referral"]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
Label = Annotated[str, msgspec.Meta(max_length=60)]


class ChannelCreate(msgspec.Struct, forbid_unknown_fields=True):
    kind: Kind
    name: Name
    store_id: int | None = None
    staff_id: int | None = None
    campaign: Label = ""
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    welcome_template_id: int | None = None


class ChannelUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """PATCH: only the fields sent change; a closed code (active false) answers 404 on the follow page."""

    name: Name | UnsetType = UNSET
    active: bool | UnsetType = UNSET
    campaign: Label | UnsetType = UNSET
    starts_at: dt.datetime | None | UnsetType = UNSET
    ends_at: dt.datetime | None | UnsetType = UNSET
    welcome_template_id: int | None | UnsetType = UNSET
    reward_template_id: int | None | UnsetType = UNSET


class Channel(msgspec.Struct):
    id: int
    store_id: int
    kind: AnyKind
    name: str
    code: str
    url: str
    staff_id: int | None
    campaign: str
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    active: bool
    open: bool
    welcome_template_id: int | None
    reward_template_id: int | None
    scans: int
    follows: int
    new_customers: int
    created_at: dt.datetime


class Touch(msgspec.Struct):
    store_id: int
    channel_id: int | None
    channel_name: str | None
    staff_id: int | None
    campaign: str
    referrer_customer_id: int | None
    at: dt.datetime


class StoreFollow(msgspec.Struct):
    store_id: int
    first: Touch
    latest: Touch
    touches: int


class Attribution(msgspec.Struct):
    customer_id: int
    follows: list[StoreFollow]
    history: list[Touch]


class CounterQr(msgspec.Struct):
    """What the counter tablet shows: fetch again after `refresh_in` seconds (or at once after a redemption)."""

    token: str
    url: str
    qr_svg: str
    store_id: int
    staff_id: int
    issued_at: dt.datetime
    scan_until: dt.datetime
    refresh_in: int
