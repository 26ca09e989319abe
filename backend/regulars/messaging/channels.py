"""The messaging room's channels for care's dispatcher: wallet inbox, Web Push and SMS.

Each has the shape care's channel interface asks for (`name`, `in_transaction`, `replace_safe`,
`reachable(customer_ids)`, `send(message) -> Answer`), so care registers them as they are:
`care.channels.register(InboxChannel())`. A message is anything with care's Message fields
(outbox_id, customer_id, store_id, title, body, url, topic, ttl_seconds, urgency).

Push always files the message in the wallet inbox too (keyed by the outbox row, so a re-send files
nothing twice) and pushes a small payload pointing at it: the browser's push service may never
deliver (Chrome's is not reachable from mainland China), the inbox always does.
"""

from __future__ import annotations

from typing import Any, Literal, Sequence

import msgspec

from regulars.core.db import raw
from regulars.customers import service as customers
from regulars.messaging import inbox, service, sms


class Answer(msgspec.Struct, frozen=True):
    outcome: Literal["sent", "retry", "unreachable", "failed"]
    detail: dict = {}


def _dedupe(message: Any) -> str:
    return f"care:{message.outbox_id}"


async def _file(message: Any) -> int:
    return await inbox.deliver_inbox(
        message.customer_id, message.title, message.body, message.url or "", store_id=message.store_id, kind="care",
        ref_type="care_outbox", ref_id=message.outbox_id, dedupe_key=_dedupe(message), add_to_timeline=False,
    )


class InboxChannel:
    """The wallet inbox: written in the outbox row's own transaction, so exactly once."""

    name = "inbox"
    in_transaction = True
    replace_safe = False

    async def reachable(self, customer_ids: Sequence[int]) -> set[int]:
        return set((await customers.phones_of(list(customer_ids))).keys())

    async def send(self, message: Any) -> Answer:
        return Answer("sent", {"inbox_id": await _file(message)})


class PushChannel:
    """Web Push to every subscription of the customer, with care's stable Topic: a re-send replaces, never doubles."""

    name = "push"
    in_transaction = False
    replace_safe = True

    async def reachable(self, customer_ids: Sequence[int]) -> set[int]:
        if not customer_ids:
            return set()
        marks = ", ".join("{}" for _ in customer_ids)
        rows = await raw(f"SELECT DISTINCT customer FROM push_subscription WHERE customer IN ({marks})", *customer_ids)
        return {r["customer"] for r in rows}

    async def send(self, message: Any) -> Answer:
        inbox_id = await _file(message)
        payload = {"id": inbox_id, "title": message.title[:60], "body": message.body[:120],
                   "url": f"/w?m={inbox_id}"}
        results = await service.push_to_customer(message.customer_id, payload, ttl=message.ttl_seconds,
                                                 topic=message.topic, urgency=message.urgency)
        detail = {"inbox_id": inbox_id, "push": [msgspec.to_builtins(r) for r in results]}
        outcomes = {r.status for r in results}
        if "sent" in outcomes:
            return Answer("sent", detail)
        if "retry" in outcomes:
            waits = [r.retry_after for r in results if r.status == "retry" and r.retry_after]
            return Answer("retry", detail | {"retry_after": max(waits) if waits else None})
        return Answer("unreachable", detail)  # no subscription left, or every one gone or refused


class SmsChannel:
    """A text message through the configured SMS provider."""

    name = "sms"
    in_transaction = False
    replace_safe = False

    async def reachable(self, customer_ids: Sequence[int]) -> set[int]:
        return set((await customers.phones_of(list(customer_ids))).keys())

    async def send(self, message: Any) -> Answer:
        phone = (await customers.phones_of([message.customer_id])).get(message.customer_id)
        if phone is None:
            return Answer("unreachable", {"reason": "no phone"})
        text = f"{message.title}：{message.body}" if message.body else message.title
        result = await sms.send_sms(phone, text[:300], purpose="care", ref=f"care-{message.outbox_id}")
        outcome = {"sent": "sent", "retry": "retry"}.get(result.status, "failed")
        return Answer(outcome, {"provider": result.provider, "provider_ref": result.provider_ref, "detail": result.detail})
