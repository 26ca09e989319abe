"""Purchases, refunds and visits: record one (earning or reversing points in the same unit), list, read.

`insert` is the one write unit both the API and the POS import use: it hands out the
customer's purchase number from a counter row bumped in the same transaction (the
repurchase fact), earns points with source ('purchase', id), and notes the timeline.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Awaitable, Callable

from regulars.core import audit, clock, idempotency
from regulars.core.auth import Principal
from regulars.core.db import marks, raw, writing
from regulars.core.errors import BadInput, Conflict, NotFound
from regulars.core.idempotency import Outcome
from regulars.customers import service as customers
from regulars.customers import timeline
from regulars.points import rules as points_rules
from regulars.points import service as points
from regulars.purchases import messages  # noqa: F401  (registers the room's messages)
from regulars.purchases import rules, schemas
from regulars.stores import service as stores

FUTURE_SLACK = dt.timedelta(minutes=5)
COLUMNS = (
    "id, customer, store, clerk, clerk_no, kind, category, visit_kind, amount_fen, refunded_fen, refund_of, items, "
    "coupon_code, seq, points, external_id, source, note, occurred_at, created_at"
)


def to_schema(row: dict[str, Any]) -> schemas.Purchase:
    items = row["items"]
    if isinstance(items, str):
        items = json.loads(items)
    return schemas.Purchase(
        id=row["id"], customer_id=row["customer"], kind=row["kind"], category=row["category"],
        visit_kind=row["visit_kind"], amount_fen=row["amount_fen"], refunded_fen=row["refunded_fen"],
        refund_of=row["refund_of"], items=items or [], store_id=row["store"], clerk_id=row["clerk"],
        clerk_no=row["clerk_no"], coupon_code=row["coupon_code"], seq=row["seq"], points=row["points"],
        external_id=row["external_id"], source=row["source"], note=row["note"],
        occurred_at=clock.aware(row["occurred_at"]), created_at=clock.aware(row["created_at"]),
    )


async def by_id(purchase_id: int) -> schemas.Purchase | None:
    rows = await raw(f"SELECT {COLUMNS} FROM purchase WHERE id = {{}}", purchase_id)
    return to_schema(rows[0]) if rows else None


async def by_external_id(external_id: str) -> schemas.Purchase | None:
    rows = await raw(f"SELECT {COLUMNS} FROM purchase WHERE external_id = {{}}", external_id)
    return to_schema(rows[0]) if rows else None


# record ---------------------------------------------------------------------------------


async def record(actor: Principal, data: schemas.PurchaseCreate, key: str | None) -> Outcome:
    """Records a purchase, refund or visit once per Idempotency-Key (and once per external order id)."""
    for attempt in range(3):
        try:
            return await idempotency.run(f"purchases.record:{actor.staff_id}", key, data, lambda: _record(actor, data))
        except Exception as exc:
            # a concurrent first use of the same key or order id committed meanwhile: the next round replays or refuses it
            if attempt < 2 and idempotency.is_unique_violation(exc):
                continue
            raise
    raise RuntimeError("unreachable")


async def _record(actor: Principal, data: schemas.PurchaseCreate) -> tuple[int, schemas.Purchase]:
    customer = await customers.reachable(actor, data.customer_id)
    store_id = await _store_of(actor, data.store_id)
    clerk_id = data.clerk_id if data.clerk_id is not None else (actor.staff_id if actor.store_id == store_id else None)
    if clerk_id is not None and not await stores.active_clerk_in_store(clerk_id, store_id):
        raise BadInput("purchase.clerk_not_in_store", field="clerk_id", id=clerk_id)
    now = clock.now()
    occurred_at = data.occurred_at or now
    if occurred_at > now + FUTURE_SLACK:
        raise BadInput("purchase.future", field="occurred_at", value=occurred_at.isoformat())
    kind, category, visit_kind = _kind(data)
    purchase = await insert(
        customer=customer, store_id=store_id, clerk_id=clerk_id, clerk_no="", kind=kind, category=category,
        visit_kind=visit_kind, amount_fen=data.amount_fen, items=[_item(i) for i in data.items],
        coupon_code=data.coupon_code, refund_of=data.refund_of, external_id=data.external_id, source="store",
        note=data.note, occurred_at=occurred_at, actor=actor,
    )
    return 201, purchase


def _item(item: schemas.Item) -> dict:
    found = {"name": item.name, "quantity": item.quantity}
    if item.amount_fen is not None:
        found["amount_fen"] = item.amount_fen
    return found


def _kind(data: schemas.PurchaseCreate) -> tuple[str, str | None, str | None]:
    if data.kind == "visit":
        if data.visit_kind is None:
            raise BadInput("purchase.visit_kind", field="visit_kind")
        if data.amount_fen != 0 or data.category is not None or data.refund_of is not None:
            raise BadInput("purchase.visit_has_money", field="amount_fen")
        return "visit", None, data.visit_kind
    if data.visit_kind is not None:
        raise BadInput("purchase.visit_kind_on_purchase", field="visit_kind")
    if data.amount_fen >= 0 and data.refund_of is not None:
        raise BadInput("purchase.refund_positive", field="amount_fen")
    if data.category is None and data.refund_of is None:
        raise BadInput("purchase.category", field="category")
    return rules.kind_of(data.amount_fen), data.category, None


async def _store_of(actor: Principal, requested: int | None) -> int:
    if actor.is_admin:
        if requested is None:
            raise BadInput("purchase.store", field="store_id")
        await stores.get_store(requested)
        return requested
    if requested not in (None, actor.store_id):
        raise BadInput("purchase.store", field="store_id")
    return actor.store_id


PurchaseHook = Callable[[schemas.Purchase], Awaitable[None]]
_after_purchase: list[PurchaseHook] = []


def register_after_purchase(hook: PurchaseHook) -> None:
    """Another room acts on each recorded purchase, refund or visit, inside its transaction (e.g. a referral reward)."""
    _after_purchase.append(hook)


async def insert(*, customer: dict, store_id: int, clerk_id: int | None, clerk_no: str, kind: str, category: str | None,
                 visit_kind: str | None, amount_fen: int, items: list[dict], coupon_code: str | None,
                 refund_of: int | None, external_id: str | None, source: str, note: str, occurred_at: dt.datetime,
                 actor: Principal | None) -> schemas.Purchase:
    """Writes one purchase, refund or visit with its number, points, timeline and audit, in one write unit."""
    customer_id = customer["id"]
    async with writing():
        if external_id is not None:
            existing = await by_external_id(external_id)
            if existing is not None:
                raise Conflict("purchase.external_exists", field="external_id", external_id=external_id,
                               existing_id=existing.id, extra={"existing_id": existing.id})
        seq = None
        original = None
        renumber = False
        if kind == "purchase":
            seq, renumber = await _take_number(customer_id, occurred_at)
        elif kind == "refund" and refund_of is not None:
            original = await _take_refund(customer_id, refund_of, -amount_fen)
            category = category or original["category"]
        row = (await raw(
            "INSERT INTO purchase (customer, store, clerk, clerk_no, kind, category, visit_kind, amount_fen, refunded_fen, "
            "refund_of, items, coupon_code, seq, points, external_id, source, note, occurred_at, created_at, created_by) "
            "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, 0, {}, {}, {}, {}, 0, {}, {}, {}, {}, {}, {}) RETURNING id",
            customer_id, store_id, clerk_id, clerk_no[:30], kind, category, visit_kind, amount_fen, refund_of,
            _json(items), coupon_code, seq, external_id, source, note[:500], occurred_at, clock.now(),
            actor.staff_id if actor else None,
        ))[0]
        purchase_id = row["id"]
        if renumber:
            seq = await _renumber(customer_id, purchase_id)
        earned = await _points(customer, purchase_id, kind, store_id, category, amount_fen, occurred_at, clerk_id, original)
        if earned:
            await raw("UPDATE purchase SET points = {} WHERE id = {}", earned, purchase_id)
        await _note(customer_id, kind, category, visit_kind, amount_fen, seq, earned, store_id, clerk_id, source, purchase_id)
        await audit.record(actor, f"purchase.{kind}", "customer", customer_id, store_id=store_id,
                           detail={"purchase_id": purchase_id, "amount_fen": amount_fen, "external_id": external_id})
        found = await by_id(purchase_id)
        assert found is not None
        for hook in _after_purchase:
            await hook(found)
    return found


async def _take_number(customer_id: int, occurred_at: dt.datetime) -> tuple[int | None, bool]:
    """The purchase's number when it is the customer's latest in time (the usual case), or (None, True) when it
    was made before purchases already recorded (a back-dated entry, a POS export imported late): then the
    customer's purchases are numbered again by time once it is written."""
    count = (await raw(
        "INSERT INTO purchase_counter (customer, purchases) VALUES ({}, 1) ON CONFLICT (customer) "
        "DO UPDATE SET purchases = purchase_counter.purchases + 1 RETURNING purchases",
        customer_id,
    ))[0]["purchases"]
    # the counter row is this write unit's now: no other purchase of this customer is numbered until it ends
    later = await raw("SELECT id FROM purchase WHERE customer = {} AND kind = 'purchase' AND occurred_at > {} LIMIT 1",
                      customer_id, occurred_at)
    return (None, True) if later else (count, False)


async def _renumber(customer_id: int, purchase_id: int) -> int:
    """Numbers the customer's purchases 1..n by the time they were made (ties by entry) and returns the new one's
    number; the timeline's purchase lines say the numbers they now have."""
    rows = await raw("SELECT id, seq FROM purchase WHERE customer = {} AND kind = 'purchase' ORDER BY occurred_at, id",
                     customer_id)
    moved = {r["id"]: n for n, r in enumerate(rows, start=1) if r["seq"] != n}
    ids = list(moved)
    # out of the way first: (customer, seq) is unique and checked row by row on PostgreSQL
    await raw(f"UPDATE purchase SET seq = -id WHERE id IN ({marks(len(ids))})", *ids)
    cases = " ".join("WHEN {} THEN CAST({} AS INTEGER)" for _ in ids)
    await raw(f"UPDATE purchase SET seq = CASE id {cases} END WHERE id IN ({marks(len(ids))})",
              *[v for pair in moved.items() for v in pair], *ids)
    await timeline.restate(customer_id, "purchase", "purchase", {i: {"seq": n} for i, n in moved.items() if i != purchase_id})
    return moved[purchase_id]


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


async def _take_refund(customer_id: int, refund_of: int, refund_fen: int) -> dict:
    """Adds the refund to the original purchase, never beyond what was paid (one conditional update)."""
    rows = await raw(
        "UPDATE purchase SET refunded_fen = refunded_fen + {} WHERE id = {} AND customer = {} AND kind = 'purchase' "
        "AND refunded_fen + {} <= amount_fen RETURNING amount_fen, refunded_fen, points, category",
        refund_fen, refund_of, customer_id, refund_fen,
    )
    if not rows:
        original = await by_id(refund_of)
        if original is None or original.customer_id != customer_id or original.kind != "purchase":
            raise BadInput("purchase.refund_of_unknown", field="refund_of", id=refund_of)
        raise BadInput("purchase.refund_too_much", field="amount_fen", id=refund_of,
                       left=rules.yuan(original.amount_fen - original.refunded_fen))
    found = dict(rows[0])
    found["refunded_before"] = found["refunded_fen"] - refund_fen
    found["id"] = refund_of
    return found


async def _points(customer: dict, purchase_id: int, kind: str, store_id: int, category: str | None, amount_fen: int,
                  occurred_at: dt.datetime, clerk_id: int | None, original: dict | None) -> int:
    if kind == "purchase" and category is not None:
        return await points.earn_purchase(customer["id"], purchase_id, store_id=store_id, category=category,
                                          amount_fen=amount_fen, occurred_at=occurred_at, staff_id=clerk_id,
                                          birthday=rules.birthday_of(customer))
    if kind != "refund":
        return 0
    if original is not None:
        due = points_rules.refund_points(original["points"], original["amount_fen"], original["refunded_before"], -amount_fen)
        prefer = ("purchase", original["id"])
    else:
        due = await points.points_for(store_id, category or "", -amount_fen)
        prefer = None
    taken = await points.reverse(customer["id"], due, source_kind="refund", source_id=purchase_id, store_id=store_id,
                                 staff_id=clerk_id, prefer_source=prefer)
    return -taken


async def _note(customer_id: int, kind: str, category: str | None, visit_kind: str | None, amount_fen: int,
                seq: int | None, earned: int, store_id: int, clerk_id: int | None, source: str, purchase_id: int) -> None:
    data: dict[str, Any] = {"amount": rules.yuan(amount_fen), "points": earned, "seq": seq}
    if category:
        data |= {"category": category, "category_zh": rules.CATEGORY_LABELS[category][0],
                 "category_en": rules.CATEGORY_LABELS[category][1]}
    if visit_kind:
        data |= {"visit_kind": visit_kind, "visit_zh": rules.VISIT_LABELS[visit_kind][0],
                 "visit_en": rules.VISIT_LABELS[visit_kind][1]}
    await timeline.add(customer_id, kind, channel="import" if source == "import" else "store", store_id=store_id,
                       staff_id=clerk_id, data=data, ref_type="purchase", ref_id=purchase_id)


# read -----------------------------------------------------------------------------------


async def list_for(actor: Principal, customer_id: int, kind: str | None, limit: int, offset: int) -> schemas.PurchasePage:
    """A customer's purchases, refunds and visits, newest first."""
    await customers.reachable(actor, customer_id)
    only, args = ("", []) if kind is None else (" AND kind = {}", [kind])
    rows = await raw(
        f"SELECT {COLUMNS} FROM purchase WHERE customer = {{}}{only} ORDER BY occurred_at DESC, id DESC LIMIT {{}} OFFSET {{}}",
        customer_id, *args, limit + 1, offset,
    )
    return schemas.PurchasePage(items=[to_schema(r) for r in rows[:limit]], limit=limit, offset=offset,
                                has_more=len(rows) > limit)


async def get(actor: Principal, purchase_id: int) -> schemas.Purchase:
    found = await by_id(purchase_id)
    if found is None:
        raise NotFound("purchase.not_found", id=purchase_id)
    try:
        await customers.reachable(actor, found.customer_id)
    except NotFound:
        raise NotFound("purchase.not_found", id=purchase_id)
    return found


async def all_of(customer_id: int) -> list[schemas.Purchase]:
    rows = await raw(f"SELECT {COLUMNS} FROM purchase WHERE customer = {{}} ORDER BY occurred_at, id", customer_id)
    return [to_schema(r) for r in rows]
