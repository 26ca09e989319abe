"""Points for a coupon: debit the template's points price and issue the coupon, both or neither."""

from __future__ import annotations

import msgspec

from regulars.core import idempotency
from regulars.core.auth import Principal
from regulars.core.errors import BadInput
from regulars.core.idempotency import Outcome
from regulars.coupons import schemas as coupon_schemas
from regulars.coupons import service as coupons
from regulars.coupons import templates
from regulars.customers import service as customers
from regulars.points import schemas, service


class ExchangeCreate(msgspec.Struct, forbid_unknown_fields=True):
    template_id: int


class Exchanged(msgspec.Struct):
    entry: schemas.Entry
    coupon: coupon_schemas.Coupon


async def exchange_for_coupon(actor: Principal, customer_id: int, data: ExchangeCreate, key: str | None) -> Outcome:
    payload = {"customer_id": customer_id, "template_id": data.template_id}
    return await idempotency.run(f"points.exchange:{actor.staff_id}", key, payload,
                                 lambda: _exchange(actor, customer_id, data.template_id))


async def _exchange(actor: Principal, customer_id: int, template_id: int) -> tuple[int, Exchanged]:
    await customers.reachable(actor, customer_id)
    template = await templates.get(actor, template_id)
    if not template.points_price:
        raise BadInput("points.not_exchangeable", field="template_id", name=template.name_zh)

    async def issue(entry_id: int) -> coupon_schemas.Coupon:
        return await coupons.issue(actor, template_id, customer_id, source="points_exchange", source_ref=str(entry_id),
                                   store_id=actor.store_id, staff_id=actor.staff_id)

    entry, coupon = await service.exchange(actor, customer_id, template.points_price, issue,
                                           reason=f"coupon template {template_id}")
    return 201, Exchanged(entry=entry, coupon=coupon)
