"""What must always hold in purchase data, checked by `regulars reconcile`."""

from __future__ import annotations

from regulars.core import invariants
from regulars.core.db import raw


async def purchase_numbers() -> list[str]:
    """Each customer's purchases are numbered 1..n without a gap, and the counter says n."""
    rows = await raw(
        "SELECT p.customer, COUNT(*) AS n, MAX(p.seq) AS last, MIN(p.seq) AS first, "
        "(SELECT pc.purchases FROM purchase_counter pc WHERE pc.customer = p.customer) AS counter "
        "FROM purchase p WHERE p.kind = 'purchase' GROUP BY p.customer "
        "HAVING COUNT(*) <> MAX(p.seq) OR MIN(p.seq) <> 1 "
        "OR COUNT(*) <> COALESCE((SELECT pc.purchases FROM purchase_counter pc WHERE pc.customer = p.customer), 0) "
        "LIMIT 100"
    )
    return [f"customer {r['customer']}: {r['n']} purchases numbered {r['first']}..{r['last']}, counter {r['counter']}"
            for r in rows]


async def purchase_numbers_follow_time() -> list[str]:
    """A customer's first purchase is the earliest made, the second the next, ... (ties by entry)."""
    rows = await raw(
        "SELECT customer, id, seq, rn FROM (SELECT customer, id, seq, "
        "ROW_NUMBER() OVER (PARTITION BY customer ORDER BY occurred_at, id) AS rn FROM purchase WHERE kind = 'purchase') x "
        "WHERE seq <> rn LIMIT 100"
    )
    return [f"customer {r['customer']}: purchase {r['id']} numbered {r['seq']}, made as number {r['rn']}" for r in rows]


async def refunds_within_purchases() -> list[str]:
    rows = await raw(
        "SELECT o.id, o.amount_fen, o.refunded_fen, COALESCE(SUM(-r.amount_fen), 0) AS refunds FROM purchase o "
        "LEFT JOIN purchase r ON r.refund_of = o.id WHERE o.kind = 'purchase' GROUP BY o.id, o.amount_fen, o.refunded_fen "
        "HAVING o.refunded_fen > o.amount_fen OR o.refunded_fen <> COALESCE(SUM(-r.amount_fen), 0) LIMIT 100"
    )
    return [f"purchase {r['id']}: refunded {r['refunded_fen']} of {r['amount_fen']} fen, refunds add up to {r['refunds']}"
            for r in rows]


invariants.register("purchases.numbers", purchase_numbers)
invariants.register("purchases.numbers_by_time", purchase_numbers_follow_time)
invariants.register("purchases.refunds", refunds_within_purchases)
