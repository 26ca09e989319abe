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

import asyncio
from typing import Any, Awaitable, Callable, Literal, Sequence

import msgspec

from regulars.core.db import raw
from regulars.customers import service as customers
from regulars.messaging import inbox, push, service, sms


class Answer(msgspec.Struct, frozen=True):
    outcome: Literal["sent", "retry", "unreachable", "failed"]
    detail: dict = {}


def _dedupe(message: Any) -> str:
    return f"care:{message.outbox_id}"


def _filing(message: Any) -> dict[str, Any]:
    return {"customer": message.customer_id, "title": message.title, "body": message.body, "url": message.url or "",
            "store_id": message.store_id, "kind": "care", "ref_type": "care_outbox", "ref_id": message.outbox_id,
            "dedupe_key": _dedupe(message)}


def push_payload(inbox_id: int, title: str, body: str) -> bytes:
    """The small payload a care push carries: it points at the message filed in the wallet inbox."""
    return push.encode_payload({"id": inbox_id, "title": title[:60], "body": body[:120], "url": f"/w?m={inbox_id}"})


async def _file(message: Any) -> int:
    return await inbox.deliver_inbox(
        message.customer_id, message.title, message.body, message.url or "", store_id=message.store_id, kind="care",
        ref_type="care_outbox", ref_id=message.outbox_id, dedupe_key=_dedupe(message), add_to_timeline=False,
    )


def _answer(inbox_id: int, results: list[Any]) -> Answer:
    detail = {"inbox_id": inbox_id, "push": [msgspec.to_builtins(r) for r in results]}
    outcomes = {r.status for r in results}
    if "sent" in outcomes:
        return Answer("sent", detail)
    if "retry" in outcomes:
        waits = [r.retry_after for r in results if r.status == "retry" and r.retry_after]
        return Answer("retry", detail | {"retry_after": max(waits) if waits else None})
    return Answer("unreachable", detail)  # no subscription left, or every one gone or refused


class InboxChannel:
    """The wallet inbox: written in the outbox row's own transaction, so exactly once."""

    name = "inbox"
    in_transaction = True
    replace_safe = False

    async def reachable(self, customer_ids: Sequence[int]) -> set[int]:
        return set((await customers.phones_of(list(customer_ids))).keys())

    async def send(self, message: Any) -> Answer:
        return Answer("sent", {"inbox_id": await _file(message)})

    async def send_many(self, messages: Sequence[Any], *, concurrency: int = 32, timeout: float | None = None) -> list[Answer]:
        ids = await inbox.deliver_many_inbox([_filing(m) for m in messages])
        return [Answer("sent", {"inbox_id": inbox_id}) for inbox_id in ids]


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
        results = await service.push_to_customer(message.customer_id, push_payload(inbox_id, message.title, message.body),
                                                 ttl=message.ttl_seconds, topic=message.topic, urgency=message.urgency)
        return _answer(inbox_id, results)

    async def send_many(self, messages: Sequence[Any], *, concurrency: int = 32, timeout: float | None = None,
                        on_answer: Callable[[int, Answer], Awaitable[None]] | None = None) -> list[Answer]:
        """The same for many messages: filed in one statement, pushed concurrently over the pooled session (each
        message's answer handed to `on_answer(index, answer)` as soon as it is known), the subscriptions' answers
        recorded together at the end."""
        inbox_ids = await inbox.deliver_many_inbox([_filing(m) for m in messages])
        targets = await service.targets_of_customers(sorted({m.customer_id for m in messages}))
        gate = asyncio.Semaphore(concurrency)
        answers: list[Answer | None] = [None] * len(messages)
        delivered: list[tuple[push.PushTarget, push.PushResult]] = []

        async def one(n: int) -> None:
            message, results = messages[n], []
            try:
                data = push_payload(inbox_ids[n], message.title, message.body)
                async with gate:
                    for target in targets.get(message.customer_id, []):
                        results.append(await push.deliver_within(target, data, timeout, ttl=message.ttl_seconds,
                                                                 topic=message.topic, urgency=message.urgency))
                answers[n] = _answer(inbox_ids[n], results)
            except Exception as exc:  # this message's answer, not the batch's
                answers[n] = Answer("retry", {"inbox_id": inbox_ids[n], "error": type(exc).__name__})
            delivered.extend(zip(targets.get(message.customer_id, []), results))
            if on_answer is not None:
                await on_answer(n, answers[n])

        try:
            await asyncio.gather(*(one(n) for n in range(len(messages))))
        finally:
            await push.record(delivered)
        return [a for a in answers if a is not None]


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
