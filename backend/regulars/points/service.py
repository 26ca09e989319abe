"""Points: earn (purchases, bonuses), reverse, exchange for a coupon, adjust, read, expire, reconcile.

Public functions other rooms call: `earn`, `earn_purchase`, `grant_bonus`, `reverse`, `exchange`,
`balance`, `reconcile`, `expire_due`. Each runs in the caller's write unit when there is one.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Awaitable, Callable, TypeVar

import msgspec

from regulars.core import audit, clock, idempotency
from regulars.core.auth import Principal
from regulars.core.db import raw, writing
from regulars.core.errors import BadInput, Conflict
from regulars.core.idempotency import Outcome
from regulars.customers import service as customers
from regulars.points import ledger, messages  # noqa: F401  (messages registers the room's texts)
from regulars.points import rules, schemas
from regulars.points.rulebook import rule_for
from regulars.stores import service as stores

T = TypeVar("T")
Birthday = tuple[str, int, int, bool]


# earning ---------------------------------------------------------------------------------


async def earn(customer_id: int, points: int, *, source_kind: str, source_id: str | int, store_id: int | None = None,
               staff_id: int | None = None, reason: str = "", earned_at: dt.datetime | None = None,
               kind: str = "earn") -> schemas.Entry | None:
    """Credits `points` as a lot expiring per the store's rule; None if this (customer, source) already earned."""
    if points <= 0:
        return None
    rule = await rule_for(store_id)
    earned_at = earned_at or clock.now()
    expires_at = rules.expiry_moment(rule, earned_at, await stores.store_timezone(store_id))
    return await ledger.credit(customer_id, points, kind=kind, source_kind=source_kind, source_id=str(source_id),
                               store_id=store_id, staff_id=staff_id, reason=reason, earned_at=earned_at,
                               expires_at=expires_at)


async def earn_purchase(customer_id: int, purchase_id: int, *, store_id: int, category: str, amount_fen: int,
                        occurred_at: dt.datetime, staff_id: int | None = None,
                        birthday: Birthday | None = None) -> int:
    """Earns what the store's rule gives for a purchase (birthday month included); returns the points, once per purchase."""
    rule = await rule_for(store_id)
    local_day = clock.today_in(await stores.store_timezone(store_id), occurred_at)
    points = rules.purchase_points(rule, category, amount_fen, rules.in_birthday_month(birthday, local_day))
    if points <= 0:
        return 0
    entry = await earn(customer_id, points, source_kind="purchase", source_id=purchase_id, store_id=store_id,
                       staff_id=staff_id, earned_at=occurred_at)
    if entry is None:
        entry = await ledger.find(customer_id, "purchase", str(purchase_id))
    return entry.points if entry else 0


async def points_for(store_id: int | None, category: str, amount_fen: int) -> int:
    """What the store's rule gives for an amount in a category, without the birthday multiplier."""
    return rules.purchase_points(await rule_for(store_id), category, amount_fen, False)


async def grant_bonus(customer_id: int, kind: str, source_kind: str, source_id: str | int, *,
                      store_id: int | None = None, staff_id: int | None = None) -> schemas.Entry | None:
    """Earns the rule's fixed bonus `kind` (follow, referral, profile_completed) once per source; None if 0 or already given."""
    if kind not in rules.BONUSES:
        raise BadInput("points.unknown_bonus", field="kind", value=kind)
    points = rules.bonus_points(await rule_for(store_id), kind)
    return await earn(customer_id, points, source_kind=source_kind, source_id=source_id, store_id=store_id,
                      staff_id=staff_id, reason=kind)


async def reverse(customer_id: int, points: int, *, source_kind: str, source_id: str | int, store_id: int | None = None,
                  staff_id: int | None = None, reason: str = "", prefer_source: tuple[str, str | int] | None = None) -> int:
    """Takes back up to `points` (never below zero: points already spent stay spent); returns what was taken."""
    if points <= 0:
        return 0
    async with writing():
        prefer = await ledger.find(customer_id, prefer_source[0], str(prefer_source[1])) if prefer_source else None
        entry = await ledger.debit(customer_id, points, kind="reverse", source_kind=source_kind, source_id=str(source_id),
                                   store_id=store_id, staff_id=staff_id, reason=reason, partial=True,
                                   prefer_entry=prefer.id if prefer else None)
        if entry is None:
            done = await ledger.find(customer_id, source_kind, str(source_id))
            return -done.points if done else 0
    return -entry.points


# spending --------------------------------------------------------------------------------


async def exchange(actor: Principal | None, customer_id: int, points: int, issue: Callable[[int], Awaitable[T]], *,
                   reference: str | None = None, store_id: int | None = None, reason: str = "") -> tuple[schemas.Entry, T]:
    """Debits `points` and runs `issue(entry_id)` (which issues the coupon) in one transaction: both, or neither.

    Conflict('points.insufficient') when the balance is short; whatever `issue` raises rolls the debit back.
    """
    if points <= 0:
        raise BadInput("points.exchange_price", field="points", points=points)
    async with ledger.all_or_nothing():  # even if a caller's transaction goes on after `issue` fails
        if actor is not None:
            await customers.reachable(actor, customer_id)
        reference = reference or uuid.uuid4().hex
        entry = await ledger.debit(
            customer_id, points, kind="redeem", source_kind="exchange", source_id=reference,
            store_id=store_id if store_id is not None else (actor.store_id if actor else None),
            staff_id=actor.staff_id if actor else None, reason=reason,
        )
        if entry is None:
            raise Conflict("points.exchange_done", reference=reference)
        result = await issue(entry.id)
    return entry, result


async def adjust(actor: Principal, customer_id: int, data: schemas.AdjustCreate, key: str | None) -> Outcome:
    """A manager's correction with a reason: credits a new lot or debits the oldest; audited; idempotent by key."""
    if data.points == 0:
        raise BadInput("points.adjust_zero", field="points")
    payload = {"customer_id": customer_id, **msgspec.structs.asdict(data)}
    return await idempotency.run(f"points.adjust:{actor.staff_id}", key, payload,
                                 lambda: _adjust(actor, customer_id, data))


async def _adjust(actor: Principal, customer_id: int, data: schemas.AdjustCreate) -> tuple[int, schemas.Entry]:
    await customers.reachable(actor, customer_id)
    source_id = uuid.uuid4().hex
    if data.points > 0:
        entry = await earn(customer_id, data.points, source_kind="adjust", source_id=source_id, store_id=actor.store_id,
                           staff_id=actor.staff_id, reason=data.reason, kind="adjust")
    else:
        entry = await ledger.debit(customer_id, -data.points, kind="adjust", source_kind="adjust", source_id=source_id,
                                   store_id=actor.store_id, staff_id=actor.staff_id, reason=data.reason)
    assert entry is not None
    await audit.record(actor, "points.adjust", "customer", customer_id,
                       detail={"points": data.points, "reason": data.reason, "entry_id": entry.id})
    return 201, entry


# reading ---------------------------------------------------------------------------------


async def balance(customer_id: int) -> int:
    rows = await raw("SELECT balance FROM points_balance WHERE customer = {}", customer_id)
    return rows[0]["balance"] if rows else 0


async def upcoming_expiry(customer_id: int, zone: str, limit: int = 6) -> list[schemas.Expiry]:
    """The next expiry dates with the points that lapse then (the last valid day is shown in the store's zone)."""
    rows = await raw(
        "SELECT expires_at, SUM(remaining) AS points FROM points_lot "
        "WHERE customer = {} AND remaining > 0 AND expires_at IS NOT NULL AND expires_at > {} "
        "GROUP BY expires_at ORDER BY expires_at LIMIT {}",
        customer_id, clock.now(), limit,
    )
    found = []
    for r in rows:
        at = clock.aware(r["expires_at"])
        found.append(schemas.Expiry(expires_at=at, expires_on=(clock.local(at, zone) - dt.timedelta(microseconds=1)).date(),
                                    points=int(r["points"])))
    return found


async def summary(actor: Principal, customer_id: int, limit: int, offset: int) -> schemas.Points:
    """Balance, a page of the ledger (newest first) and the upcoming expiry of one customer in reach."""
    await customers.reachable(actor, customer_id)
    rows = await raw(
        f"SELECT {ledger.ENTRY_COLUMNS} FROM points_entry WHERE customer = {{}} ORDER BY id DESC LIMIT {{}} OFFSET {{}}",
        customer_id, limit + 1, offset,
    )
    zone = await stores.store_timezone(actor.store_id, actor)
    return schemas.Points(
        customer_id=customer_id, balance=await balance(customer_id),
        upcoming_expiry=await upcoming_expiry(customer_id, zone),
        entries=[ledger.to_entry(r) for r in rows[:limit]], limit=limit, offset=offset, has_more=len(rows) > limit,
    )


async def entries_of(customer_id: int) -> list[schemas.Entry]:
    rows = await raw(f"SELECT {ledger.ENTRY_COLUMNS} FROM points_entry WHERE customer = {{}} ORDER BY id", customer_id)
    return [ledger.to_entry(r) for r in rows]


# upkeep ----------------------------------------------------------------------------------


async def expire_due(now: dt.datetime | None = None, batch: int = 500) -> int:
    """Expires every lot due by `now`, oldest first; safe to run in any number of workers at once. Returns the points."""
    now = now or clock.now()
    total, cursor = 0, 0
    while True:
        rows = await raw(
            "SELECT id FROM points_lot WHERE remaining > 0 AND expires_at IS NOT NULL AND expires_at <= {} AND id > {} "
            "ORDER BY id LIMIT {}",
            now, cursor, batch,
        )
        for r in rows:
            total += await ledger.expire_lot(r["id"], now)
        if len(rows) < batch:
            return total
        cursor = rows[-1]["id"]


async def reconcile() -> list[schemas.Drift]:
    """Every customer whose cached balance, ledger sum and remaining lots disagree (an empty list is healthy)."""
    rows = await raw(
        "SELECT c.customer, COALESCE(b.balance, 0) AS balance, COALESCE(e.total, 0) AS ledger, COALESCE(l.total, 0) AS lots "
        "FROM (SELECT customer FROM points_balance UNION SELECT customer FROM points_entry) c "
        "LEFT JOIN points_balance b ON b.customer = c.customer "
        "LEFT JOIN (SELECT customer, SUM(points) AS total FROM points_entry GROUP BY customer) e ON e.customer = c.customer "
        "LEFT JOIN (SELECT customer, SUM(remaining) AS total FROM points_lot GROUP BY customer) l ON l.customer = c.customer "
        "WHERE COALESCE(b.balance, 0) <> COALESCE(e.total, 0) OR COALESCE(e.total, 0) <> COALESCE(l.total, 0) "
        "ORDER BY c.customer"
    )
    return [schemas.Drift(customer_id=r["customer"], balance=int(r["balance"]), ledger=int(r["ledger"]), lots=int(r["lots"]))
            for r in rows]
