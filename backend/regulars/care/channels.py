"""The ways a care contact reaches a customer, behind one small interface.

- task: a clerk task with a script (the human channel), made here.
- inbox (the wallet inbox), push (Web Push, which files the message in the inbox too) and sms (through
  the configured SMS provider): the messaging room's channels, registered below. A channel that is not
  registered, or cannot reach a customer, is skipped in a campaign's channel order.

A channel that writes only to this database (`in_transaction`) delivers inside the outbox row's
transaction, so it delivers exactly once by construction. Any other channel is sent between two
transactions: after a crash in between, the dispatcher re-sends only through channels whose receiver
replaces a repeated message (`replace_safe`: Web Push with a stable Topic); for the others the row is
marked `uncertain` and not sent again.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, Protocol, Sequence

import msgspec

from regulars.care.tables import Task
from regulars.core import clock
from regulars.core.db import raw


class Message(msgspec.Struct, frozen=True):
    outbox_id: int
    customer_id: int
    store_id: int
    campaign_id: int
    lang: str
    title: str
    body: str
    url: str | None
    topic: str  # stable per outbox row, at most 32 URL-safe characters (what Web Push allows)
    ttl_seconds: int
    urgency: Literal["very-low", "low", "normal", "high"]
    clerk_id: int | None
    due_on: dt.date
    marketing: bool


class Answer(msgspec.Struct, frozen=True):
    """What a channel reports: sent; retry later; unreachable (try the next channel); failed for good."""

    outcome: Literal["sent", "retry", "unreachable", "failed"]
    detail: dict = {}


class Channel(Protocol):
    name: str
    in_transaction: bool
    replace_safe: bool

    async def reachable(self, customer_ids: Sequence[int]) -> set[int]:
        """Which of these customers the channel can reach at all (a subscription, a phone number)."""
        ...

    async def send(self, message: Message) -> Answer: ...


class TaskChannel:
    """A clerk task: the responsible clerk's if there is one, else the store's pool."""

    name = "task"
    in_transaction = True
    replace_safe = False

    async def reachable(self, customer_ids: Sequence[int]) -> set[int]:
        return set(customer_ids)

    async def send(self, message: Message) -> Answer:
        rows = await raw(
            "INSERT INTO care_task (outbox_id, campaign, customer, store_id, clerk_id, script, due_on, status, note, "
            "created_at) VALUES ({}, {}, {}, {}, {}, {}, {}, 'open', '', {}) ON CONFLICT (outbox_id) DO NOTHING RETURNING id",
            message.outbox_id, message.campaign_id, message.customer_id, message.store_id, message.clerk_id,
            message.body, message.due_on, clock.now(),
        )
        if rows:
            return Answer("sent", {"task_id": rows[0]["id"]})
        existing = await Task.select(Task.id).where(Task.outbox_id == message.outbox_id).first()
        return Answer("sent", {"task_id": existing["id"] if existing else None, "existing": True})


def topic_for(outbox_id: int) -> str:
    return f"care-{outbox_id}"


_registry: dict[str, Channel] = {}


def register(channel: Channel) -> None:
    _registry[channel.name] = channel


def unregister(name: str) -> None:
    _registry.pop(name, None)


def get(name: str) -> Channel | None:
    return _registry.get(name)


def ready() -> list[str]:
    return sorted(_registry)


def _register_defaults() -> None:
    from regulars.messaging import channels as messaging

    for channel in (TaskChannel(), messaging.InboxChannel(), messaging.PushChannel(), messaging.SmsChannel()):
        register(channel)


_register_defaults()
