"""What must always hold in coupon data, checked by `regulars reconcile`."""

from __future__ import annotations

from regulars.core import invariants
from regulars.core.db import raw


async def template_counters() -> list[str]:
    """A template's issued counter equals its coupon rows and stays within its stock."""
    rows = await raw(
        "SELECT t.id, t.issued, t.stock, COALESCE(n.coupons, 0) AS coupons FROM coupon_template t "
        "LEFT JOIN (SELECT template, COUNT(*) AS coupons FROM coupon GROUP BY template) n ON n.template = t.id "
        "WHERE t.issued <> COALESCE(n.coupons, 0) OR (t.stock IS NOT NULL AND t.issued > t.stock) LIMIT 100"
    )
    return [f"template {r['id']}: issued {r['issued']}, coupons {r['coupons']}, stock {r['stock']}" for r in rows]


async def customer_counters() -> list[str]:
    """A customer's counter of a template equals their coupons of it and stays within the template's limit."""
    rows = await raw(
        "SELECT k.template, k.customer, k.issued, t.per_customer_limit, "
        "(SELECT COUNT(*) FROM coupon c WHERE c.template = k.template AND c.customer = k.customer) AS coupons "
        "FROM coupon_customer_count k JOIN coupon_template t ON t.id = k.template "
        "WHERE k.issued <> (SELECT COUNT(*) FROM coupon c WHERE c.template = k.template AND c.customer = k.customer) "
        "OR (t.per_customer_limit IS NOT NULL AND k.issued > t.per_customer_limit) LIMIT 100"
    )
    return [f"template {r['template']} customer {r['customer']}: counter {r['issued']}, coupons {r['coupons']}, "
            f"limit {r['per_customer_limit']}" for r in rows]


async def redemptions_match_state() -> list[str]:
    """A coupon is redeemed exactly when it has one unreversed redemption, in the store it names, and every
    redemption row has its timeline event."""
    rows = await raw(
        """
        SELECT c.id, c.state, c.redeemed_store, COALESCE(r.total, 0) AS total, COALESCE(r.active, 0) AS active,
               r.active_store, COALESCE(e.events, 0) AS events
        FROM coupon c
        LEFT JOIN (SELECT coupon, COUNT(*) AS total,
                          SUM(CASE WHEN reversed_at IS NULL THEN 1 ELSE 0 END) AS active,
                          MAX(CASE WHEN reversed_at IS NULL THEN store END) AS active_store
                   FROM coupon_redemption GROUP BY coupon) r ON r.coupon = c.id
        LEFT JOIN (SELECT ref_id, COUNT(*) AS events FROM timeline_event
                   WHERE kind = 'coupon_redeemed' AND ref_type = 'coupon' GROUP BY ref_id) e
               ON e.ref_id = CAST(c.id AS TEXT)
        WHERE (CASE WHEN c.state = 'redeemed' THEN 1 ELSE 0 END) <> COALESCE(r.active, 0)
           OR (c.state = 'redeemed' AND c.redeemed_store <> r.active_store)
           OR COALESCE(e.events, 0) <> COALESCE(r.total, 0)
        LIMIT 100
        """
    )
    return [f"coupon {r['id']}: state {r['state']}, unreversed redemptions {r['active']} of {r['total']}, "
            f"redeemed store {r['redeemed_store']} vs {r['active_store']}, timeline events {r['events']}" for r in rows]


invariants.register("coupons.template_counters", template_counters)
invariants.register("coupons.customer_counters", customer_counters)
invariants.register("coupons.redemptions", redemptions_match_state)
