"""Builders for the coupons tests: principals of the world's staff, customers, templates, coupons."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from regulars.core import clock
from regulars.core.auth import Principal
from regulars.core.db import raw
from regulars.coupons import schemas, service, templates
from regulars.customers import schemas as customer_schemas
from regulars.customers import service as customers
from tests.support.world import World, new_phone


def principal(world: World, name: str) -> Principal:
    if name == "admin":
        return Principal(staff_id=0, username="admin", display_name="admin", role="admin", store_id=None)
    staff = world.staff[name]
    return Principal(staff_id=staff.id, username=staff.username, display_name=staff.display_name,
                     role=staff.role, store_id=staff.store_id)


async def make_customer(world: World, clerk: str = "clerk_a", name: str = "熟客") -> int:
    outcome = await customers.create(principal(world, clerk),
                                     customer_schemas.CustomerCreate(phone=new_phone(), name=name), None)
    return json.loads(outcome.body)["id"]


async def make_template(world: World, owner: str = "manager_a", **values: Any) -> schemas.Template:
    fields: dict[str, Any] = {"name_zh": "满100减20", "kind": "amount_off", "amount_off_fen": 2000,
                              "category": "business", "purpose": "discount", "valid_days": 30}
    fields.update(values)
    return await templates.create(principal(world, owner), schemas.TemplateCreate(**fields))


async def make_coupon(world: World, template_id: int, customer_id: int, clerk: str = "clerk_a") -> schemas.Coupon:
    return await service.issue(principal(world, clerk), template_id, customer_id, source="staff")


async def set_coupon(coupon_id: int, **values: Any) -> None:
    """Moves a coupon's times or state directly, as the passing of time would."""
    sets = ", ".join(f"{k} = {{}}" for k in values)
    await raw(f"UPDATE coupon SET {sets} WHERE id = {{}}", *values.values(), coupon_id)


def ago(**delta: float) -> dt.datetime:
    return clock.now() - dt.timedelta(**delta)


async def count(sql: str, *args: Any) -> int:
    rows = await raw(sql, *args)
    return list(rows[0].values())[0]
