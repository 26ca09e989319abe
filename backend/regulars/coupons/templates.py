"""Coupon templates: a manager's for their store, an admin's for the chain or a named store."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from regulars.core import audit, clock
from regulars.core.auth import Principal
from regulars.core.db import raw, writing
from regulars.core.errors import BadInput, Forbidden, NotFound
from regulars.coupons import messages  # noqa: F401  (registers the room's messages)
from regulars.coupons import rules, schemas
from regulars.coupons.tables import CouponTemplate, CouponTemplateStore
from regulars.stores import service as stores

_store_cache: dict[int, tuple[float, str, str]] = {}
STORE_CACHE_SECONDS = 60.0


async def store_info(store_id: int) -> tuple[str, str]:
    """(name, time zone) of a store, cached briefly: shown in messages on every redemption."""
    cached = _store_cache.get(store_id)
    if cached and cached[0] > time.monotonic():
        return cached[1], cached[2]
    try:
        store = await stores.get_store(store_id)
        found = (store.name, store.timezone)
    except NotFound:
        found = (str(store_id), "Asia/Shanghai")
    _store_cache[store_id] = (time.monotonic() + STORE_CACHE_SECONDS, *found)
    return found


_display_cache: dict[int, tuple[float, dict]] = {}
DISPLAY_FIELDS = ("name_zh", "name_en", "kind", "amount_off_fen", "percent_off", "max_off_fen", "item", "min_spend_fen")


async def display(template_id: int) -> dict:
    """What a coupon shows of its template (names, kind, value), cached briefly: read on every redemption."""
    cached = _display_cache.get(template_id)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    row = await CouponTemplate.select(*[getattr(CouponTemplate, f) for f in DISPLAY_FIELDS]).where(
        CouponTemplate.id == template_id).first()
    _display_cache[template_id] = (time.monotonic() + STORE_CACHE_SECONDS, row)
    return row


def visible(actor: Principal | None, row: dict) -> bool:
    return actor is None or actor.is_admin or row["store"] is None or row["store"] == actor.store_id


async def row_of(template_id: int) -> dict | None:
    return await CouponTemplate.select().where(CouponTemplate.id == template_id).first()


async def visible_row(actor: Principal | None, template_id: int) -> dict:
    row = await row_of(template_id)
    if row is None or not visible(actor, row):
        raise NotFound("coupon.template_not_found", id=template_id)
    return _aware(row)


def _aware(row: dict) -> dict:
    for key in ("valid_from", "valid_until", "created_at", "updated_at"):
        if row.get(key) is not None:
            row[key] = clock.aware(row[key])
    return row


async def store_ids_of(template_ids: list[int]) -> dict[int, list[int]]:
    if not template_ids:
        return {}
    marks = ", ".join("{}" for _ in template_ids)
    rows = await raw(f"SELECT template, store FROM coupon_template_store WHERE template IN ({marks}) ORDER BY store",
                     *template_ids)
    found: dict[int, list[int]] = {}
    for r in rows:
        found.setdefault(r["template"], []).append(r["store"])
    return found


def to_schema(row: dict, store_ids: list[int]) -> schemas.Template:
    row = _aware(dict(row))
    stock = row["stock"]
    return schemas.Template(
        id=row["id"], store_id=row["store"], name_zh=row["name_zh"], name_en=row["name_en"], terms_zh=row["terms_zh"],
        terms_en=row["terms_en"], kind=row["kind"], amount_off_fen=row["amount_off_fen"],
        percent_off=row["percent_off"], max_off_fen=row["max_off_fen"], item=row["item"], category=row["category"],
        purpose=row["purpose"], valid_from=row["valid_from"], valid_until=row["valid_until"],
        valid_days=row["valid_days"], stock=stock, issued=row["issued"],
        remaining=None if stock is None else max(stock - row["issued"], 0),
        per_customer_limit=row["per_customer_limit"], scope=row["scope"], store_ids=store_ids,
        min_spend_fen=row["min_spend_fen"], points_price=row["points_price"], active=bool(row["active"]),
        created_at=row["created_at"], updated_at=row["updated_at"],
    )


async def get(actor: Principal | None, template_id: int) -> schemas.Template:
    row = await visible_row(actor, template_id)
    return to_schema(row, (await store_ids_of([template_id])).get(template_id, []))


async def list_templates(actor: Principal, active: bool | None, limit: int, offset: int) -> list[schemas.Template]:
    """Templates the actor can issue from: their store's and the chain's (an admin: all)."""
    query = CouponTemplate.select().order_by(CouponTemplate.id, ascending=False).limit(limit).offset(offset)
    if not actor.is_admin:
        query = query.where((CouponTemplate.store.is_null()) | (CouponTemplate.store == actor.store_id))
    if active is not None:
        query = query.where(CouponTemplate.active == active)
    rows = await query
    lists = await store_ids_of([r["id"] for r in rows])
    return [to_schema(r, lists.get(r["id"], [])) for r in rows]


async def _owner_store(actor: Principal, requested: int | None) -> int | None:
    if actor.is_admin:
        if requested is not None:
            await _existing_stores([requested], "store_id")
        return requested
    if requested not in (None, actor.store_id):
        raise BadInput("coupon.template_store", field="store_id")
    return actor.store_id


async def _existing_stores(store_ids: list[int], field: str) -> list[int]:
    unique = sorted(set(store_ids))
    for store_id in unique:
        try:
            await stores.get_store(store_id)
        except NotFound:
            raise BadInput("coupon.store_list", field=field, ids=store_id)
    return unique


def _utc(moment: dt.datetime | None, zone: str) -> dt.datetime | None:
    """Times without an offset are read in the owning store's zone."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment.astimezone(dt.timezone.utc)


async def create(actor: Principal, data: schemas.TemplateCreate) -> schemas.Template:
    store_id = await _owner_store(actor, data.store_id)
    zone = await stores.store_timezone(store_id)
    values = {k: v for k, v in msgspec.structs.asdict(data).items() if k not in ("store_id", "store_ids")}
    values["valid_from"] = _utc(data.valid_from, zone)
    values["valid_until"] = _utc(data.valid_until, zone)
    values["item"] = values["item"].strip()
    now = clock.now()
    rules.check_template({**values, "store_ids": data.store_ids}, now)
    store_ids = await _existing_stores(data.store_ids, "store_ids") if data.scope == "list" else []
    async with writing():
        row = (
            await CouponTemplate.insert(
                CouponTemplate(store=store_id, created_by=actor.staff_id, created_at=now, updated_at=now, issued=0,
                               **values)
            ).returning(CouponTemplate.id)
        )[0]
        template_id = row["id"]
        if store_ids:
            await CouponTemplateStore.insert(*[CouponTemplateStore(template=template_id, store=s) for s in store_ids])
        await audit.record(actor, "coupon_template.create", "coupon_template", template_id, store_id=store_id,
                           detail={"name": data.name_zh, "kind": data.kind, "stock": data.stock})
    return await get(actor, template_id)


async def update(actor: Principal, template_id: int, data: schemas.TemplateUpdate) -> schemas.Template:
    sent: dict[str, Any] = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    fields = sorted(sent)
    async with writing():
        row = await visible_row(actor, template_id)
        if not actor.is_admin and row["store"] != actor.store_id:
            raise Forbidden("coupon.template_not_yours", id=template_id)
        store_ids = sent.pop("store_ids", None)
        if store_ids is not None:
            if row["scope"] != "list" or not store_ids:
                raise BadInput("coupon.store_list", field="store_ids", ids=", ".join(map(str, store_ids)))
            store_ids = await _existing_stores(store_ids, "store_ids")
        values = {getattr(CouponTemplate, k): v for k, v in sent.items() if k != "stock"}
        values[CouponTemplate.updated_at] = clock.now()
        await CouponTemplate.update(values).where(CouponTemplate.id == template_id)
        if "stock" in sent:
            await _set_stock(template_id, sent["stock"])
        if store_ids is not None:
            await CouponTemplateStore.delete().where(CouponTemplateStore.template == template_id)
            await CouponTemplateStore.insert(*[CouponTemplateStore(template=template_id, store=s) for s in store_ids])
        _display_cache.pop(template_id, None)
        await audit.record(actor, "coupon_template.update", "coupon_template", template_id, store_id=row["store"],
                           detail={"fields": fields})
    return await get(actor, template_id)


async def _set_stock(template_id: int, stock: int | None) -> None:
    """Stock may not drop below what was issued: one conditional update, so a concurrent issue cannot slip past."""
    if stock is None:
        await raw("UPDATE coupon_template SET stock = NULL WHERE id = {}", template_id)
        return
    rows = await raw("UPDATE coupon_template SET stock = {} WHERE id = {} AND issued <= {} RETURNING id",
                     stock, template_id, stock)
    if not rows:
        current = await CouponTemplate.select(CouponTemplate.issued).where(CouponTemplate.id == template_id).first()
        raise BadInput("coupon.stock_below_issued", field="stock", stock=stock, issued=current["issued"])
