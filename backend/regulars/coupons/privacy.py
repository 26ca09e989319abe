"""What the coupons room adds to a customer's data export, and does on erasure."""

from __future__ import annotations

from typing import Any

from regulars.core import clock
from regulars.core.db import raw
from regulars.coupons import service
from regulars.customers import privacy


async def export_section(customer_id: int) -> dict[str, Any]:
    page = await service.of_customer(None, customer_id, limit=10_000, offset=0)
    redemptions = await raw(
        "SELECT r.coupon, r.store, r.channel, r.at, r.reversed_at, r.reverse_reason FROM coupon_redemption r "
        "WHERE r.customer = {} ORDER BY r.id", customer_id,
    )
    plain = [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items()} for r in redemptions]
    return {"coupons": page.items, "redemptions": plain}


async def erase(customer_id: int) -> None:
    """Outstanding coupons are voided: nobody can redeem them any more; the anonymous counts stay."""
    await raw("UPDATE coupon SET state = 'void', voided_at = {} WHERE customer = {} AND state = 'issued'",
              clock.now(), customer_id)
    await raw("UPDATE coupon_redemption SET reverse_reason = '' WHERE customer = {}", customer_id)


privacy.register_export_section("coupons", export_section)
privacy.register_erasure_hook(erase)
