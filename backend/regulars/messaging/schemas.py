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
