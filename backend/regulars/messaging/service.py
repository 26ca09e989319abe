"""Push subscriptions of customers and staff, and sending to everyone a person has subscribed with."""

from __future__ import annotations

import asyncio
from typing import Any

import msgspec

from regulars.core import audit, clock
from regulars.core.auth import Principal
from regulars.core.db import raw, writing
from regulars.core.errors import BadInput, Conflict
from regulars.customers import privacy
from regulars.customers import service as customers
from regulars.messaging import inbox, messages  # noqa: F401  (registers the room's messages)
from regulars.messaging import push, rules
from regulars.messaging.config import messaging_settings
from regulars.messaging.push import PushResult, PushTarget
from regulars.messaging.schemas import CustomerMessage, MessageSent, PushOutcome, Subscription, SubscriptionCreate

MAX_PER_PERSON = 10


def _refuse(reason: str) -> BadInput:
    return BadInput(f"push.endpoint.{reason}", field="endpoint" if reason != "keys" else "keys")


async def subscribe(data: SubscriptionCreate, *, customer_id: int | None = None, staff: Principal | None = None,
                    user_agent: str | None = None) -> Subscription:
    """Keeps a browser's subscription for a customer or a staff member, refusing endpoints that point inward."""
    assert (customer_id is None) != (staff is None)
    allow_local = messaging_settings().push_allow_insecure_local
    try:
        host, port = rules.check_endpoint(data.endpoint, allow_insecure_local=allow_local)
        rules.check_keys(data.keys.p256dh, data.keys.auth)
    except rules.EndpointRefused as refused:
        raise _refuse(refused.reason)
    if not await push.resolves_outward(host, port):
        raise _refuse("private_address")
    owner_column, owner_id = ("customer", customer_id) if staff is None else ("staff", staff.staff_id)
    other_column = "staff" if owner_column == "customer" else "customer"
    now = clock.now()
    async with writing():
        rows = await raw(
            f"INSERT INTO push_subscription (endpoint, p256dh, auth, {owner_column}, {other_column}, user_agent, "
            "created_at, updated_at) VALUES ({}, {}, {}, {}, NULL, {}, {}, {}) "
            f"ON CONFLICT (endpoint) DO UPDATE SET p256dh = excluded.p256dh, auth = excluded.auth, "
            f"{owner_column} = excluded.{owner_column}, {other_column} = NULL, user_agent = excluded.user_agent, "
            "updated_at = excluded.updated_at RETURNING id, created_at",
            data.endpoint, data.keys.p256dh, data.keys.auth, owner_id, (user_agent or "")[:200], now, now,
        )
        # A person keeps their newest few browsers; older subscriptions are most likely dead.
        await raw(
            f"DELETE FROM push_subscription WHERE {owner_column} = {{}} AND id NOT IN "
            f"(SELECT id FROM push_subscription WHERE {owner_column} = {{}} ORDER BY updated_at DESC, id DESC LIMIT {{}})",
            owner_id, owner_id, MAX_PER_PERSON,
        )
        await audit.record(staff, "push.subscribe", owner_column, owner_id, detail={"origin": rules.origin_of(data.endpoint)},
                           actor_kind="customer" if staff is None else None, actor_id=customer_id)
    return Subscription(id=rows[0]["id"], owner=owner_column, created_at=clock.aware(rows[0]["created_at"]))


async def unsubscribe(endpoint: str, *, customer_id: int | None = None, staff: Principal | None = None) -> None:
    owner_column, owner_id = ("customer", customer_id) if staff is None else ("staff", staff.staff_id)
    await raw(f"DELETE FROM push_subscription WHERE endpoint = {{}} AND {owner_column} = {{}}", endpoint, owner_id)


async def targets(*, customer_id: int | None = None, staff_id: int | None = None) -> list[PushTarget]:
    """Every subscription of one customer or one staff member."""
    column, owner = ("customer", customer_id) if customer_id is not None else ("staff", staff_id)
    rows = await raw(f"SELECT id, endpoint, p256dh, auth FROM push_subscription WHERE {column} = {{}} ORDER BY id", owner)
    return [PushTarget(id=r["id"], endpoint=r["endpoint"], p256dh=r["p256dh"], auth=r["auth"]) for r in rows]


async def targets_of_customers(customer_ids: list[int]) -> dict[int, list[PushTarget]]:
    """Every subscription of each of these customers, in one query."""
    found: dict[int, list[PushTarget]] = {}
    if not customer_ids:
        return found
    marks = ", ".join("{}" for _ in customer_ids)
    rows = await raw(f"SELECT id, customer, endpoint, p256dh, auth FROM push_subscription WHERE customer IN ({marks}) "
                     "ORDER BY id", *customer_ids)
    for r in rows:
        found.setdefault(r["customer"], []).append(PushTarget(id=r["id"], endpoint=r["endpoint"], p256dh=r["p256dh"],
                                                              auth=r["auth"]))
    return found


async def has_push(customer_id: int) -> bool:
    return bool(await raw("SELECT 1 AS one FROM push_subscription WHERE customer = {} LIMIT 1", customer_id))


async def _fan_out(found: list[PushTarget], payload: dict | bytes | str, ttl: int, topic: str | None,
                   urgency: str) -> list[PushResult]:
    return list(await asyncio.gather(*(push.send(t, payload, ttl=ttl, topic=topic, urgency=urgency) for t in found)))


async def push_to_customer(customer_id: int, payload: dict | bytes | str, *, ttl: int, topic: str | None = None,
                           urgency: str = "normal") -> list[PushResult]:
    """Sends one payload to each of the customer's subscriptions (an empty list if they have none)."""
    return await _fan_out(await targets(customer_id=customer_id), payload, ttl, topic, urgency)


async def push_to_staff(staff_id: int, payload: dict | bytes | str, *, ttl: int, topic: str | None = None,
                        urgency: str = "normal") -> list[PushResult]:
    return await _fan_out(await targets(staff_id=staff_id), payload, ttl, topic, urgency)


class Notified(msgspec.Struct):
    inbox_id: int
    push: list[PushResult]
    new: bool = True  # False: the inbox already held this message (same dedupe key), nothing was sent


async def notify_customer(customer_id: int, title: str, body: str, *, store_id: int | None = None,
                          kind: str = "message", ttl: int = 24 * 3600, topic: str | None = None,
                          urgency: str = "normal", dedupe_key: str | None = None,
                          ref_type: str | None = None, ref_id: Any = None) -> Notified:
    """The wallet inbox first (it always works), then a small push pointing at it."""
    message_id = await inbox.deliver_inbox(customer_id, title, body, store_id=store_id, kind=kind,
                                           dedupe_key=dedupe_key, ref_type=ref_type, ref_id=ref_id)
    payload = {"id": message_id, "title": title[:60], "body": body[:120], "url": f"/w?m={message_id}"}
    return Notified(message_id, await push_to_customer(customer_id, payload, ttl=ttl, topic=topic, urgency=urgency))


async def notify_staff(staff_id: int, title: str, body: str, *, store_id: int | None = None, kind: str = "alert",
                       ttl: int = 24 * 3600, topic: str | None = None, urgency: str = "normal",
                       dedupe_key: str | None = None, url: str = "") -> Notified:
    """The staff inbox first (it always works), then a small push pointing at it; a message already delivered
    under the same `dedupe_key` is not pushed again."""
    message_id, new = await inbox.deliver_staff_inbox_once(staff_id, title, body, url, store_id=store_id, kind=kind,
                                                           dedupe_key=dedupe_key)
    if not new:
        return Notified(message_id, [], new=False)
    payload = {"id": message_id, "title": title[:60], "body": body[:120], "url": url or f"/app/?inbox={message_id}"}
    return Notified(message_id, await push_to_staff(staff_id, payload, ttl=ttl, topic=topic, urgency=urgency))


async def message_customer(actor: Principal, customer_id: int, data: CustomerMessage) -> MessageSent:
    """A clerk's message to a customer in reach; offers only to those who agreed to them."""
    row = await customers.reachable(actor, customer_id)
    if data.purpose == "marketing" and not row["consent_marketing"]:
        raise Conflict("message.no_marketing_consent", field="purpose")
    notified = await notify_customer(customer_id, data.title, data.body, store_id=actor.store_id or row["home_store"],
                                     kind=data.purpose, ttl=data.ttl_seconds, urgency=data.urgency)
    async with writing():
        await audit.record(actor, "customer.message", "customer", customer_id,
                           detail={"inbox_id": notified.inbox_id, "purpose": data.purpose,
                                   "push": [r.status for r in notified.push]})
    return MessageSent(inbox_id=notified.inbox_id, push=[
        PushOutcome(status=r.status, http_status=r.http_status, retry_after=r.retry_after) for r in notified.push])


async def _export(customer_id: int) -> dict:
    page = await inbox.customer_inbox(customer_id, limit=1000)
    subscriptions = await raw("SELECT endpoint, created_at FROM push_subscription WHERE customer = {}", customer_id)
    return {
        "inbox": [msgspec.to_builtins(item) for item in page.items],
        "push_subscriptions": [{"push_service": rules.origin_of(s["endpoint"]), "since": str(s["created_at"])}
                               for s in subscriptions],
    }


async def _erase(customer_id: int) -> None:
    await raw("DELETE FROM push_subscription WHERE customer = {}", customer_id)
    await raw("DELETE FROM inbox_message WHERE customer = {}", customer_id)


privacy.register_export_section("messaging", _export)
privacy.register_erasure_hook(_erase)
