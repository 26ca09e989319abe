"""Inboxes: messages from a store to a customer (shown in the wallet) and to staff (shown in the PWA).

Every message lands here whatever else carries it (push, SMS, a clerk's call), so a
customer whose browser cannot receive push still finds it.
"""

from __future__ import annotations

from typing import Any

from regulars.core import clock
from regulars.core.auth import Principal
from regulars.core.db import raw, writing
from regulars.core.errors import NotFound
from regulars.customers import timeline
from regulars.messaging import messages  # noqa: F401  (registers the room's messages)
from regulars.messaging.schemas import InboxItem, InboxPage

COLUMNS = "id, kind, title, body, url, store_id, created_at, read_at"


def _item(row: dict) -> InboxItem:
    return InboxItem(
        id=row["id"], kind=row["kind"], title=row["title"], body=row["body"], url=row["url"],
        store_id=row["store_id"], created_at=clock.aware(row["created_at"]),
        read_at=clock.aware(row["read_at"]) if row["read_at"] is not None else None,
    )


async def _deliver(owner_column: str, owner_id: int, title: str, body: str, url: str, *, store_id: int | None,
                   kind: str, ref_type: str | None, ref_id: Any, dedupe_key: str | None) -> tuple[int, bool]:
    title, body, url = title.strip()[:100], body.strip()[:2000], url.strip()[:500]
    if not title:
        raise ValueError("an inbox message needs a title")
    rows = await raw(
        f"INSERT INTO inbox_message ({owner_column}, store_id, kind, title, body, url, ref_type, ref_id, dedupe_key, "
        "created_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
        owner_id, store_id, kind[:30], title, body, url, ref_type, None if ref_id is None else str(ref_id)[:64],
        dedupe_key, clock.now(),
    )
    if rows:
        return rows[0]["id"], True
    existing = await raw("SELECT id FROM inbox_message WHERE dedupe_key = {}", dedupe_key)
    return existing[0]["id"], False


async def deliver_inbox(
    customer_id: int,
    title: str,
    body: str,
    url: str = "",
    *,
    store_id: int | None = None,
    kind: str = "message",
    ref_type: str | None = None,
    ref_id: Any = None,
    dedupe_key: str | None = None,
    add_to_timeline: bool = True,
) -> int:
    """Puts a message in the customer's wallet inbox and returns its id; the same `dedupe_key` twice adds nothing."""
    async with writing():
        message_id, new = await _deliver("customer", customer_id, title, body, url, store_id=store_id, kind=kind,
                                         ref_type=ref_type, ref_id=ref_id, dedupe_key=dedupe_key)
        if new and add_to_timeline:
            await timeline.add(customer_id, "message", channel="web", store_id=store_id, data={"title": title[:100]},
                               ref_type="inbox_message", ref_id=message_id)
    return message_id


async def deliver_many_inbox(items: list[dict[str, Any]]) -> list[int]:
    """Files many customer messages in one statement (no timeline events); each item has customer, title, body,
    url, store_id, kind, ref_type, ref_id and a dedupe_key (required: a key seen before files nothing again).
    Returns the message ids in the items' order."""
    if not items:
        return []
    now = clock.now()
    values, args = [], []
    for item in items:
        title = item["title"].strip()[:100]
        if not title:
            raise ValueError("an inbox message needs a title")
        values.append("({}, {}, {}, {}, {}, {}, {}, {}, {}, {})")
        ref_id = item.get("ref_id")
        args += [item["customer"], item.get("store_id"), item.get("kind", "message")[:30], title,
                 item["body"].strip()[:2000], (item.get("url") or "").strip()[:500], item.get("ref_type"),
                 None if ref_id is None else str(ref_id)[:64], item["dedupe_key"], now]
    keys = [item["dedupe_key"] for item in items]
    async with writing():
        rows = await raw(
            "INSERT INTO inbox_message (customer, store_id, kind, title, body, url, ref_type, ref_id, dedupe_key, "
            f"created_at) VALUES {', '.join(values)} ON CONFLICT (dedupe_key) DO NOTHING RETURNING id, dedupe_key", *args)
        found = {r["dedupe_key"]: r["id"] for r in rows}
        missing = [key for key in keys if key not in found]
        if missing:
            marks = ", ".join("{}" for _ in missing)
            found |= {r["dedupe_key"]: r["id"] for r in await raw(
                f"SELECT id, dedupe_key FROM inbox_message WHERE dedupe_key IN ({marks})", *missing)}
    return [found[key] for key in keys]


async def deliver_staff_inbox(
    staff_id: int,
    title: str,
    body: str,
    url: str = "",
    *,
    store_id: int | None = None,
    kind: str = "message",
    ref_type: str | None = None,
    ref_id: Any = None,
    dedupe_key: str | None = None,
) -> int:
    """Puts a message in a staff member's inbox and returns its id; the same `dedupe_key` twice adds nothing."""
    message_id, _ = await deliver_staff_inbox_once(staff_id, title, body, url, store_id=store_id, kind=kind,
                                                   ref_type=ref_type, ref_id=ref_id, dedupe_key=dedupe_key)
    return message_id


async def deliver_staff_inbox_once(staff_id: int, title: str, body: str, url: str = "", *, store_id: int | None = None,
                                   kind: str = "message", ref_type: str | None = None, ref_id: Any = None,
                                   dedupe_key: str | None = None) -> tuple[int, bool]:
    """As `deliver_staff_inbox`, and whether the message is new (False: the `dedupe_key` was delivered before)."""
    async with writing():
        return await _deliver("staff", staff_id, title, body, url, store_id=store_id, kind=kind,
                              ref_type=ref_type, ref_id=ref_id, dedupe_key=dedupe_key)


async def _page(owner_column: str, owner_id: int, limit: int, offset: int) -> InboxPage:
    rows = await raw(
        f"SELECT {COLUMNS} FROM inbox_message WHERE {owner_column} = {{}} ORDER BY created_at DESC, id DESC "
        "LIMIT {} OFFSET {}",
        owner_id, limit + 1, offset,
    )
    unread = await raw(f"SELECT COUNT(*) AS n FROM inbox_message WHERE {owner_column} = {{}} AND read_at IS NULL", owner_id)
    return InboxPage(items=[_item(r) for r in rows[:limit]], unread=unread[0]["n"], limit=limit, offset=offset,
                     has_more=len(rows) > limit)


async def customer_inbox(customer_id: int, limit: int = 20, offset: int = 0) -> InboxPage:
    return await _page("customer", customer_id, limit, offset)


async def staff_inbox(actor: Principal, limit: int = 50, offset: int = 0) -> InboxPage:
    return await _page("staff", actor.staff_id, limit, offset)


async def mark_customer_read(customer_id: int, message_ids: list[int]) -> None:
    if not message_ids:
        return
    marks = ", ".join("{}" for _ in message_ids)
    await raw(f"UPDATE inbox_message SET read_at = {{}} WHERE customer = {{}} AND read_at IS NULL AND id IN ({marks})",
              clock.now(), customer_id, *message_ids)


async def mark_staff_read(actor: Principal, message_id: int) -> InboxItem:
    """Marks one of the caller's own messages read; anyone else's answers 404."""
    async with writing():
        await raw("UPDATE inbox_message SET read_at = {} WHERE id = {} AND staff = {} AND read_at IS NULL",
                  clock.now(), message_id, actor.staff_id)
        rows = await raw(f"SELECT {COLUMNS} FROM inbox_message WHERE id = {{}} AND staff = {{}}", message_id, actor.staff_id)
    if not rows:
        raise NotFound("inbox.not_found", id=message_id)
    return _item(rows[0])
