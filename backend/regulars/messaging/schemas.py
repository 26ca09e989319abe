"""Request and response shapes of push subscriptions and inboxes."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

Owner = Literal["staff", "customer"]


class VapidKey(msgspec.Struct):
    public_key: str


class SubscriptionKeys(msgspec.Struct, forbid_unknown_fields=True):
    p256dh: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    auth: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]


class SubscriptionCreate(msgspec.Struct, forbid_unknown_fields=True):
    """What PushSubscription.toJSON() gives, plus whose it is when a staff member is also a customer."""

    endpoint: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]
    keys: SubscriptionKeys
    expirationTime: float | None = None
    owner: Owner | None = None


class Subscription(msgspec.Struct):
    id: int
    owner: Owner
    created_at: dt.datetime


class InboxItem(msgspec.Struct):
    id: int
    kind: str
    title: str
    body: str
    url: str
    store_id: int | None
    created_at: dt.datetime
    read_at: dt.datetime | None


class InboxPage(msgspec.Struct):
    items: list[InboxItem]
    unread: int
    limit: int
    offset: int
    has_more: bool


class CustomerMessage(msgspec.Struct, forbid_unknown_fields=True):
    """A message from the store to one customer: always in the wallet inbox, pushed where the customer allowed it."""

    title: Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
    body: Annotated[str, msgspec.Meta(max_length=500)] = ""
    purpose: Literal["service", "marketing"] = "service"
    ttl_seconds: Annotated[int, msgspec.Meta(ge=0, le=28 * 24 * 3600)] = 24 * 3600
    urgency: Literal["very-low", "low", "normal", "high"] = "normal"


class PushOutcome(msgspec.Struct):
    status: str
    http_status: int | None
    retry_after: int | None


class MessageSent(msgspec.Struct):
    inbox_id: int
    push: list[PushOutcome]
