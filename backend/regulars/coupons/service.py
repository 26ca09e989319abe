"""Issuing coupons, and reading them within reach.

Every limit is a single conditional statement: the template's stock by
`UPDATE ... SET issued = issued + 1 WHERE stock IS NULL OR issued < stock`, the
per-customer limit by a conditional upsert on (template, customer), and an issue
with a source reference at most once by a unique index. Nothing is read first
and written after.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from regulars.core import audit, clock, idempotency
from regulars.core.auth import Principal
from regulars.core.db import raw, writing
from regulars.core.errors import Conflict, NotFound
from regulars.core.idempotency import Outcome
from regulars.coupons import codes, guessing, rules, schemas, templates
from regulars.customers import service as customers
from regulars.customers import timeline

COUPON_COLUMNS = (
    "c.id, c.code, c.template, c.customer, c.state, c.scope, c.issued_at, c.valid_from, c.valid_until, "
    "c.issued_store, c.issued_by, c.source, c.source_ref, c.redeemed_at, c.redeemed_store, c.redeemed_by, "
    "c.expired_at, t.name_zh, t.name_en, t.kind, t.amount_off_fen, t.percent_off, t.max_off_fen, t.item, "
    "t.min_spend_fen"
)
SELECT_COUPON = f"SELECT {COUPON_COLUMNS} FROM coupon c JOIN coupon_template t ON t.id = c.template"
INSERT_COUPON = (
    "INSERT INTO coupon (code, template, customer, state, scope, issued_at, valid_from, valid_until, issued_store, "
    "issued_by, source, source_ref) VALUES ({}, {}, {}, 'issued', {}, {}, {}, {}, {}, {}, {}, {}) "
    "ON CONFLICT DO NOTHING RETURNING id"
)


def _time(value: Any) -> dt.datetime | None:
    return None if value is None else clock.aware(value)


def to_schema(row: dict) -> schemas.Coupon:
    return schemas.Coupon(
        id=row["id"], code=row["code"], template_id=row["template"], customer_id=row["customer"],
        name_zh=row["name_zh"], name_en=row["name_en"], kind=row["kind"], amount_off_fen=row["amount_off_fen"],
        percent_off=row["percent_off"], max_off_fen=row["max_off_fen"], item=row["item"],
        min_spend_fen=row["min_spend_fen"], state=row["state"], scope=row["scope"],
        issued_at=_time(row["issued_at"]), valid_from=_time(row["valid_from"]), valid_until=_time(row["valid_until"]),
        issued_store_id=row["issued_store"], issued_by=row["issued_by"], source=row["source"],
        source_ref=row["source_ref"], redeemed_at=_time(row["redeemed_at"]), redeemed_store_id=row["redeemed_store"],
        redeemed_by=row["redeemed_by"], expired_at=_time(row["expired_at"]),
    )


async def dict_rows(sql: str, *args: Any) -> list[dict]:
    """Rows as plain dicts (PostgreSQL hands back immutable records)."""
    return [dict(r) for r in await raw(sql, *args)]


async def row_by_id(coupon_id: int) -> dict | None:
    rows = await dict_rows(f"{SELECT_COUPON} WHERE c.id = {{}}", coupon_id)
    return rows[0] if rows else None


async def row_by_code(code: str) -> dict | None:
    rows = await dict_rows(f"{SELECT_COUPON} WHERE c.code = {{}}", code)
    return rows[0] if rows else None


# issuing --------------------------------------------------------------------------------


async def issue(
    actor: Principal | None,
    template_id: int,
    customer_id: int,
    *,
    source: str,
    source_ref: str | None = None,
    store_id: int | None = None,
    staff_id: int | None = None,
) -> schemas.Coupon:
    """Issues one coupon (in the caller's transaction if any); Conflict on stock or per-customer limit.

    With a `source_ref`, issuing again for the same (template, customer, source, source_ref)
    returns the coupon already issued instead of a second one.
    """
    coupon, _ = await issue_once(actor, template_id, customer_id, source=source, source_ref=source_ref,
                                 store_id=store_id, staff_id=staff_id)
    return coupon


async def issue_once(
    actor: Principal | None,
    template_id: int,
    customer_id: int,
    *,
    source: str,
    source_ref: str | None = None,
    store_id: int | None = None,
    staff_id: int | None = None,
) -> tuple[schemas.Coupon, bool]:
    """Like `issue`, and tells whether the coupon is new (False: this source reference had already issued it)."""
    now = clock.now()
    staff_id = staff_id if staff_id is not None else (actor.staff_id if actor else None)
    async with writing():
        customer = await _customer(actor, customer_id)
        if source_ref is not None:
            existing = await _by_source(template_id, customer_id, source, source_ref)
            if existing is not None:
                return to_schema(existing), False
        template = await _take_stock(actor, template_id, now)
        if not await _count_for_customer(template, customer_id):
            existing = await _by_source(template_id, customer_id, source, source_ref) if source_ref else None
            if existing is not None:
                return to_schema(existing), False
            raise Conflict("coupon.customer_limit", field="customer_id", name=template["name_zh"],
                           limit=template["per_customer_limit"],
                           extra={"reason": "customer_limit", "limit": template["per_customer_limit"]})
        issuing_store = store_id or (actor.store_id if actor else None) or customer["home_store"]
        _, zone = await templates.store_info(issuing_store)
        valid_from, valid_until = rules.coupon_window(template, now, zone)
        coupon_id = None
        for _attempt in range(3):
            inserted = await raw(INSERT_COUPON, codes.new_code(), template_id, customer_id, template["scope"], now,
                                 valid_from, valid_until, issuing_store, staff_id, source, source_ref)
            if inserted:
                coupon_id = inserted[0]["id"]
                break
            existing = await _by_source(template_id, customer_id, source, source_ref) if source_ref else None
            if existing is not None:  # a concurrent issue with the same reference won: give its counts back
                await _give_back(template_id, customer_id)
                return to_schema(existing), False
        if coupon_id is None:
            raise RuntimeError("no free coupon code after 3 draws")
        row = await row_by_id(coupon_id)
        await timeline.add(customer_id, "coupon_issued", channel="store" if actor else "system",
                           store_id=issuing_store, staff_id=staff_id, ref_type="coupon", ref_id=coupon_id,
                           data={"name": template["name_zh"], "code": rules.format_code(row["code"])})
        await audit.record(actor, "coupon.issue", "coupon", coupon_id, store_id=issuing_store,
                           detail={"template_id": template_id, "customer_id": customer_id, "source": source,
                                   "source_ref": source_ref})
    return to_schema(row), True


async def _customer(actor: Principal | None, customer_id: int) -> dict:
    if actor is not None:
        return await customers.reachable(actor, customer_id)
    rows = await raw("SELECT id, home_store FROM customer WHERE id = {} AND erased_at IS NULL", customer_id)
    if not rows:
        raise NotFound("customer.not_found", id=customer_id)
    return dict(rows[0])


async def _by_source(template_id: int, customer_id: int, source: str, source_ref: str) -> dict | None:
    rows = await dict_rows(f"{SELECT_COUPON} WHERE c.template = {{}} AND c.customer = {{}} AND c.source = {{}} "
                     "AND c.source_ref = {}", template_id, customer_id, source, source_ref)
    return rows[0] if rows else None


async def _take_stock(actor: Principal | None, template_id: int, now: dt.datetime) -> dict:
    """Counts one more issued coupon on the template, or refuses: one conditional update."""
    reach, args = "", []
    if actor is not None and not actor.is_admin:
        reach, args = " AND (store IS NULL OR store = {})", [actor.store_id]
    rows = await dict_rows(
        "UPDATE coupon_template SET issued = issued + 1 WHERE id = {} AND active = {} "
        "AND (stock IS NULL OR issued < stock) AND (valid_days IS NOT NULL OR valid_until > {})" + reach +
        " RETURNING id, name_zh, scope, valid_from, valid_until, valid_days, per_customer_limit, stock, issued",
        template_id, True, now, *args,
    )
    if rows:
        row = rows[0]
        row["valid_from"], row["valid_until"] = _time(row["valid_from"]), _time(row["valid_until"])
        return row
    template = await templates.visible_row(actor, template_id)
    if not template["active"]:
        raise Conflict("coupon.template_inactive", field="template_id", name=template["name_zh"],
                       extra={"reason": "inactive"})
    if rules.window_ended(template, now):
        _, zone = await templates.store_info(template["store"]) if template["store"] else (None, "Asia/Shanghai")
        raise Conflict("coupon.template_ended", field="template_id", name=template["name_zh"],
                       until=rules.shown_time(template["valid_until"], zone), extra={"reason": "ended"})
    raise Conflict("coupon.stock_exhausted", field="template_id", name=template["name_zh"], stock=template["stock"],
                   extra={"reason": "stock_exhausted", "stock": template["stock"]})


async def _count_for_customer(template: dict, customer_id: int) -> bool:
    """One more coupon of this template for this customer, unless that passes the limit: a conditional upsert."""
    limit = template["per_customer_limit"] or rules.UNLIMITED
    rows = await raw(
        "INSERT INTO coupon_customer_count (template, customer, issued) VALUES ({}, {}, 1) "
        "ON CONFLICT (template, customer) DO UPDATE SET issued = coupon_customer_count.issued + 1 "
        "WHERE coupon_customer_count.issued < {} RETURNING issued",
        template["id"], customer_id, limit,
    )
    return bool(rows)


async def _give_back(template_id: int, customer_id: int) -> None:
    await raw("UPDATE coupon_template SET issued = issued - 1 WHERE id = {}", template_id)
    await raw("UPDATE coupon_customer_count SET issued = issued - 1 WHERE template = {} AND customer = {}",
              template_id, customer_id)


async def issue_by_staff(actor: Principal, data: schemas.IssueRequest, key: str | None) -> Outcome:
    """A clerk gives one customer in reach a coupon; Idempotency-Key replays the first answer."""
    async def action() -> tuple[int, schemas.Coupon]:
        return 201, await issue(actor, data.template_id, data.customer_id, source="staff")

    return await idempotency.run(f"coupons.issue:{actor.staff_id}", key, data, action)


# reading --------------------------------------------------------------------------------


async def valid_in_store(row: dict, store_id: int | None) -> bool:
    """Whether the coupon can be redeemed in the store (its scope, the issuing store or the template's list)."""
    if store_id is None:
        return False
    if row["scope"] == "chain":
        return True
    if row["scope"] == "issuing":
        return row["issued_store"] == store_id
    found = await raw("SELECT 1 AS ok FROM coupon_template_store WHERE template = {} AND store = {}",
                      row["template"], store_id)
    return bool(found)


async def customer_in_reach(actor: Principal, customer_id: int) -> bool:
    try:
        await customers.reachable(actor, customer_id)
    except NotFound:
        return False
    return True


async def in_reach(actor: Principal, row: dict) -> bool:
    """A coupon is in a staff member's reach if its customer is, or it was issued or redeemed in their store."""
    if actor.is_admin or actor.store_id in (row["issued_store"], row["redeemed_store"]):
        return True
    return await customer_in_reach(actor, row["customer"])


async def get(actor: Principal, coupon_id: int) -> schemas.Coupon:
    row = await row_by_id(coupon_id)
    if row is None or not await in_reach(actor, row):
        raise NotFound("coupon.id_not_found", id=coupon_id)
    return to_schema(row)


async def lookup(actor: Principal, typed_code: str) -> schemas.Coupon:
    """The coupon a clerk typed or scanned: unknown, malformed and out-of-reach codes all answer 404 alike,
    and count towards the caller's limit on unknown codes."""
    async def find() -> schemas.Coupon:
        code = codes.parse(typed_code)
        row = await row_by_code(code) if code else None
        if row is None or not (await valid_in_store(row, actor.store_id) or await in_reach(actor, row)):
            raise NotFound("coupon.not_found", code=typed_code.strip()[:20])
        return to_schema(row)

    return await guessing.guarded(actor, find)


async def qr_of(actor: Principal, coupon_id: int) -> bytes:
    coupon = await get(actor, coupon_id)
    return codes.qr_svg(coupon.code)


async def of_customer(actor: Principal | None, customer_id: int, limit: int, offset: int,
                      state: str | None = None) -> schemas.CouponPage:
    """A customer's coupons, newest first (the customer 360 and the wallet)."""
    if actor is not None:
        await customers.reachable(actor, customer_id)
    where, args = "c.customer = {}", [customer_id]
    if state is not None:
        where, args = where + " AND c.state = {}", args + [state]
    rows = await raw(f"{SELECT_COUPON} WHERE {where} ORDER BY c.id DESC LIMIT {{}} OFFSET {{}}",
                     *args, limit + 1, offset)
    return schemas.CouponPage(items=[to_schema(r) for r in rows[:limit]], limit=limit, offset=offset,
                              has_more=len(rows) > limit)


async def mark_seen(coupon_ids: list[int]) -> int:
    """Notes that the customer has seen these coupons in the wallet (the first time only); returns how many were new."""
    ids = sorted({int(i) for i in coupon_ids})
    if not ids:
        return 0
    marks = ", ".join("{}" for _ in ids)
    if not await raw(f"SELECT id FROM coupon WHERE id IN ({marks}) AND seen_at IS NULL LIMIT 1", *ids):
        return 0  # a wallet opened again writes nothing
    async with writing():
        rows = await raw(f"UPDATE coupon SET seen_at = {{}} WHERE id IN ({marks}) AND seen_at IS NULL RETURNING id",
                         clock.now(), *ids)
    return len(rows)


async def void_unredeemed(coupon_id: int) -> bool:
    """Withdraws a coupon the customer has not used yet (a reward given for something undone); False if it was used."""
    async with writing():
        rows = await raw("UPDATE coupon SET state = 'void', voided_at = {} WHERE id = {} AND state = 'issued' RETURNING id",
                         clock.now(), coupon_id)
    return bool(rows)
