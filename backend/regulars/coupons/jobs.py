"""Background work of the coupons room: marking expired coupons, resuming interrupted bulk issues."""

from __future__ import annotations

from regulars import worker
from regulars.core import clock
from regulars.core.db import raw, writing
from regulars.coupons import bulk, rules
from regulars.customers import timeline

EXPIRE_BATCH = 500


async def expire_due(batch: int = EXPIRE_BATCH) -> int:
    """Marks issued coupons past their validity as expired, each with a timeline event; safe to run anywhere, twice."""
    total = 0
    while True:
        now = clock.now()
        async with writing():
            # The state condition is re-checked by the update itself, so two workers never expire one coupon twice.
            rows = await raw(
                "UPDATE coupon SET state = 'expired', expired_at = {} WHERE state = 'issued' AND valid_until <= {} "
                "AND id IN (SELECT id FROM coupon WHERE state = 'issued' AND valid_until <= {} ORDER BY id LIMIT {}) "
                "RETURNING id, customer, template, code, issued_store",
                now, now, now, batch,
            )
            names = await _names({r["template"] for r in rows})
            for row in rows:
                await timeline.add(row["customer"], "coupon_expired", channel="system", store_id=row["issued_store"],
                                   ref_type="coupon", ref_id=row["id"],
                                   data={"name": names.get(row["template"], ""), "code": rules.format_code(row["code"])})
        total += len(rows)
        if len(rows) < batch:
            return total


async def _names(template_ids: set[int]) -> dict[int, str]:
    if not template_ids:
        return {}
    ids = sorted(template_ids)
    marks = ", ".join("{}" for _ in ids)
    rows = await raw(f"SELECT id, name_zh FROM coupon_template WHERE id IN ({marks})", *ids)
    return {r["id"]: r["name_zh"] for r in rows}


async def _expire_job() -> None:
    await expire_due()


worker.register("coupons.expire", 60, _expire_job)
worker.register("coupons.bulk_resume", 30, bulk.resume_stale)
