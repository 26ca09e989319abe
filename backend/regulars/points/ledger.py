"""The ledger's mechanics, inside the caller's write unit: lock the balance, append a line, move lots.

Every change of a customer's points first takes the customer's balance row (an upsert,
which on PostgreSQL holds the row lock until commit; SQLite has one writer), so the
balance read afterwards is the one the change applies to. The debit itself is still a
conditional update, and the table's CHECK (balance >= 0) is the last line of defence.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any, AsyncIterator

from regulars.core import clock
from regulars.core.db import engine, raw, writing
from regulars.core.errors import Conflict
from regulars.customers import timeline
from regulars.points import rules
from regulars.points.schemas import Entry

ENTRY_COLUMNS = "id, kind, points, balance_after, source_kind, source_id, store_id, staff_id, reason, at"


@contextlib.asynccontextmanager
async def all_or_nothing() -> AsyncIterator[None]:
    """A write unit whose effects are undone on error even inside a caller's larger transaction (a savepoint)."""
    async with writing():
        savepoint = await engine().current_transaction.get().savepoint()
        try:
            yield
        except BaseException:
            await savepoint.rollback_to()
            raise
        await savepoint.release()


def to_entry(row: dict[str, Any]) -> Entry:
    return Entry(
        id=row["id"], kind=row["kind"], points=row["points"], balance_after=row["balance_after"],
        source_kind=row["source_kind"], source_id=row["source_id"], store_id=row["store_id"],
        staff_id=row["staff_id"], reason=row["reason"], at=clock.aware(row["at"]),
    )


async def lock(customer_id: int) -> int:
    """Takes the customer's balance row for this write unit (creating it at 0) and returns the balance."""
    rows = await raw(
        "INSERT INTO points_balance (customer, balance, updated_at) VALUES ({}, 0, {}) "
        "ON CONFLICT (customer) DO UPDATE SET updated_at = excluded.updated_at RETURNING balance",
        customer_id, clock.now(),
    )
    return rows[0]["balance"]


async def find(customer_id: int, source_kind: str, source_id: str) -> Entry | None:
    rows = await raw(
        f"SELECT {ENTRY_COLUMNS} FROM points_entry WHERE customer = {{}} AND source_kind = {{}} AND source_id = {{}}",
        customer_id, source_kind, str(source_id),
    )
    return to_entry(rows[0]) if rows else None


async def _append(customer_id: int, kind: str, points: int, balance_after: int, source_kind: str, source_id: str,
                  store_id: int | None, staff_id: int | None, reason: str) -> Entry | None:
    """Appends one line; None when this (customer, source) already has one: a replay changes nothing."""
    rows = await raw(
        "INSERT INTO points_entry (customer, kind, points, balance_after, source_kind, source_id, store_id, staff_id, reason, at) "
        "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}) "
        f"ON CONFLICT (customer, source_kind, source_id) DO NOTHING RETURNING {ENTRY_COLUMNS}",
        customer_id, kind, points, balance_after, source_kind, str(source_id), store_id, staff_id, reason[:200], clock.now(),
    )
    return to_entry(rows[0]) if rows else None


async def _note(customer_id: int, entry: Entry) -> None:
    await timeline.add(
        customer_id, f"points_{entry.kind}", channel="store" if entry.staff_id else "system",
        store_id=entry.store_id, staff_id=entry.staff_id,
        data={"delta": f"{entry.points:+d}", "balance": entry.balance_after, "source": entry.source_kind,
              "reason": entry.reason},
        ref_type="points_entry", ref_id=entry.id,
    )


async def credit(customer_id: int, points: int, *, kind: str, source_kind: str, source_id: str,
                 store_id: int | None = None, staff_id: int | None = None, reason: str = "",
                 earned_at: dt.datetime | None = None, expires_at: dt.datetime | None = None) -> Entry | None:
    """Adds `points` as one new lot; None if this source was already credited."""
    assert points > 0 and kind in rules.KINDS
    async with writing():
        balance = await lock(customer_id)
        entry = await _append(customer_id, kind, points, balance + points, source_kind, source_id, store_id, staff_id, reason)
        if entry is None:
            return None
        await raw("UPDATE points_balance SET balance = balance + {} WHERE customer = {}", points, customer_id)
        await raw(
            "INSERT INTO points_lot (customer, entry, points, remaining, earned_at, expires_at) VALUES ({}, {}, {}, {}, {}, {})",
            customer_id, entry.id, points, points, earned_at or clock.now(), expires_at,
        )
        await _note(customer_id, entry)
    return entry


async def debit(customer_id: int, points: int, *, kind: str, source_kind: str, source_id: str,
                store_id: int | None = None, staff_id: int | None = None, reason: str = "",
                partial: bool = False, prefer_entry: int | None = None) -> Entry | None:
    """Takes `points` from the oldest-expiring lots (a preferred lot first); Conflict if the balance is short.

    With `partial`, takes what there is instead (a refund cannot take back points already spent).
    None if this source was already debited, or if there was nothing to take.
    """
    assert points > 0 and kind in rules.KINDS
    async with writing():
        await lock(customer_id)
        # lots past their expiry are gone even if the expiry job has not come round yet: expire them first, so
        # nothing is spent from them and the balance checked below is what is really left
        now = clock.now()
        for due in await raw("SELECT id FROM points_lot WHERE customer = {} AND remaining > 0 AND expires_at IS NOT NULL "
                             "AND expires_at <= {} ORDER BY id", customer_id, now):
            await expire_lot(due["id"], now)
        balance = await lock(customer_id)
        take = min(points, balance) if partial else points
        if take > balance:
            raise Conflict("points.insufficient", field="points", balance=balance, points=points)
        if take <= 0:
            return None
        entry = await _append(customer_id, kind, -take, balance - take, source_kind, source_id, store_id, staff_id, reason)
        if entry is None:
            return None
        done = await raw(
            "UPDATE points_balance SET balance = balance - {} WHERE customer = {} AND balance >= {} RETURNING balance",
            take, customer_id, take,
        )
        if not done:
            raise Conflict("points.insufficient", field="points", balance=balance, points=points)
        await _consume_lots(customer_id, take, prefer_entry)
        await _note(customer_id, entry)
    return entry


async def _consume_lots(customer_id: int, points: int, prefer_entry: int | None) -> None:
    lots = await raw(
        "SELECT id, remaining FROM points_lot WHERE customer = {} AND remaining > 0 "
        "ORDER BY CASE WHEN entry = {} THEN 0 ELSE 1 END, CASE WHEN expires_at IS NULL THEN 1 ELSE 0 END, expires_at, id",
        customer_id, prefer_entry or 0,
    )
    for lot_id, take in rules.take_from_lots([(r["id"], r["remaining"]) for r in lots], points):
        moved = await raw(
            "UPDATE points_lot SET remaining = remaining - {} WHERE id = {} AND remaining >= {} RETURNING id",
            take, lot_id, take,
        )
        if not moved:
            raise RuntimeError(f"points lot {lot_id} changed under a held balance lock")


async def expire_lot(lot_id: int, now: dt.datetime) -> int:
    """Expires what is left of one due lot; the unique source ('lot', id) makes a second run a no-op."""
    async with writing():
        owner = await raw("SELECT customer FROM points_lot WHERE id = {}", lot_id)
        if not owner:
            return 0
        customer_id = owner[0]["customer"]
        balance = await lock(customer_id)
        lot = (await raw("SELECT remaining, expires_at FROM points_lot WHERE id = {}", lot_id))[0]
        remaining = lot["remaining"]
        if remaining <= 0 or lot["expires_at"] is None or clock.aware(lot["expires_at"]) > now:
            return 0
        entry = await _append(customer_id, "expire", -remaining, balance - remaining, "lot", str(lot_id), None, None, "")
        if entry is None:
            return 0
        done = await raw(
            "UPDATE points_balance SET balance = balance - {} WHERE customer = {} AND balance >= {} RETURNING balance",
            remaining, customer_id, remaining,
        )
        if not done:
            raise RuntimeError(f"customer {customer_id}: balance {balance} is below lot {lot_id}'s {remaining}; reconcile")
        await raw("UPDATE points_lot SET remaining = 0 WHERE id = {} AND remaining = {}", lot_id, remaining)
        await _note(customer_id, entry)
    return remaining
